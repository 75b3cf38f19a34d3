"""`meddoc serve`: the review site and API on 127.0.0.1. Each HTTP request becomes the
API Gateway (HTTP API, payload 2.0) event the API Lambda would receive, answered by the
same resolver; everything else is a static file of site/ with strict security headers.
Before any body is read the request's Host, Origin, token and declared length are
checked; an upload's body streams to disk and reaches the resolver as a receipt."""

from __future__ import annotations

import base64
import contextlib
import errno
import json
import logging
import mimetypes
import socket
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO, Protocol, cast
from urllib.parse import parse_qs, unquote, urlsplit

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from meddoc.api.auth import Authenticator
from meddoc.api.errors import STATUS_CODES, unauthenticated
from meddoc.errors import MeddocError, NotAuthenticated
from meddoc.local.request_checks import (
    LOOPBACK_NAMES,
    Addressing,
    Refused,
    address_family,
    declared_length,
    in_url,
    site_file,
    too_large,
)
from meddoc.local.resolving import SerialResolver

log = logging.getLogger(__name__)

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
        " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self';"
        " frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
LOCAL_HOSTS = LOOPBACK_NAMES
UPLOAD_PREFIX = "/api/uploads/"
# Set by the server on an upload's event (and stripped from what clients send): the
# receipt of the body it stored.
RECEIPT_HEADER = "x-meddoc-upload-receipt"
JSON_BODY_LIMIT = 1 << 20  # every JSON route; uploads are capped by their intent
DISCARD_LIMIT = 64 << 10  # a refused body this small is read and dropped (keep-alive)
LINGER_BYTES = 1 << 20  # then the connection closes: this much is drained so the client
LINGER_SECONDS = 1.0  # sees the answer instead of a reset
SOCKET_TIMEOUT = 120.0  # a connection silent this long is closed
# Connections served at once (a thread each); more are answered 503 and closed, so a
# client that opens connections and stays silent cannot exhaust the server.
MAX_CONNECTIONS = 64
_BUSY_BODY = b'{"error":{"code":"Busy","message":"too many connections; try again"}}'
BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
    b"Retry-After: 5\r\nConnection: close\r\n"
    + f"Content-Length: {len(_BUSY_BODY)}\r\n\r\n".encode()
    + _BUSY_BODY
)
UNEXPECTED = "unexpected error; see the server logs"


class StreamedUploads(Protocol):
    def expected_size(self, token: str) -> int | None: ...

    def accept(self, token: str, stream: BinaryIO) -> str: ...

    def forget(self, receipt: str) -> None: ...


