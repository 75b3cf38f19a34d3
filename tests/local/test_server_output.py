"""`meddoc serve` never prints a request: with every powertools debug switch turned on in
its environment, its output holds the start-up banner and nothing that came in."""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

from tests.local.server_harness import serve_process

DEBUG_ENVIRONMENT = {
    "POWERTOOLS_DEV": "true",
    "POWERTOOLS_DEBUG": "true",
    "POWERTOOLS_EVENT_HANDLER_DEBUG": "true",
    "POWERTOOLS_LOGGER_LOG_EVENT": "true",
    "POWERTOOLS_LOG_LEVEL": "DEBUG",
    "POWERTOOLS_LOGGER_SAMPLE_RATE": "1",
}
EVENT_MARKS = ("rawPath", "requestContext", "routeKey", "authorization", "Bearer", "/api/")


@pytest.mark.slow
def test_powertools_debug_switches_print_no_event_and_no_token(tmp_path: Path) -> None:
    with serve_process(tmp_path / "data", env=DEBUG_ENVIRONMENT) as server:
        assert server.token
        token = server.token
        connection = http.client.HTTPConnection(server.address, server.port, timeout=30)
        for method, path, body in [
            ("GET", "/api/health", None),
            ("GET", "/api/documents?q=Jane+Doe", None),
            ("POST", "/api/uploads", b'{"name": "Jane Doe.png", "size": 10}'),
            ("GET", "/api/documents/" + "0" * 64, None),
        ]:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            connection.request(method, path, body=body, headers=headers)
            reply = connection.getresponse()
            reply.read()
            assert reply.status < 500
    shown = [line for line in server.output if token in line]
    others = "".join(line for line in server.output if token not in line)
    assert shown == [f"access token (paste it at the login prompt): {token}\n"]
    assert not [mark for mark in EVENT_MARKS if mark in others], others[:3000]
    assert "Jane" not in others
