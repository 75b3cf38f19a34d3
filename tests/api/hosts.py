"""The two hosts of the review API behind one test interface: the local server over
real HTTP, and the API Lambda handler fed API Gateway events (tests/api/lambda_host.py).
Every test in this folder runs against both."""

from __future__ import annotations

import http.client
import json as jsonlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from meddoc.api.roles import Role
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import build_server
from meddoc.local.settings import UPLOADS, LocalSettings
from meddoc.local.tokens import TokenFile
from meddoc.pipeline.runner import Pipeline, utc_now
from tests.api.seed import ScriptedTextDetector, Seeded, SeedMedicalAnalyzer, seed
from tests.fakes import FakeLanguageAnalyzer, FakeLanguageDetector, FakeTranslator

TOKEN = "test-token-7f3a"  # an admin's on both hosts


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return jsonlib.loads(self.body)


class Host(Protocol):
    kind: str  # "local" | "lambda"
    seeded: Seeded
    reviewer_token: str  # a signed-in reviewer's (TOKEN is an admin's)
    pipeline: Pipeline  # the seeding pipeline, to process more documents in a test
    uploads: str  # the bucket of uploads

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = TOKEN,
        json: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response: ...


def outgoing(
    token: str | None, json: Any, body: bytes | None, headers: dict[str, str] | None
) -> tuple[dict[str, str], bytes | None]:
    """What a client sends: headers (lower-case names) with the bearer token, and the
    body, `json` encoded when given."""
    sent = {k.lower(): v for k, v in (headers or {}).items()}
    if token:
        sent["authorization"] = f"Bearer {token}"
    if json is not None:
        body = jsonlib.dumps(json).encode()
        sent.setdefault("content-type", "application/json")
    return sent, body


def fake_pipeline(pipeline: Pipeline) -> Pipeline:
    """The pipeline with the engines replaced by the seeding fakes."""
    pipeline.detector = ScriptedTextDetector()
    pipeline.language_detector = FakeLanguageDetector()
    pipeline.translator = FakeTranslator()
    pipeline.language_analyzer = FakeLanguageAnalyzer()
    pipeline.medical_analyzer = SeedMedicalAnalyzer()
    return pipeline


class LocalHost:
    kind = "local"

    def __init__(
        self, port: int, seeded: Seeded, runtime: LocalRuntime, reviewer_token: str
    ) -> None:
        self.port = port
        self.seeded = seeded
        self.runtime = runtime
        self.reviewer_token = reviewer_token
        self.pipeline = runtime.pipeline
        self.uploads = UPLOADS

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = TOKEN,
        json: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent, body = outgoing(token, json, body, headers)
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=sent)
            reply = connection.getresponse()
            return Response(
                reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
            )
        finally:
            connection.close()


@contextmanager
def local_host(data_dir: Path, **options: Any) -> Iterator[LocalHost]:
    """A seeded local server; `options` go to build_server (test hooks)."""
    settings = LocalSettings(data_dir=data_dir, port=0, workers=1)
    server, runtime = build_server(settings, TOKEN, **options)
    # Added while the server runs, as `meddoc token add` would be.
    reviewer = TokenFile(settings.tokens_file).add("reviewer-1", Role.REVIEWER, utc_now())
    seeded = seed(fake_pipeline(runtime.pipeline), UPLOADS)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalHost(server.server_address[1], seeded, runtime, reviewer)
    finally:
        server.shutdown()
        server.server_close()
