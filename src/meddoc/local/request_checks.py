"""What the local server checks before it reads a request's body: the name it was
addressed by (a page that rebinds its own DNS name to 127.0.0.1 must not reach the API),
the Origin of a state change, a body framed by one declared length, and which site file
(if any) a path names."""

from __future__ import annotations

import re
import socket
from email.message import Message
from http import HTTPStatus
from pathlib import Path
from urllib.parse import unquote

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
STATE_CHANGING = frozenset({"POST", "PUT", "DELETE", "PATCH"})
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
MAX_SITE_PATH = 512
_LENGTH = re.compile(r"[0-9]{1,15}")  # ASCII digits only; no sign, no "1e9", no huge numbers


class Refused(Exception):
    """A request answered without being served: status, error code, readable message."""

    def __init__(
        self,
        status: HTTPStatus,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def in_url(host: str) -> str:
    """A host as it is written in a URL or a Host header (IPv6 in brackets)."""
    return f"[{host}]" if ":" in host else host


def address_family(host: str) -> socket.AddressFamily:
    """The family of the address `host` names (IPv6 for "::1", IPv4 for "localhost")."""
    if ":" in host:
        return socket.AF_INET6
    infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    families = [info[0] for info in infos]
    return socket.AF_INET if socket.AF_INET in families else families[0]


class Addressing:
    """The Host headers and Origins this server answers: the loopback names and the
    configured --host, each with the server's port (the configured name also without);
    everything else is another site, whatever address its name resolves to."""

    def __init__(self, host: str, port: int) -> None:
        names = dict.fromkeys(name.lower() for name in (*LOOPBACK_NAMES, host))
        with_port = {f"{in_url(name)}:{port}" for name in names}
        without_port = {in_url(name) for name in names} if port == 80 else set()
        self.hosts = frozenset(with_port | without_port | {in_url(host.lower())})
        self.origins = frozenset(f"http://{name}" for name in self.hosts)

    def check_host(self, values: list[str]) -> None:
        """`values`: every Host header of the request (exactly one is valid)."""
        if len(values) != 1 or values[0].strip().lower() not in self.hosts:
            raise Refused(
                HTTPStatus.MISDIRECTED_REQUEST,
                "MisdirectedRequest",
                "this server answers only to its own address (such as 127.0.0.1)",
            )

    def check_origin(self, method: str, origins: list[str]) -> None:
        """A state change from a page must come from this server's own pages; clients
        that send no Origin (command-line tools) are not browsers' cross-site requests."""
        foreign = any(origin.strip().lower() not in self.origins for origin in origins)
        if method in STATE_CHANGING and foreign:
            raise Refused(
                HTTPStatus.FORBIDDEN, "Forbidden", "requests from other sites are refused"
            )


def declared_length(method: str, headers: Message) -> int:
    """The body's length from its one Content-Length. Chunked bodies are refused (a
    length known up front is what lets the server refuse a body it would not take)."""
    if headers.get("Transfer-Encoding") is not None:
        raise Refused(
            HTTPStatus.LENGTH_REQUIRED,
            "LengthRequired",
            "send the body with a Content-Length (chunked bodies are not accepted)",
        )
    values = {value.strip() for value in headers.get_all("Content-Length") or []}
    if not values:
        if method in WITH_BODY:
            raise Refused(
                HTTPStatus.LENGTH_REQUIRED, "LengthRequired", "send a Content-Length header"
            )
        return 0
    (value,) = values if len(values) == 1 else ("",)
    if not _LENGTH.fullmatch(value):
        raise Refused(
            HTTPStatus.BAD_REQUEST, "InvalidRequest", "the Content-Length is not a length"
        )
    return int(value)


def too_large(limit: int) -> Refused:
    return Refused(
        HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
        "TooLarge",
        f"the request body is larger than this route accepts ({limit} bytes)",
    )


def site_file(site: Path, path: str) -> Path | None:
    """The file of the site folder a URL path names; None for anything else, malformed
    paths included (NUL, invalid UTF-8, overlong, "..")."""
    try:
        relative = unquote(path, errors="strict").lstrip("/") or "index.html"
    except UnicodeDecodeError:
        return None
    if len(relative) > MAX_SITE_PATH or "\x00" in relative or ".." in relative.split("/"):
        return None
    try:
        file = (site / relative).resolve()
        return file if file.is_relative_to(site) and file.is_file() else None
    except (OSError, ValueError):
        return None
