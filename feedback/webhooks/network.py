"""The one HTTP request of a delivery, guarded against server-side request forgery.

The host is resolved once and every address checked (private, loopback, link-local, multicast, reserved: refused
unless an admin allowed the endpoint's private network); the connection then goes to the checked address itself,
so a DNS answer that changes between the check and the connection cannot point it elsewhere. TLS still checks the
certificate against the host name. Redirects are never followed (a 3xx is a failed attempt).
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit


class UnsafeUrl(ValueError):
    """A URL a delivery must not go to; the message is for the admin (French)."""


@dataclass(frozen=True)
class Attempt:
    #: The receiver's HTTP status; None when it could not be reached (or was refused before any connection).
    status: int | None
    duration_ms: int
    error: str | None = None

    @property
    def is_success(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def check_url(url: str, *, allow_http: bool) -> tuple[str, str, int, str]:
    """(scheme, host, port, path?query) of a URL a webhook may be registered with; UnsafeUrl otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeUrl("Adresse invalide.") from None
    if parts.scheme not in ({"https", "http"} if allow_http else {"https"}):
        raise UnsafeUrl("L'adresse doit commencer par https://.")
    if not parts.hostname:
        raise UnsafeUrl("L'adresse n'a pas de nom d'hôte.")
    if parts.username or parts.password:
        raise UnsafeUrl("L'adresse ne doit pas contenir d'identifiants.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to, once every address of the host has been checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UnsafeUrl(f"Nom d'hôte introuvable : {host}.") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise UnsafeUrl(f"Nom d'hôte introuvable : {host}.")
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise UnsafeUrl(
                    f"{host} mène à une adresse privée ou locale ({address}) : refusée, sauf si un·e admin "
                    "autorise le réseau privé pour ce point de réception."
                )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self._tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self._tls)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: str, headers: dict[str, str], *, timeout: float, allow_http: bool, allow_private: bool):
    """POST the body; never raises for the receiver's or the network's failures: they are the attempt's result."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        scheme, host, port, path = check_url(url, allow_http=allow_http)
        address = resolve(host, port, allow_private=allow_private)
    except UnsafeUrl as refusal:
        return Attempt(None, elapsed(), str(refusal))
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout)
    try:
        connection.request("POST", path, body=body.encode(), headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # a receiver's answer is not kept: a little is read so the connection ends well
        status = response.status
    except (OSError, http.client.HTTPException) as problem:
        return Attempt(None, elapsed(), f"connexion impossible : {type(problem).__name__}")
    finally:
        connection.close()
    if 300 <= status < 400:
        return Attempt(status, elapsed(), "redirection non suivie")
    return Attempt(status, elapsed(), None if 200 <= status < 300 else f"réponse HTTP {status}")
