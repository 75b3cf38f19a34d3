"""A page image being rendered holds up no other request: while a render waits (in the
sandbox), health and the document list answer; the waiting request then finishes with
its own answer. The resolver's one-at-a-time lock is left and re-entered correctly."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from meddoc.local.resolving import SerialResolver
from meddoc.local.server import to_event
from tests.api.hosts import LocalHost, Response, local_host
from tests.local.server_harness import waiting_render


def _wait_for(path: Path, page: Future[Response]) -> None:
    """Until `path` exists (the render started); a request that fails first fails the test."""
    while not path.exists():
        if page.done():
            raise AssertionError(f"the page request ended first: {page.result()}")
        threading.Event().wait(0.01)


def test_health_and_the_list_answer_while_a_page_image_renders(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with local_host(data_dir, render_task=waiting_render) as host, ThreadPoolExecutor(1) as pool:
        page = pool.submit(
            host.request, "GET", f"/api/documents/{host.seeded.note_id}/pages/1/image"
        )
        _wait_for(data_dir / "render-started", page)

        health = host.request("GET", "/api/health")
        listed = host.request("GET", "/api/documents?limit=5")
        note = host.request("GET", f"/api/documents/{host.seeded.note_id}")
        rendering_meanwhile = not page.done()

        (data_dir / "render-may-finish").touch()
        image = page.result(timeout=60)
    assert rendering_meanwhile
    assert (health.status, listed.status, note.status) == (200, 200, 200)
    assert len(listed.json()["items"]) == 5
    assert image.status == 200
    assert image.headers["content-type"] == "image/jpeg"
    assert image.body == b"\xff\xd8 a page image \xff\xd9"


def test_a_page_that_cannot_be_rendered_is_refused_and_the_server_goes_on(
    host_with_broken_original: LocalHost,
) -> None:
    host = host_with_broken_original
    reply = host.request("GET", f"/api/documents/{host.seeded.note_id}/pages/1/image")
    assert reply.status == 422
    assert host.request("GET", "/api/health").status == 200


@pytest.fixture
def host_with_broken_original(tmp_path: Path) -> Any:
    with local_host(tmp_path) as host:
        record = host.runtime.store.get(host.seeded.note_id)
        assert record is not None
        host.runtime.blobs.path(record.source).write_bytes(b"\x89PNG\r\n\x1a\n broken")
        yield host


def _app(step_out: Callable[[], Any], seen: dict[str, Any]) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver()
    entered, may_go_on = threading.Event(), threading.Event()
    seen["entered"], seen["may_go_on"] = entered, may_go_on

    @app.get("/slow/<name>")
    def slow(name: str) -> dict[str, Any]:
        app.append_context(mine=name)
        with step_out():
            entered.set()
            may_go_on.wait(30)
        return {
            "name": name,
            "path": app.current_event.path,
            "query": app.current_event.get_query_string_value("q", ""),
            "context": app.context.get("mine"),
        }

    @app.get("/fast")
    def fast() -> dict[str, Any]:
        app.append_context(mine="fast")
        return {"path": app.current_event.path}

    return app


def _event(path: str) -> dict[str, Any]:
    return to_event("GET", path, {"Host": "127.0.0.1"}, b"", "127.0.0.1")


def test_a_request_that_steps_out_gets_its_own_request_back() -> None:
    resolver = SerialResolver()
    seen: dict[str, Any] = {}
    resolver.bind(_app(resolver.released, seen))
    with ThreadPoolExecutor(1) as pool:
        slow = pool.submit(resolver.resolve, _event("/slow/first?q=one"))
        assert seen["entered"].wait(30)
        fast = resolver.resolve(_event("/fast"))  # would wait forever if the lock were held
        seen["may_go_on"].set()
        answer = slow.result(timeout=30)
    assert fast["statusCode"] == 200
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"]) == {
        "name": "first",
        "path": "/slow/first",
        "query": "one",
        "context": "first",
    }


def test_stepping_out_outside_a_request_releases_nothing() -> None:
    """The command line uses the same services, outside any request."""
    resolver = SerialResolver()
    resolver.bind(APIGatewayHttpResolver())
    with resolver.released():
        stepped_out = True
    assert stepped_out
    assert resolver.resolve(_event("/nowhere"))["statusCode"] == 404