def to_event(
    method: str, target: str, headers: dict[str, str], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An HTTP request as an API Gateway HTTP API (v2) event."""
    parts = urlsplit(target)
    query = {k: ",".join(v) for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
    now = time.time()
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": unquote(parts.path),
        "rawQueryString": parts.query,
        "headers": {k.lower(): v for k, v in headers.items()},
        "queryStringParameters": query or None,
        "requestContext": {
            "accountId": "local",
            "apiId": "local",
            "domainName": headers.get("Host", ""),
            "domainPrefix": "local",
            "requestId": uuid.uuid4().hex,
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
            "http": {
                "method": method,
                "path": unquote(parts.path),
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": headers.get("User-Agent", ""),
            },
        },
        "body": base64.b64encode(body).decode() if body else None,
        "isBase64Encoded": bool(body),
    }


def log_unexpected(exc: BaseException, where: str) -> None:
    """Where it broke, never the message: it may quote a document or a header."""
    frames = "".join(traceback.format_tb(exc.__traceback__))
    log.error("unexpected %s in %s\n%s", type(exc).__name__, where, frames)


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(
        self,
        address: tuple[str, int],
        resolver: SerialResolver,
        site_dir: Path,
        config: dict[str, Any],
        authenticator: Authenticator,
        uploads: StreamedUploads,
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self.address_family = address_family(address[0])
        super().__init__(address, _Handler)
        self.host = address[0]
        self.port: int = self.server_address[1]
        self.addressing = Addressing(self.host, self.port)
        self.resolver = resolver
        self.site_dir = site_dir.resolve()
        self.config = config
        self.authenticator = authenticator
        self.uploads = uploads
        self._on_close = on_close
        self._connections = threading.BoundedSemaphore(MAX_CONNECTIONS)

    @property
    def url(self) -> str:
        return f"http://{in_url(self.host)}:{self.port}/"

    def server_close(self) -> None:
        super().server_close()
        self._on_close()

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._connections.acquire(blocking=False):
            with contextlib.suppress(OSError):  # the client went away: nothing to tell
                request.sendall(BUSY)
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._connections.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if exc is not None and not isinstance(exc, (ConnectionError, TimeoutError)):
            log_unexpected(exc, "the local server")


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this each reply waits ~40 ms for
    # the client's delayed ACK.
    disable_nagle_algorithm = True
    timeout = SOCKET_TIMEOUT
    _expects_continue = False

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines carry document ids and search terms: keep them out of logs

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_OPTIONS(self) -> None:
        self._handle()

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        """Requests the standard library refuses (malformed, unknown method): a JSON
        error that echoes nothing of the request, and the connection closed."""
        # An unknown method is the client's mistake (405), not a server error (501).
        status = HTTPStatus(code)
        if status == HTTPStatus.NOT_IMPLEMENTED:
            status = HTTPStatus.METHOD_NOT_ALLOWED
        self.close_connection = True
        body = json.dumps({"error": {"code": status.name, "message": status.phrase.lower()}})
        self._send(
            status, {"Content-Type": "application/json", "Connection": "close"}, body.encode()
        )

    def handle_expect_100(self) -> bool:
        # "Expect: 100-continue" is answered once the body is wanted (_Body), so a
        # refused request gets its refusal instead of an invitation to send the body.
        self._expects_continue = True
        return True

    def _handle(self) -> None:
        self._unread = -1  # body bytes announced and not read (-1: unknown)
        self._replied = False
        try:
            self._unread = declared_length(self.command, self.headers)
            self._serve()
        except Refused as refusal:
            self._refuse(refusal)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away mid-request
        except Exception as exc:
            log_unexpected(exc, "the local server")
            if self._replied:
                self.close_connection = True
            else:
                self._refuse(
                    Refused(HTTPStatus.INTERNAL_SERVER_ERROR, "InternalError", UNEXPECTED)
                )
        finally:
            self._expects_continue = False

    def _serve(self) -> None:
        addressing = self.server.addressing
        addressing.check_host(self.headers.get_all("Host") or [])
        path = urlsplit(self.path).path
        if self.command == "GET" and not path.startswith("/api/"):
            if self._unread:
                raise too_large(0)
            self._static(path)
            return
        addressing.check_origin(self.command, self.headers.get_all("Origin") or [])
        headers = {k: v for k, v in self.headers.items() if k.lower() != RECEIPT_HEADER}
        if self.command != "OPTIONS":  # CORS preflights carry no credentials
            self._authenticate(headers)
        token = path[len(UPLOAD_PREFIX) :] if self.command == "PUT" else ""
        receipt = ""
        if path.startswith(UPLOAD_PREFIX) and token and "/" not in token:
            receipt = self._take_upload(token)
            headers[RECEIPT_HEADER] = receipt
            body = b""
        else:
            body = self._read_body(JSON_BODY_LIMIT)
        event = to_event(self.command, self.path, headers, body, self.client_address[0])
        try:
            response = self.server.resolver.resolve(event)
        finally:
            if receipt:
                self.server.uploads.forget(receipt)
        self._reply(response)

    def _authenticate(self, headers: dict[str, str]) -> None:
        event = to_event(self.command, self.path, headers, b"", self.client_address[0])
        try:
            self.server.authenticator.authenticate(APIGatewayProxyEventV2(event))
        except NotAuthenticated as exc:
            answer = unauthenticated(str(exc), None, None)
            raise Refused(
                HTTPStatus.UNAUTHORIZED, "NotAuthenticated", str(exc), answer["headers"]
            ) from exc

    def _take_upload(self, token: str) -> str:
        """Stream the upload's body into the store; its size was announced by the intent."""
        expected = self.server.uploads.expected_size(token)
        if expected is None:
            raise Refused(
                HTTPStatus.NOT_FOUND, "DocumentNotFound", "no such upload; ask for a new one"
            )
        if self._unread > expected:
            raise too_large(expected)
        if self._unread != expected:
            raise Refused(
                HTTPStatus.BAD_REQUEST,
                "InvalidRequest",
                f"expected {expected} bytes, the request announces {self._unread}",
            )
        try:
            receipt = self.server.uploads.accept(token, cast(BinaryIO, _Body(self)))
        except MeddocError as exc:
            status = next((s for c, s in STATUS_CODES.items() if isinstance(exc, c)), 500)
            raise Refused(HTTPStatus(status), type(exc).__name__, str(exc)) from exc
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
            raise Refused(
                HTTPStatus.INSUFFICIENT_STORAGE, "DiskFull", "the server's disk is full"
            ) from exc
        return receipt

    def _read_body(self, limit: int) -> bytes:
        if self._unread > limit:
            raise too_large(limit)
        return _Body(self).read()

    def _static(self, path: str) -> None:
        if path == "/config.json":
            body = json.dumps(self.server.config).encode()
            self._send(
                HTTPStatus.OK,
                {"Content-Type": "application/json", "Cache-Control": "no-store"},
                body,
            )
            return
        file = site_file(self.server.site_dir, path)
        if file is None:
            self._send(HTTPStatus.NOT_FOUND, {"Content-Type": "text/plain"}, b"not found")
            return
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        self._send(
            HTTPStatus.OK,
            {"Content-Type": content_type, "Cache-Control": "no-cache"},
            file.read_bytes(),
        )

    def _refuse(self, refusal: Refused) -> None:
        """Answer without serving. A body left unread closes the connection (after
        draining a little, so the client reads the answer rather than a reset)."""
        small = 0 < self._unread <= DISCARD_LIMIT and not self._expects_continue
        keep = self._unread == 0 or (small and self._discard())
        headers = {"Content-Type": "application/json", **refusal.headers}
        if not keep:
            headers["Connection"] = "close"
            self.close_connection = True
        body = json.dumps({"error": {"code": refusal.code, "message": refusal.message}})
        self._send(refusal.status, headers, body.encode())
        if not keep:
            self._linger()

    def _discard(self) -> bool:
        try:
            return len(_Body(self).read()) == self._unread
        except (ConnectionError, TimeoutError):
            return False

    def _linger(self) -> None:
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(LINGER_SECONDS)
            drained = 0
            while drained < LINGER_BYTES and (chunk := self.rfile.read1(64 << 10)):
                drained += len(chunk)
        except OSError:
            pass

    def _reply(self, response: dict[str, Any]) -> None:
        payload = response.get("body") or ""
        data = (
            base64.b64decode(payload)
            if response.get("isBase64Encoded")
            else payload.encode("utf-8")
        )
        headers = dict(response.get("headers") or {})
        for name, values in (response.get("multiValueHeaders") or {}).items():
            headers[name] = ", ".join(values)
        self._send(HTTPStatus(response["statusCode"]), headers, data)

    def _send(self, status: HTTPStatus, headers: dict[str, str], body: bytes) -> None:
        self._replied = True
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _Body:
    """The request's body as a stream of exactly its declared length; a body that ends
    early is an error (a half upload is never stored)."""

    def __init__(self, handler: _Handler) -> None:
        self._handler = handler

    def read(self, size: int = -1) -> bytes:
        handler = self._handler
        left = handler._unread
        if left <= 0:
            return b""
        if handler._expects_continue and not handler._replied:
            handler._expects_continue = False
            handler.send_response_only(HTTPStatus.CONTINUE)
            handler.end_headers()
        wanted = left if size < 0 else min(size, left)
        chunk = handler.rfile.read(wanted)
        if len(chunk) < wanted:
            raise ConnectionError("the request body ended early")
        handler._unread = left - len(chunk)
        return chunk
