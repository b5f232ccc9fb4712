"""nginx's configuration for deploy/serve: the template filled in, and the files it includes.

Written into the run folder: nginx.conf (deploy/nginx.conf.template with its
placeholders filled), header_fill.conf and headers.conf (the app's security
headers, from web/security.py, on every reply that lacks them) and stored.conf
(the stored replies, deploy/stored_replies.py; empty until the app has answered).
"""
from __future__ import annotations

import math
import re
from pathlib import Path

from .settings import HOST, Settings

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"  # as the template's $method_accepted

# nginx's own refusals, as JSON worded like the app's: {code: (status sent, text)}.
# "host" is the template's 421, sent as a 400 that says what was wrong.
ERRORS = {
    "400": (400, "400 Bad Request: the request is malformed (request line, headers or chunked body)"),
    "host": (400, "400 Bad Request: this site does not answer to the host name in the request (Host)"),
    "403": (403, "403 Forbidden"),
    "404": (404, "404 Not Found: The requested URL was not found on the server."),
    "405": (405, f"405 Method Not Allowed: this site answers {ALLOWED_METHODS} only"),
    "408": (408, "408 Request Timeout: the request was not sent in time"),
    "411": (411, "411 Length Required: send the length of the body (Content-Length) or send it chunked"),
    "413": (413, "413 Request Entity Too Large: The data value transmitted exceeds the capacity limit."),
    "414": (414, "414 URI Too Long: the address is longer than 8 KiB"),
    "416": (416, "416 Range Not Satisfiable"),
    "431": (431, "431 Request Header Fields Too Large: a header line is longer than 8 KiB"),
    "429": (429, "429 Too Many Requests: too many requests from your address; wait a moment"),
    "500": (500, "500 Internal Server Error: the proxy failed; try again"),
    "501": (501, "501 Not Implemented: a transfer coding other than chunked"),
    "502": (502, "502 Bad Gateway: the app is not answering; try again in a moment"),
    "503": (503, "503 Service Unavailable: try again in a moment"),
    "504": (504, "504 Gateway Timeout: the app took too long to answer"),
    "505": (505, "505 HTTP Version Not Supported: send HTTP/1.0 or HTTP/1.1"),
}
ERROR_PAGE_CODES = {"421": "host", "494": "431"}  # nginx's code -> the page above, when they differ


class ConfigError(ValueError):
    """A value the nginx config cannot carry; ``str()`` is the one line to print."""


def quoted(value: str) -> str:
    """A value as an nginx string in double quotes; refused if it holds what nginx would read as syntax."""
    if any(c in value for c in '"$\\{}\n'):
        raise ConfigError(f"the value {value!r} holds a character the nginx config cannot carry")
    return f'"{value}"'


def variable_name(header: str) -> str:
    return header.lower().replace("-", "_")


def header_files(run: Path, security_headers: dict):
    """header_fill.conf (http level: which value each header gets) and headers.conf (the add_header
    lines, included wherever a location adds headers of its own, since those replace the inherited ones)."""
    maps, adds = [], []
    for name, value in security_headers.items():
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name):
            raise ConfigError(f"the header name {name!r} cannot be written into the nginx config")
        var = variable_name(name)
        # Empty when the app sent the header: it is kept as the app wrote it, never doubled.
        maps.append(f'map $upstream_http_{var} $fill_{var} {{\n    "" {quoted(value)};\n    default "";\n}}')
        adds.append(f"add_header {name} $fill_{var} always;")
    maps.append('map "$status:$upstream_http_cache_control" $fill_cache_control {\n'
                '    "~^[45][0-9][0-9]:$" "no-store";\n    default "";\n}')
    adds.append("add_header Cache-Control $fill_cache_control always;")
    (run / "header_fill.conf").write_text("\n".join(maps) + "\n", encoding="utf-8")
    (run / "headers.conf").write_text("\n".join(adds) + "\n", encoding="utf-8")


def error_pages() -> str:
    lines = []
    for code in ERRORS:
        if code.isdigit():
            lines.append(f"        error_page {code} /_proxy_error/{code};")
    for nginx_code, page in ERROR_PAGE_CODES.items():
        lines.append(f"        error_page {nginx_code} ={ERRORS[page][0]} /_proxy_error/{page};")
    return "\n".join(lines)


def error_locations() -> str:
    blocks = []
    for page, (status, text) in ERRORS.items():
        if any(c in text for c in "'\\\"{}$"):
            raise ConfigError(f"the error text {text!r} holds a character the nginx config cannot carry")
        extra = ""
        if status == 429:
            extra = "            add_header Retry-After $retry_after always;\n"
        elif status == 405:
            extra = f'            add_header Allow "{ALLOWED_METHODS}" always;\n'
        blocks.append(f"        location = /_proxy_error/{page} {{\n            internal;\n"
                      f"            default_type application/json;\n            include headers.conf;\n{extra}"
                      f"            return {status} '{{\"error\": \"{text}\"}}\\n';\n        }}")
    return "\n".join(blocks)


def real_ip(proxies) -> str:
    if not proxies:
        return "    # (MLP_TRUSTED_PROXIES is not set: each connection's own address is the client's.)"
    lines = [f"    set_real_ip_from {network};" for network in proxies]
    return "\n".join(lines + ["    real_ip_header X-Forwarded-For;", "    real_ip_recursive on;"])


def render(run: Path, s: Settings, max_body_bytes: int, link_max: int, security_headers: dict) -> Path:
    """Write nginx.conf and the files it includes into ``run``; the path of nginx.conf."""
    values = {
        "NGINX_WORKERS": str(s.nginx_workers),
        "LISTEN": f"{HOST}:{s.port}",
        "SERVER_NAME": s.public_host,
        "SOCKET": str(run / "gunicorn.sock"),
        "MAX_BODY": f"{max_body_bytes // 1024}k",
        "LINK_MAX": str(link_max),
        "RATE": str(s.rate),
        "BURST": str(2 * s.rate),
        "PREVIEW_RATE": str(s.preview_rate),
        "PREVIEW_BURST": str(2 * s.preview_rate),
        "EXPLAIN_RATE": str(s.explain_rate),
        "EXPLAIN_BURST": str(2 * s.explain_rate),
        "TRAIN_RATE": str(s.train_rate),
        "TRAIN_BURST": str(max(1, s.train_rate // 2)),
        "TRAIN_RETRY_AFTER": str(math.ceil(60 / s.train_rate)),
        "CONN_LIMIT": str(s.conn_limit),
        "COSTLY_CONN": str(s.costly_conn_limit),
        "COSTLY_TOTAL": str(s.costly_total),
        "HOSTS": "\n".join(f"        {host} 1;" for host in s.hosts),
        "REAL_IP": real_ip(s.proxies),
        "PROXY_NETWORKS": "\n".join(f"        {network} 1;" for network in s.proxies),
        "ERROR_PAGES": error_pages(),
        "ERROR_LOCATIONS": error_locations(),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@@{name}@@", value)
    if "@@" in text:
        raise ConfigError(f"{TEMPLATE}: a placeholder was left unfilled")
    header_files(run, security_headers)
    from .stored_replies import write_map
    write_map(run, [])  # nothing stored yet: every /api/network request goes to the app
    path = run / "nginx.conf"
    path.write_text(text, encoding="utf-8")
    return path
