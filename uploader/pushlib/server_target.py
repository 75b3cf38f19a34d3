"""A local meddoc server (`meddoc serve`): each file is announced (POST /api/uploads),
then its bytes are PUT to the one-time address the server gives; documents are read
back by id (the SHA-256 of their bytes) with GET /api/documents/<id>."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, urlsplit

from pushlib.target import (
    KNOWN,
    REFUSED,
    UPLOADED,
    Known,
    Sent,
    Stored,
    TargetRefused,
    Upload,
    UploadFailed,
)


class ServerTarget:
    uses_keys = False
    can_lookup = True

    def __init__(
        self, endpoint: str, token: str, timeout: float = 120.0, workers: int = 8
    ) -> None:
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) address: {endpoint!r}")
        self.scheme = parts.scheme
        self.host = parts.hostname
        self.port = parts.port
        self.base = parts.path.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.workers = workers
        self.description = f"{parts.scheme}://{parts.netloc}{self.base}"
        self._local = threading.local()

    def listing(self, prefix: str) -> dict[str, Stored]:
        return {}

    def stored_sha256(self, key: str) -> str | None:
        return None

    def upload(self, item: Upload, progress: Callable[[int], None]) -> Sent:
        intent = {"name": item.name, "size": item.size, "content_type": item.content_type}
        status, reply = self._request("POST", "/api/uploads", json.dumps(intent).encode())
        if status in (400, 413, 422):
            return Sent(REFUSED, f"refused by the server: {_message(reply)}")
        _expect(status, reply, "announce the upload")
        if reply.get("method") != "PUT" or not str(reply.get("url", "")).startswith("/"):
            raise UploadFailed("the server offered an upload this uploader cannot make")
        status, accepted = self._request(
            "PUT", str(reply["url"]), item.path, "application/octet-stream"
        )
        if status in (400, 413, 422):
            return Sent(REFUSED, f"refused by the server: {_message(accepted)}")
        _expect(status, accepted, "send the file")
        progress(item.size)
        if accepted.get("document_id") not in (None, item.sha256):
            # The server hashed other bytes than these: never leave that unnoticed.
            raise UploadFailed("the server received different bytes than were sent")
        if accepted.get("status") == "FAILED":
            return Sent(REFUSED, f"refused by the server: {accepted.get('message', '')}")
        if accepted.get("status") == "KNOWN":
            return Sent(KNOWN, str(accepted.get("message", "")))
        return Sent(UPLOADED)

    def lookup(self, ids: Sequence[str]) -> dict[str, Known]:
        unique = list(dict.fromkeys(ids))
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            found = list(pool.map(self._document, unique))
        return {i: k for i, k in zip(unique, found, strict=True) if k is not None}

    def _document(self, document_id: str) -> Known | None:
        status, reply = self._request("GET", f"/api/documents/{quote(document_id)}")
        if status == 404:
            return None
        _expect(status, reply, "read a document")
        record = reply.get("record") or {}
        failure = record.get("failure") or {}
        return Known(
            str(record.get("status", "")), failure.get("reason", ""), failure.get("step", "")
        )

    def _request(
        self,
        method: str,
        path: str,
        body: bytes | Path | None = None,
        content_type: str = "application/json",
    ) -> tuple[int, dict[str, Any]]:
        """One request on this thread's kept-alive connection. A file is streamed from
        disk (never held in memory whole: documents can be 500 MB)."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers["Content-Type"] = content_type
            size = body.stat().st_size if isinstance(body, Path) else len(body)
            headers["Content-Length"] = str(size)
        for attempt in (1, 2):
            connection = self._connection()
            try:
                with _opened(body) as payload:
                    connection.request(method, self.base + path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                connection.close()
                self._local.connection = None
                if attempt == 2:  # a kept-alive connection the server closed gets one retry
                    raise UploadFailed(f"could not reach {self.description} ({exc})") from exc
        if response.status == 401:
            raise TargetRefused("the server refused the token (see `meddoc serve` output)")
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {}
        return response.status, parsed if isinstance(parsed, dict) else {}

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = _SecureConnection if self.scheme == "https" else _Connection
            connection = kind(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
        return connection


class _Connection(http.client.HTTPConnection):
    """http.client writes a request's headers and body separately; with Nagle's
    algorithm the body then waits for the server's delayed ACK (~40 ms a request)."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _SecureConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


@contextmanager
def _opened(body: bytes | Path | None) -> Iterator[bytes | BinaryIO | None]:
    if isinstance(body, Path):
        with body.open("rb") as handle:
            yield handle
    else:
        yield body


def _expect(status: int, reply: dict[str, Any], doing: str) -> None:
    if status != 200:
        raise UploadFailed(f"could not {doing}: HTTP {status} {_message(reply)}".strip())


def _message(reply: dict[str, Any]) -> str:
    error = reply.get("error")
    return str(error.get("message", "")) if isinstance(error, dict) else ""
