"""The local server answers only to its own names (a page that rebinds its DNS name to
127.0.0.1 gets nothing, token or not), takes state changes only from its own pages
(or from clients that send no Origin), and serves on the IPv6 loopback too."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from meddoc.errors import ConfigurationError
from meddoc.local import server as server_module
from meddoc.local.server import ReviewServer
from meddoc.local.serving import build_server
from meddoc.local.settings import LocalSettings
from tests.api.hosts import TOKEN, local_host
from tests.local.server_harness import serve_process

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _ipv6_loopback() -> bool:
    """Whether this machine has ::1 (containers may run without IPv6)."""
    try:
        lines = Path("/proc/net/if_inet6").read_text().splitlines()
    except OSError:
        return False
    return any(line.split()[0] == "0" * 31 + "1" for line in lines if line.strip())


needs_ipv6 = pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback (::1) here")


@contextmanager
def _no_auth_server(data_dir: Path, host: str = "127.0.0.1") -> Iterator[ReviewServer]:
    settings = LocalSettings(data_dir=data_dir, host=host, port=0, workers=1)
    server, _ = build_server(settings, None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _status(
    address: str, port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> int:
    connection = http.client.HTTPConnection(address, port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        reply.read()
        return reply.status
    finally:
        connection.close()


@pytest.mark.parametrize(
    "name", ["attacker.example:{port}", "attacker.example", "127.0.0.1:1", "127.0.0.2:{port}", ""]
)
def test_a_foreign_host_is_refused_without_auth(tmp_path: Path, name: str) -> None:
    with _no_auth_server(tmp_path) as server:
        host = name.format(port=server.port)
        for method, path in [
            ("GET", "/api/health"),
            ("GET", "/api/documents"),
            ("POST", "/api/documents/" + "0" * 64 + "/reveal"),
            ("GET", "/"),
        ]:
            assert _status("127.0.0.1", server.port, method, path, {"Host": host}) == 421


def test_a_foreign_host_is_refused_even_with_the_token(tmp_path: Path) -> None:
    with local_host(tmp_path) as host:
        headers = {**BEARER, "Host": f"rebound.example:{host.port}"}
        assert _status("127.0.0.1", host.port, "GET", "/api/health", headers) == 421


def test_the_loopback_names_with_the_port_are_served(tmp_path: Path) -> None:
    with _no_auth_server(tmp_path) as server:
        for name in ("127.0.0.1", "localhost", "LOCALHOST", "[::1]"):
            headers = {"Host": f"{name}:{server.port}"}
            assert _status("127.0.0.1", server.port, "GET", "/api/health", headers) == 200


@pytest.mark.parametrize(
    ("origin", "status"),
    [
        (None, 200),
        ("http://127.0.0.1:{port}", 200),
        ("http://localhost:{port}", 200),
        ("http://attacker.example", 403),
        ("http://127.0.0.1:{other}", 403),
        ("https://127.0.0.1:{port}", 403),
        ("null", 403),
    ],
)
def test_a_state_change_is_taken_only_from_this_server_s_pages(
    tmp_path: Path, origin: str | None, status: int
) -> None:
    with local_host(tmp_path) as host:
        headers = {**BEARER, "Content-Type": "application/json"}
        if origin is not None:
            headers["Origin"] = origin.format(port=host.port, other=host.port + 1)
        body = b'{"name": "scan.png", "size": 10}'
        assert _status("127.0.0.1", host.port, "POST", "/api/uploads", headers, body) == status


def test_reading_with_a_foreign_origin_is_left_to_the_browser_s_cors(tmp_path: Path) -> None:
    with local_host(tmp_path) as host:
        headers = {**BEARER, "Origin": "http://attacker.example"}
        assert _status("127.0.0.1", host.port, "GET", "/api/health", headers) == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "meddoc.example"])  # noqa: S104
def test_no_auth_is_refused_off_the_loopback_address(tmp_path: Path, host: str) -> None:
    settings = LocalSettings(data_dir=tmp_path, host=host, port=0)
    with pytest.raises(ConfigurationError, match="loopback"):
        build_server(settings, None)


@needs_ipv6
def test_the_server_serves_on_the_ipv6_loopback(tmp_path: Path) -> None:
    with _no_auth_server(tmp_path, host="::1") as server:
        status = _status("::1", server.port, "GET", "/api/health", {})
        foreign = _status("::1", server.port, "GET", "/api/health", {"Host": "evil.example"})
        url = server.url
    assert status == 200
    assert foreign == 421
    assert url == f"http://[::1]:{server.port}/"


@needs_ipv6
@pytest.mark.slow
def test_meddoc_serve_on_ipv6_prints_a_bracketed_url_and_serves(tmp_path: Path) -> None:
    with serve_process(tmp_path / "data", "--host", "::1") as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        status = _status(server.address, server.port, "GET", "/api/health", headers)
    assert server.host == "[::1]"
    assert status == 200


def test_a_second_host_header_is_refused(tmp_path: Path) -> None:
    with _no_auth_server(tmp_path) as server:
        head = (
            f"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
            f"Host: attacker.example:{server.port}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
            connection.sendall(head)
            answer = connection.recv(4096)
    assert answer.startswith(b"HTTP/1.1 421 ")


def test_silent_connections_beyond_the_cap_are_refused_and_the_server_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_module, "MAX_CONNECTIONS", 3)
    with _no_auth_server(tmp_path) as server:
        silent = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
        try:
            extra = socket.create_connection(("127.0.0.1", server.port), timeout=30)
            answer = extra.recv(4096)
            extra.close()
            assert answer.startswith(b"HTTP/1.1 503 ")
            assert b'"code":"Busy"' in answer
        finally:
            for connection in silent:
                connection.close()
        # Once the silent clients are gone, the server answers again.
        for _ in range(100):
            status = _status("127.0.0.1", server.port, "GET", "/api/health",
                             {"Host": f"127.0.0.1:{server.port}"})  # fmt: skip
            if status != 503:
                break
            time.sleep(0.05)
        assert status == 200
