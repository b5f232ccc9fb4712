"""Absolute links to this site (og:image, twitter:image), without trusting what a client sends.

Link previews need absolute URLs. The request's Host header is the client's to
choose, so copying it into the page lets anyone mint pages that point at their
own server (issue 14). In order of preference:
1. ``MLP_PUBLIC_URL`` (e.g. ``https://digits.example.org``): the site's public
   address, set by whoever deploys it; used as is.
2. the request's host, only when it is a well-formed host name or address (and,
   when ``MLP_TRUSTED_HOSTS`` is set, one of those: Flask then refuses any other
   Host with 400 before a view runs);
3. otherwise a relative link, never ``http:///...``.
A host is written as the client sent it, in ASCII: a punycode name stays
punycode (``xn--80ak6aa92e.com``), never the look-alike it decodes to.
deploy/serve always states the public URL (issue 23), so in production the
Host header never reaches a link.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .startup import StartupError

# A DNS name (labels of letters, digits and inner hyphens), an IPv4 address, or a
# bracketed IPv6 address; then an optional port.
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
HOST = re.compile(rf"(?:{_LABEL}(?:\.{_LABEL})*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{{1,5}})?")


def valid_host(host: str) -> bool:
    return bool(host) and len(host) <= 260 and HOST.fullmatch(host) is not None


def parse_public_url(value: str | None) -> str | None:
    """``MLP_PUBLIC_URL`` checked and without a trailing slash; None when unset or empty."""
    if not value:
        return None
    parts = urlsplit(value)
    if (parts.scheme not in ("http", "https") or not valid_host(parts.netloc) or parts.query
            or parts.fragment or "@" in parts.netloc):
        raise StartupError(f"MLP_PUBLIC_URL '{value}': must be the site's address, like https://digits.example.org")
    return value.rstrip("/")


def parse_trusted_hosts(value: str | None) -> list[str] | None:
    """``MLP_TRUSTED_HOSTS`` (comma-separated names; '.example.org' allows its subdomains) as a list."""
    if not value:
        return None
    hosts = [h.strip() for h in value.split(",") if h.strip()]
    # An IPv6 address ([::1]) is a valid Host, but Werkzeug's check cuts it at its first colon: never matched.
    bad = [h for h in hosts if not valid_host(h.lstrip(".")) or h.startswith("[")]
    if bad or not hosts:
        raise StartupError(f"MLP_TRUSTED_HOSTS '{value}': must be host names separated by commas "
                           f"(bad: {', '.join(bad) or 'none given'})")
    return hosts


def absolute(path: str, public_url: str | None, request) -> str:
    """``path`` (starting with /) as a link for other sites: see the module's docstring."""
    if public_url:
        return public_url + path
    if valid_host(request.host):
        # Not request.host_url: Werkzeug decodes punycode there (xn--80ak6aa92e.com -> аррӏе.com).
        return f"{request.scheme}://{request.host}{path}"
    return path
