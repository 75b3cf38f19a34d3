"""`meddoc serve`: the review site and API on 127.0.0.1. Each HTTP request becomes the
API Gateway (HTTP API, payload 2.0) event the API Lambda would receive, answered by the
same resolver; everything else is a static file of site/ with strict security headers."""

from __future__ import annotations

import base64
import json
import mimetypes
import threading
import time
import uuid
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

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
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


class _Context:
    """The bits of a Lambda context the resolver and powertools read."""

    function_name = "meddoc-local"
    memory_limit_in_mb = 0
    invoked_function_arn = "local"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


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


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        app: APIGatewayHttpResolver,
        site_dir: Path,
        config: dict[str, Any],
        max_body: int,
    ) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.site_dir = site_dir.resolve()
        self.config = config
        self.max_body = max_body
        # powertools keeps the request being resolved in a class attribute, shared by
        # every resolver: requests are resolved one at a time (the HTTP transfers of the
        # bodies still overlap).
        self.resolving = threading.Lock()

    def resolve(self, event: dict[str, Any]) -> dict[str, Any]:
        with self.resolving:
            response: dict[str, Any] = self.app.resolve(event, _Context())  # type: ignore[arg-type]
        return response


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this each reply waits ~40 ms for
    # the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines carry document ids and search terms: keep them out of logs

    def do_GET(self) -> None:
        if self.path.startswith("/api/"):
            self._api()
        else:
            self._static()

    def do_POST(self) -> None:
        self._api()

    def do_PUT(self) -> None:
        self._api()

    def do_DELETE(self) -> None:
        self._api()

    def do_OPTIONS(self) -> None:
        self._api()

    def send_error(
        self, code: int, message: str | None = None, explain: str | None = None
    ) -> None:
        # An unknown method is the client's mistake (405), not a server error (501).
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code, message = HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed"
        super().send_error(code, message, explain)

    def _api(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.server.max_body:
            self._send(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                {"Content-Type": "application/json"},
                b'{"error":{"code":"TooLarge","message":"the request is too large"}}',
            )
            return
        body = self.rfile.read(length) if length else b""
        event = to_event(
            self.command, self.path, dict(self.headers.items()), body, self.client_address[0]
        )
        response = self.server.resolve(event)
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

    def _static(self) -> None:
        path = urlsplit(self.path).path
        if path == "/config.json":
            body = json.dumps(self.server.config).encode()
            self._send(
                HTTPStatus.OK,
                {"Content-Type": "application/json", "Cache-Control": "no-store"},
                body,
            )
            return
        relative = "index.html" if path in ("", "/") else unquote(path).lstrip("/")
        file = (self.server.site_dir / relative).resolve()
        if not file.is_relative_to(self.server.site_dir) or not file.is_file():
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

    def _send(self, status: HTTPStatus, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in {**SECURITY_HEADERS, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
