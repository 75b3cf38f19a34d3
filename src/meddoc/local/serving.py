"""Wiring of `meddoc serve`: the review service over the local stores, the resolver
behind a bearer token (or none, on the loopback address only), the HTTP server, the
sandbox for page images and uploads, and the workers."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from typing import TextIO

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

import meddoc
from meddoc.api.app import create_app
from meddoc.api.auth import Authenticator, BearerToken, NoAuthentication, new_token
from meddoc.api.export_jobs import inline_export_jobs
from meddoc.api.service import PageRenderer, ReviewService
from meddoc.api.views import Accepted
from meddoc.errors import ConfigurationError
from meddoc.local.health import runtime_health
from meddoc.local.host import WorkerHost
from meddoc.local.resolving import SerialResolver
from meddoc.local.review_adapters import (
    LocalReprocessor,
    LocalUploads,
    RenderTask,
    SandboxedIdentify,
    SandboxedPages,
)
from meddoc.local.runtime import LocalRuntime
from meddoc.local.sandbox import Sandbox
from meddoc.local.server import LOCAL_HOSTS, RECEIPT_HEADER, ReviewServer
from meddoc.local.settings import LocalSettings
from meddoc.local.sqlite_review import SqliteReviewStore, SqliteReviewUnitOfWork
from meddoc.local.stopping import StopRequest
from meddoc.local.tokens import TokenFile
from meddoc.local.worker import Prepare
from meddoc.pipeline.runner import utc_now

SITE_DIR = Path(meddoc.__file__).resolve().parents[2] / "site"


def review_service(
    runtime: LocalRuntime, uploads: LocalUploads, pages: PageRenderer | None = None
) -> ReviewService:
    reviews = SqliteReviewStore(runtime.store)
    return ReviewService(
        store=runtime.store,
        reviews=reviews,
        blobs=runtime.blobs,
        layout=runtime.layout,
        uploads=uploads,
        reprocessor=LocalReprocessor(runtime.queue),
        originals=uploads,
        now=utc_now,
        unit_of_work=lambda: SqliteReviewUnitOfWork(reviews),
        mode="local",
        pages=pages,
        runtime_health=lambda: runtime_health(runtime.settings.data_dir, runtime.host_state),
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
            # The server streamed the body to disk; only it sets this header.
            receipt = (app.current_event.headers or {}).get(RECEIPT_HEADER, "")
            return uploads.receive(token, receipt)

    return register


def build_server(
    settings: LocalSettings,
    token: str | None,
    site_dir: Path = SITE_DIR,
    render_task: RenderTask | None = None,
) -> tuple[ReviewServer, LocalRuntime]:
    """The server and its runtime; `render_task` replaces what renders a page image in
    the sandbox (tests make it slow)."""
    if token is None and settings.host not in LOCAL_HOSTS:
        raise ConfigurationError(
            "--no-auth is allowed only on the loopback address (127.0.0.1, ::1, localhost)"
        )
    quiet_powertools()
    authenticator: Authenticator = NoAuthentication()
    if token:
        tokens = TokenFile(settings.tokens_file)
        tokens.entries()  # a damaged token file stops the start, with its reason
        authenticator = BearerToken(token, tokens)
    runtime = LocalRuntime(settings)
    resolver = SerialResolver()
    sandbox = Sandbox()
    limits = runtime.pipeline.limits
    identify = SandboxedIdentify(sandbox, settings, limits, resolver.released)
    uploads = LocalUploads(runtime.blobs, runtime.queue, limits, identify)
    pages = SandboxedPages(sandbox, runtime.blobs, resolver.released, render_task)
    service = review_service(runtime, uploads, pages)

    exports = inline_export_jobs(service, runtime.blobs, runtime.layout.bucket, utc_now)
    app = create_app(service, authenticator, extra_routes=upload_route(uploads), exports=exports)
    resolver.bind(app)
    config = {"mode": "local", "apiBase": "", "auth": "token" if token else "none"}
    server = ReviewServer(
        (settings.host, settings.port),
        resolver,
        site_dir,
        config,
        authenticator,
        uploads,
        on_close=sandbox.close,
    )
    return server, runtime


def quiet_powertools() -> None:
    """powertools' debug logging (POWERTOOLS_DEBUG) prints requests, bearer tokens
    included: whatever the environment says, none of its logging reaches the output."""
    logger = logging.getLogger("aws_lambda_powertools")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    logger.addHandler(logging.NullHandler())
    logger.setLevel(logging.WARNING)
    logger.propagate = False


def serve(
    settings: LocalSettings,
    auth: bool = True,
    out: TextIO = sys.stderr,
    prepare: Prepare | None = None,
    stop: StopRequest | None = None,
) -> None:
    """Serve until SIGINT/SIGTERM (or `stop`), supervising the workers from this (main)
    thread; the HTTP server answers from a thread of its own."""
    stop = stop or StopRequest()
    with stop:  # before any worker starts: a signal at any moment stops them all
        token = new_token() if auth else None
        server, runtime = build_server(settings, token)
        host = WorkerHost(settings, prepare)
        runtime.host_state = host.state
        answering = threading.Thread(target=server.serve_forever, name="http", daemon=True)
        try:
            if host.acquire():
                host.start(until_empty=False)
            answering.start()
            print(f"meddoc review site: {server.url}", file=out, flush=True)
            if token:
                print(f"access token (paste it at the login prompt): {token}", file=out)
            if not host.owner:
                print(f"process {host.holder()} runs the workers of {settings.data_dir}", file=out)
            out.flush()
            while not stop.wait(0.5):
                if host.owner:
                    host.supervise()
                elif host.acquire():
                    host.start(until_empty=False)
                    print("the earlier worker host ended: this process runs the workers", file=out)
        finally:
            if answering.is_alive():
                server.shutdown()
            server.server_close()
            host.stop()
            host.release()
