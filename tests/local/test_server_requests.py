"""The local server decides on a request from its head, before reading any body: an
unauthenticated or oversized body is refused without being read (and the connection
closed), lengths that are missing, negative or chunked are refused up front, and
malformed paths or a failing handler get a clean answer, never a dropped connection."""

from __future__ import annotations

import http.client
import json
import logging
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc.api.service import Actor
from meddoc.local.resolving import SerialResolver
from meddoc.local.server import ReviewServer
from meddoc.local.serving import SITE_DIR
from tests.api.hosts import TOKEN, LocalHost, local_host
from tests.local.server_harness import (
    MB,
    request_head,
    send_headers_then_body,
    serve_process,
)

BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHost]:
    with local_host(tmp_path_factory.mktemp("data")) as served:
        yield served


def _connect(host: LocalHost) -> socket.socket:
    return socket.create_connection(("127.0.0.1", host.port), timeout=30)


def _head(host: LocalHost, method: str, path: str, **headers: str) -> bytes:
    return request_head(method, path, f"127.0.0.1:{host.port}", headers)


@pytest.mark.slow
def test_unauthenticated_400_mb_posts_are_refused_unread_and_the_server_stays_small(
    tmp_path: Path,
) -> None:
    with serve_process(tmp_path / "data") as server:
        host = f"127.0.0.1:{server.port}"
        head = request_head("POST", "/api/uploads", host, {"Content-Length": str(400 * MB)})

        def attack(_: int) -> tuple[int, bool]:
            with server.connect() as connection:
                exchange = send_headers_then_body(connection, head, body_limit=16 * MB)
            return exchange.status, exchange.closed

        with ThreadPoolExecutor(3) as pool:
            outcomes = list(pool.map(attack, range(3)))
        peak_mb = server.memory_kb("VmHWM") / 1024

        connection = http.client.HTTPConnection(server.address, server.port, timeout=30)
        connection.request(
            "GET", "/api/health", headers={"Authorization": f"Bearer {server.token}"}
        )
        still_serving = connection.getresponse().status
    assert outcomes == [(401, True)] * 3
    assert peak_mb < 600
    assert still_serving == 200


def test_an_authenticated_200_mb_json_body_is_refused_413_before_it_is_read(
    host: LocalHost,
) -> None:
    head = _head(
        host,
        "POST",
        "/api/uploads",
        **BEARER,
        **{"Content-Type": "application/json", "Content-Length": str(200 * MB)},
    )
    with _connect(host) as connection:
        exchange = send_headers_then_body(connection, head)
    assert exchange.status == 413
    assert exchange.closed


@pytest.mark.parametrize(
    ("framing", "status"),
    [
        ({"Content-Length": "-1"}, 400),
        ({"Content-Length": "12abc"}, 400),
        ({"Content-Length": "+5"}, 400),
        ({"Content-Length": "99999999999999999999999"}, 400),
        ({}, 411),
        ({"Transfer-Encoding": "chunked"}, 411),
        ({"Transfer-Encoding": "chunked", "Content-Length": "10"}, 411),
    ],
    ids=["negative", "not-a-number", "signed", "huge", "missing", "chunked", "both"],
)
def test_a_body_without_one_plain_length_is_refused_before_it_is_read(
    host: LocalHost, framing: dict[str, str], status: int
) -> None:
    head = _head(host, "POST", "/api/uploads", **BEARER, **framing)
    with _connect(host) as connection:
        exchange = send_headers_then_body(connection, head)
    assert exchange.status == status
    assert exchange.closed


def test_a_small_refused_body_is_dropped_and_the_connection_kept(host: LocalHost) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
    body = json.dumps({"name": "a.png", "size": 10}).encode()
    connection.request("POST", "/api/uploads", body=body)  # no token
    refused = connection.getresponse()
    refused.read()
    connection.request("GET", "/api/health", headers=BEARER)  # the same connection
    answered = connection.getresponse()
    assert refused.status == 401
    assert answered.status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/js/%00.js",
        "/js/%ff%fe.js",
        "/js/" + "a" * 5000 + ".js",
        "/" + "a" * 300 + "/" + "b" * 300,
        "/..%2f..%2f..%2fetc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/js/../../pyproject.toml",
        "/js/%",
    ],
    ids=[
        "nul",
        "invalid-utf8",
        "overlong",
        "long-parts",
        "encoded-slash",
        "dots",
        "dotdot",
        "lone-%",
    ],
)
def test_malformed_site_paths_are_not_found_and_the_connection_keeps_serving(
    host: LocalHost, path: str
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", host.port, timeout=30)
    connection.request("GET", path)
    missing = connection.getresponse()
    missing.read()
    connection.request("GET", "/js/api.js")
    found = connection.getresponse()
    assert missing.status == 404
    assert found.status == 200
    assert b"class" in found.read()


class _BrokenAuthenticator:
    def authenticate(self, event: APIGatewayProxyEventV2) -> Actor:
        raise RuntimeError(f"cannot read {event.headers.get('authorization')}")


@contextmanager
def _server_with(authenticator: object) -> Iterator[ReviewServer]:
    resolver = SerialResolver()
    resolver.bind(APIGatewayHttpResolver())
    server = ReviewServer(("127.0.0.1", 0), resolver, SITE_DIR, {}, authenticator, uploads=None)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_a_failing_handler_answers_a_generic_500_and_logs_no_token(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with _server_with(_BrokenAuthenticator()) as server, caplog.at_level(logging.ERROR):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/api/health", headers={"Authorization": "Bearer s3cret-t0ken"})
        reply = connection.getresponse()
        body = json.loads(reply.read())
    assert reply.status == 500
    assert body == {
        "error": {"code": "InternalError", "message": "unexpected error; see the server logs"}
    }
    assert "RuntimeError" in caplog.text
    assert "s3cret-t0ken" not in caplog.text


def test_expect_100_continue_gets_the_refusal_instead_of_an_invitation(host: LocalHost) -> None:
    head = _head(
        host,
        "POST",
        "/api/uploads",
        **{"Expect": "100-continue", "Content-Length": str(50 * MB)},
    )
    with _connect(host) as connection:
        exchange = send_headers_then_body(connection, head)
    assert exchange.status == 401
    assert exchange.closed


def test_expect_100_continue_is_invited_once_the_body_is_wanted(host: LocalHost) -> None:
    body = json.dumps({"name": "scan.png", "size": 10}).encode()
    head = _head(
        host,
        "POST",
        "/api/uploads",
        **BEARER,
        **{
            "Expect": "100-continue",
            "Content-Type": "application/json",
            "Content-Length": str(len(body)),
        },
    )
    with _connect(host) as connection:
        connection.sendall(head)
        invitation = connection.recv(4096)
        connection.sendall(body)
        answer = connection.recv(4096)
    assert invitation.startswith(b"HTTP/1.1 100 ")
    assert answer.startswith(b"HTTP/1.1 200 ")
