"""Wiring of `meddoc serve`: the review service over the local stores, the resolver
behind a bearer token (or none, on 127.0.0.1 only), the HTTP server, and the workers."""

from __future__ import annotations

import base64
import sys
from pathlib import Path
from typing import TextIO

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

import meddoc
from meddoc.api.app import create_app
from meddoc.api.auth import Authenticator, BearerToken, NoAuthentication, new_token
from meddoc.api.service import ReviewService
from meddoc.api.views import Accepted
from meddoc.errors import ConfigurationError
from meddoc.local.host import WorkerHost
from meddoc.local.review_adapters import LocalReprocessor, LocalUploads
from meddoc.local.runtime import LocalRuntime
from meddoc.local.server import LOCAL_HOSTS, ReviewServer
from meddoc.local.settings import LocalSettings
from meddoc.local.sqlite_review import SqliteReviewStore
from meddoc.pipeline.runner import utc_now

SITE_DIR = Path(meddoc.__file__).resolve().parents[2] / "site"


def review_service(runtime: LocalRuntime, uploads: LocalUploads) -> ReviewService:
    return ReviewService(
        store=runtime.store,
        reviews=SqliteReviewStore(runtime.store),
        blobs=runtime.blobs,
        layout=runtime.layout,
        uploads=uploads,
        reprocessor=LocalReprocessor(runtime.queue),
        originals=uploads,
        now=utc_now,
        mode="local",
        tombstones=runtime.tombstones,
    )


def local_uploads(runtime: LocalRuntime) -> LocalUploads:
    return LocalUploads(
        runtime.blobs,
        runtime.queue,
        runtime.pipeline.limits,
        identify=lambda ref, name: runtime.pipeline.identify(ref, name),
    )


def upload_route(uploads: LocalUploads):  # type: ignore[no-untyped-def]
    def register(app: APIGatewayHttpResolver) -> None:
        @app.put("/api/uploads/<token>")
        def receive(token: str) -> Accepted:
            event = app.current_event
            raw = event.body or ""
            data = base64.b64decode(raw) if event.is_base64_encoded else raw.encode()
            return uploads.receive(token, data)

    return register


def build_server(
    settings: LocalSettings, token: str | None, site_dir: Path = SITE_DIR
) -> tuple[ReviewServer, LocalRuntime]:
    if token is None and settings.host not in LOCAL_HOSTS:
        raise ConfigurationError("--no-auth is allowed only when serving on 127.0.0.1")
    runtime = LocalRuntime(settings)
    uploads = local_uploads(runtime)
    service = review_service(runtime, uploads)
    authenticator: Authenticator = BearerToken(token) if token else NoAuthentication()

    app = create_app(service, authenticator, extra_routes=upload_route(uploads))
    config = {"mode": "local", "apiBase": "", "auth": "token" if token else "none"}
    server = ReviewServer(
        (settings.host, settings.port),
        app,
        site_dir,
        config,
        max_body=runtime.pipeline.limits.max_document_bytes + 65536,
    )
    return server, runtime


def serve(settings: LocalSettings, auth: bool = True, out: TextIO = sys.stderr) -> None:
    token = new_token() if auth else None
    server, runtime = build_server(settings, token)
    host = WorkerHost(runtime)
    owner = host.acquire()
    if owner:
        host.start(until_empty=False)
    url = f"http://{settings.host}:{server.server_address[1]}/"
    print(f"meddoc review site: {url}", file=out)
    if token:
        print(f"access token (paste it at the login prompt): {token}", file=out)
    if not owner:
        print(f"process {host.holder()} runs the workers for {settings.data_dir}", file=out)
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if owner:
            host.stop()
        host.release()
