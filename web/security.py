"""The headers every answer carries; the Content-Security-Policy is stated here and nowhere else.

Only our own files run or style the page: no inline code, so an injected string
can never execute. Framing is allowed from anywhere on purpose: teachers embed
the page in slides, and it has no accounts or actions that a clickjacker could
abuse (see README). The page has no <meta> copy of the policy: the header is
the one place (deploy/serve puts the same headers on nginx's own refusals).
"""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}
