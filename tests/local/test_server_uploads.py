"""Uploads stream from the socket into the content-addressed store: the server's memory
stays flat whatever the size, the stored bytes hash to the document id, a body larger
than its intent is refused unread, and a body cut short leaves nothing behind."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from meddoc.local.files import TEMPORARY
from meddoc.local.server import RECEIPT_HEADER
from meddoc.local.settings import UPLOADS
from tests.api.hosts import TOKEN, LocalHost, local_host
from tests.documents import png_bytes
from tests.local.server_harness import MB, request_head, send_headers_then_body, serve_process

BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _intent(host: LocalHost, size: int) -> str:
    reply = host.request("POST", "/api/uploads", json={"name": "scan.png", "size": size})
    assert reply.status == 200, reply.body
    url: str = reply.json()["url"]
    return url


def _stored(data_dir: Path) -> list[Path]:
    return [p for p in (data_dir / UPLOADS).rglob("*") if p.is_file()]


@pytest.mark.slow
def test_a_100_mb_upload_streams_to_disk_intact_with_the_server_s_memory_flat(
    tmp_path: Path,
) -> None:
    source = tmp_path / "scan.bin"
    with source.open("wb") as out:
        for _ in range(100):
            out.write(os.urandom(MB))
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    data_dir = tmp_path / "data"
    with serve_process(data_dir) as server:
        idle_kb = server.memory_kb("VmRSS")
        connection = http.client.HTTPConnection(server.address, server.port, timeout=120)
        headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
        intent = {"name": "scan.bin", "size": source.stat().st_size}
        connection.request("POST", "/api/uploads", body=json.dumps(intent), headers=headers)
        url = json.loads(connection.getresponse().read())["url"]
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Length"] = str(source.stat().st_size)  # else http.client chunks it
        with source.open("rb") as body:
            connection.request("PUT", url, body=body, headers=headers)
        reply = connection.getresponse()
        accepted = json.loads(reply.read())
        peak_kb = server.memory_kb("VmHWM")
    stored = data_dir / UPLOADS / "sha256" / digest[:2] / digest
    assert reply.status == 200
    assert accepted["document_id"] == digest
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == digest
    assert (peak_kb - idle_kb) / 1024 < 150


def test_a_client_cannot_forge_the_receipt_of_a_stored_body(tmp_path: Path) -> None:
    data = png_bytes(50, 20, "forged")
    with local_host(tmp_path) as host:
        url = _intent(host, len(data))
        reply = host.request(
            "PUT",
            url,
            body=data,
            headers={"Content-Type": "application/octet-stream", RECEIPT_HEADER: "made-up"},
        )
        elsewhere = host.request("GET", "/api/health", headers={RECEIPT_HEADER: "made-up"})
    assert reply.status == 200
    assert reply.json()["document_id"] == hashlib.sha256(data).hexdigest()
    assert elsewhere.status == 200


def test_a_body_larger_than_its_intent_is_refused_before_it_is_read(tmp_path: Path) -> None:
    with local_host(tmp_path) as host:
        before = _stored(tmp_path)
        url = _intent(host, 1000)
        head = request_head(
            "PUT",
            url,
            f"127.0.0.1:{host.port}",
            {**BEARER, "Content-Length": str(300 * MB)},
        )
        with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
            exchange = send_headers_then_body(connection, head)
        after = _stored(tmp_path)
    assert exchange.status == 413
    assert exchange.closed
    assert after == before


def test_a_body_of_another_size_than_announced_is_refused(tmp_path: Path) -> None:
    data = png_bytes(50, 20, "short")
    with local_host(tmp_path) as host:
        url = _intent(host, len(data) + 1)
        reply = host.request("PUT", url, body=data)
    assert reply.status == 400
    assert "expected" in reply.json()["error"]["message"]


def test_an_upload_cut_short_leaves_no_file_behind(tmp_path: Path) -> None:
    with local_host(tmp_path) as host:
        before = _stored(tmp_path)
        url = _intent(host, 4 * MB)
        head = request_head(
            "PUT", url, f"127.0.0.1:{host.port}", {**BEARER, "Content-Length": str(4 * MB)}
        )
        with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
            connection.sendall(head + b"\0" * MB)
            _until(lambda: bool(_partial(tmp_path)))  # the server is writing it
        _until(lambda: not _partial(tmp_path))  # and has dropped it
        with socket.create_connection(("127.0.0.1", host.port), timeout=30) as connection:
            again = send_headers_then_body(connection, head)
        after = _stored(tmp_path)
    assert again.status == 404  # its one-time address went with the connection
    assert after == before


def _partial(data_dir: Path) -> list[Path]:
    return [p for p in _stored(data_dir) if p.name.startswith(TEMPORARY)]


def _until(condition: Callable[[], bool]) -> None:
    for _ in range(3000):  # a guard against hanging, not a time limit under test
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError("the server never got there")
