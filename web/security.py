"""The headers every answer carries; the Content-Security-Policy is stated here and nowhere else.

Only our own files run or style the page: no inline code, so an injected string
can never execute. Framing is allowed from anywhere on purpose: teachers embed
the page in slides, and it has no accounts or actions that a clickjacker could
abuse (see README). The page has no <meta> copy of the policy: the header is
the one place (deploy/serve puts the same headers on nginx's own refusals).
"""
from __future__ import annotations

from flask import request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *")

SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}


NO_STORE = ("Cache-Control", "no-store")
# What add_headers gives an API answer that sets none of them itself, for a reply that brings them
# along (/api/predict's compact form): add_headers then finds each and adds nothing.
# (tests/test_security_headers.py: the same headers as the jsonify path's.)
API_HEADERS = (*SECURITY_HEADERS.items(), NO_STORE)


def add_headers(response):
    """Run after every request: the headers above, and no-store where nothing may be kept."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    # API answers and refusals are for this request only: no cache or proxy may keep them.
    # (Routes that may be cached, /api/network and /preview.png, say so themselves.)
    if "Cache-Control" not in response.headers and (
            request.path.startswith("/api/") or request.path == "/healthz" or response.status_code >= 400):
        response.headers[NO_STORE[0]] = NO_STORE[1]
    return response
