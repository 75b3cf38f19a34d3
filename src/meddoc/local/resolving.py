"""Requests resolved one at a time, with a way out for slow work. powertools keeps the
request being resolved in class attributes shared by every resolver (`current_event`,
`lambda_context`) and in the resolver's `context` dict, so two requests must never be
inside the resolver at once; a route that waits (for a page image) steps out of the
lock with `released()` and gets its request's state back before it carries on."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.api_gateway import BaseRouter


class LambdaContext:
    """The bits of a Lambda context the resolver and powertools read."""

    function_name = "meddoc-local"
    memory_limit_in_mb = 0
    invoked_function_arn = "local"
    aws_request_id = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


class SerialResolver:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._inside = threading.local()
        self._app: APIGatewayHttpResolver | None = None

    def bind(self, app: APIGatewayHttpResolver) -> None:
        """The resolver (made after the services that step out through this gate)."""
        self._app = app

    def resolve(self, event: dict[str, Any]) -> dict[str, Any]:
        app = self._app
        assert app is not None, "bind() the resolver first"
        with self._lock:
            self._inside.holding = True
            try:
                response: dict[str, Any] = app.resolve(event, LambdaContext())  # type: ignore[arg-type]
            finally:
                self._inside.holding = False
        return response

    @contextmanager
    def released(self) -> Iterator[None]:
        """Let other requests resolve while this one waits; outside a request (the
        command line's use of the same services) there is nothing to release."""
        app = self._app
        if app is None or not getattr(self._inside, "holding", False):
            yield
            return
        event, context = BaseRouter.current_event, BaseRouter.lambda_context
        routing = dict(app.context)
        self._inside.holding = False
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()
            self._inside.holding = True
            BaseRouter.current_event, BaseRouter.lambda_context = event, context
            app.context.clear()
            app.context.update(routing)
