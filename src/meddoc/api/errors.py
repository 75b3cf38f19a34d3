"""Errors to HTTP status codes, in one place, with one JSON shape:
{"error": {"code": "<ErrorName>", "message": "<readable, PHI-free>"}}."""

from __future__ import annotations

import json
import logging
import traceback
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from meddoc import errors
from meddoc.api.input_limits import TooLarge

log = logging.getLogger(__name__)

# The first class an error is an instance of gives its status: subclasses first.
STATUS_CODES: dict[type[errors.MeddocError], int] = {
    TooLarge: 413,
    errors.NotAuthenticated: 401,
    errors.NotAllowed: 403,
    errors.DocumentNotFound: 404,
    errors.InvalidRequest: 400,
    errors.InvalidDocument: 422,
    errors.Conflict: 409,
    errors.ServiceThrottled: 503,
    errors.ServiceUnavailable: 503,
    errors.ServiceRejected: 502,
}


def error_response(status: int, code: str, message: str) -> Response[dict[str, object]]:
    headers = {"WWW-Authenticate": 'Bearer realm="meddoc"'} if status == 401 else None
    return Response(
        status_code=status,
        content_type="application/json",
        body={"error": {"code": code, "message": message}},
        headers=headers,
    )


def refused(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """An error in API Gateway's response format, for requests refused before routing."""
    body = json.dumps({"error": {"code": code, "message": message}})
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "body": body,
        "isBase64Encoded": False,
    }


def unauthenticated(message: str, cors: CORSConfig | None, origin: str | None) -> dict[str, Any]:
    """A 401 (with CORS headers, so the site can read it and send the user to log in)."""
    headers = {"WWW-Authenticate": 'Bearer realm="meddoc"'}
    if cors is not None:
        headers.update(cors.to_dict(origin))
    return refused(401, "NotAuthenticated", message, headers)


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    @app.exception_handler(errors.MeddocError)
    def meddoc_error(exc: errors.MeddocError) -> Response[dict[str, object]]:
        status = next((code for cls, code in STATUS_CODES.items() if isinstance(exc, cls)), 500)
        return error_response(status, type(exc).__name__, str(exc))

    @app.exception_handler(RequestValidationError)
    def invalid_request(exc: RequestValidationError) -> Response[dict[str, object]]:
        problems = exc.errors()
        if any(problem.get("type") == "json_invalid" for problem in problems):
            return error_response(400, "InvalidRequest", "the request body is not valid JSON")
        # Name the fields, never echo the values (they could be PHI).
        fields = sorted(
            {".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in problems}
        )
        return error_response(400, "InvalidRequest", f"invalid or missing: {', '.join(fields)}")

    @app.exception_handler(RequestUnsupportedContentType)
    def wrong_content_type(exc: RequestUnsupportedContentType) -> Response[dict[str, object]]:
        return error_response(415, "UnsupportedMediaType", "send the body as application/json")

    @app.exception_handler(UnicodeDecodeError)
    def not_utf8(exc: UnicodeDecodeError) -> Response[dict[str, object]]:
        return error_response(400, "InvalidRequest", "the request body is not UTF-8 JSON")

    @app.not_found
    def not_found(exc: NotFoundError) -> Response[dict[str, object]]:
        return error_response(404, "NotFound", "no such route")

    @app.exception_handler(Exception)
    def unexpected(exc: Exception) -> Response[dict[str, object]]:
        # Where it broke, but not the exception's message: it may quote a document.
        where = "".join(traceback.format_tb(exc.__traceback__))
        log.error("unexpected %s in the API\n%s", type(exc).__name__, where)
        return error_response(500, "InternalError", "unexpected error; see the server logs")
