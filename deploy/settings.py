"""deploy/serve's settings, read from the environment and checked: a bad one is a SettingError naming it.

The site's public address is always stated in production (issue 23): MLP_PUBLIC_URL,
or, when it is unset, this machine's own address (http://127.0.0.1:PORT), in which
case the site answers to this machine's names only. Either way the Host header a
client sends never reaches a link, and a Host the site does not answer to is refused
(by nginx, and by the app, which is given the same list).
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from web import public_url
from web.startup import StartupError

HOST = "127.0.0.1"  # the stack listens on loopback only
LOCAL_NAMES = (HOST, "localhost")  # always answered: health checks from this machine


class SettingError(ValueError):
    """A setting deploy/serve cannot start with; ``str()`` is the one line to print."""


@dataclass
class Settings:
    port: int
    workers: int = 2
    threads: int = 4
    rate: int = 200
    preview_rate: int = 5
    explain_rate: int = 20
    train_rate: int = 6  # per minute
    conn_limit: int = 64
    costly_conn_limit: int = 4
    public_url: str = ""
    public_url_stated: bool = False  # False: the local default
    hosts: list = field(default_factory=list)  # host names nginx and the app answer to
    proxies: list = field(default_factory=list)  # trusted proxies' networks, e.g. "10.0.0.0/8"
    nginx_workers: int = 1

    @property
    def public_host(self) -> str:
        """The public URL's host, as nginx's $host has it: lower case, no port, an IPv6 address in brackets."""
        host = urlsplit(self.public_url).hostname or HOST
        return f"[{host}]" if ":" in host else host

    @property
    def costly_total(self) -> int:
        """Costly requests in progress for everyone together: half of gunicorn's threads."""
        return max(1, self.workers * self.threads // 2)

    def app_environment(self) -> dict:
        """What the app is told, so that it and nginx agree on the address and the host names."""
        return {"MLP_PUBLIC_URL": self.public_url, "MLP_TRUSTED_HOSTS": ",".join(self.hosts)}


def whole_number(environ, name: str, default: int, low: int = 1) -> int:
    value = environ.get(name, str(default))
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if number < low:
        raise SettingError(f"{name}={value!r}: must be a whole number, at least {low}")
    return number


def without_port(host: str) -> str:
    """'example.org:8080' -> 'example.org' (nginx's $host, like Werkzeug's check, has no port)."""
    name, colon, port = host.rpartition(":")
    return name if colon and port.isdigit() and not host.endswith("]") else host


def trusted_proxies(value: str | None) -> list[str]:
    """MLP_TRUSTED_PROXIES: addresses or networks (CIDR), separated by commas; none when unset."""
    if not value or not value.strip():
        return []
    networks, bad = [], []
    for item in (v.strip() for v in value.split(",")):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            bad.append(item or "an empty item")
    if bad:
        raise SettingError(f"MLP_TRUSTED_PROXIES {value!r}: must be addresses or networks (like 10.0.0.0/8) "
                           f"separated by commas (bad: {', '.join(bad)})")
    return networks


def read(port: int, environ=None) -> Settings:
    environ = os.environ if environ is None else environ
    s = Settings(port=port)
    for attr, name in (("workers", "MLP_WORKERS"), ("threads", "MLP_THREADS"), ("rate", "MLP_RATE_LIMIT"),
                       ("preview_rate", "MLP_PREVIEW_RATE_LIMIT"), ("explain_rate", "MLP_EXPLAIN_RATE_LIMIT"),
                       ("train_rate", "MLP_TRAIN_RATE_LIMIT"), ("conn_limit", "MLP_CONN_LIMIT"),
                       ("costly_conn_limit", "MLP_COSTLY_CONN_LIMIT")):
        setattr(s, attr, whole_number(environ, name, getattr(s, attr)))
    try:
        stated = public_url.parse_public_url(environ.get("MLP_PUBLIC_URL"))
        trusted = public_url.parse_trusted_hosts(environ.get("MLP_TRUSTED_HOSTS")) or []
    except StartupError as exc:
        raise SettingError(str(exc)) from None
    if trusted and not stated:
        raise SettingError("MLP_TRUSTED_HOSTS is set but MLP_PUBLIC_URL is not: state the site's public address "
                           "too (e.g. MLP_PUBLIC_URL=https://digits.example.org), the base of its links")
    if stated and "[" in urlsplit(stated).netloc:
        raise SettingError(f"MLP_PUBLIC_URL '{stated}': name the site by a host name, not an IPv6 address "
                           "(the app cannot check an IPv6 Host)")
    s.public_url_stated = bool(stated)
    s.public_url = stated or f"http://{HOST}:{port}"
    hosts = [s.public_host] + [without_port(h.lower()) for h in trusted] + list(LOCAL_NAMES)
    s.hosts = list(dict.fromkeys(hosts))  # in order, once each
    s.proxies = trusted_proxies(environ.get("MLP_TRUSTED_PROXIES"))
    s.nginx_workers = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return s
