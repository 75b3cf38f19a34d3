"""push.py against a real local meddoc server (its HTTP API, upload route and job
queue), with a worker running the real pipeline over fake engines: uploads are
processed for real and --wait follows them to DONE."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pushlib import optional
from pushlib.cli import main
from pushlib.server_target import ServerTarget
from pushlib.target import Upload, UploadFailed

from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import build_server
from meddoc.local.settings import LocalSettings
from meddoc.local.worker import run_job
from meddoc.model import Status
from tests.api.hosts import TOKEN, fake_pipeline
from tests.documents import png_bytes
from tests.uploader.folders import BATCH, REJECTED, UPLOADABLE, sha256, write_folder


@contextmanager
def local_server(data_dir: Path) -> Iterator[tuple[str, LocalRuntime]]:
    """`meddoc serve` in threads: the HTTP server, and one worker draining the job queue
    with the engines replaced by the API tests' fakes."""
    settings = LocalSettings(data_dir=data_dir, port=0, workers=1)
    server, runtime = build_server(settings, TOKEN)
    fake_pipeline(runtime.pipeline)
    worker = LocalRuntime(settings)  # a worker has its own connection, as in `serve`
    fake_pipeline(worker.pipeline)
    stop = threading.Event()

    def drain() -> None:
        while not stop.is_set():
            job = worker.queue.claim()
            if job is None:
                stop.wait(0.02)
                continue
            run_job(worker.pipeline, worker.queue, job)

    threads = [
        threading.Thread(target=server.serve_forever, daemon=True),
        threading.Thread(target=drain, daemon=True),
    ]
    for thread in threads:
        thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", runtime
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        for thread in threads:
            thread.join()


# Several uploads at once: the server must keep each request's body to itself.
CONCURRENTLY = ("--concurrency", "8")


def push(
    endpoint: str, folder: Path, report: Path, *extra: str
) -> tuple[int, dict[str, Any], str]:
    out = io.StringIO()
    args = [str(folder), "--endpoint", endpoint, "--token", TOKEN, "--report", str(report)]
    args += CONCURRENTLY
    code = main([*args, *extra], out=out)
    return code, json.loads(report.read_text()), out.getvalue()


def test_push_to_a_local_server_and_wait_until_every_document_is_done(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "scans")
    report = tmp_path / "report.json"
    with local_server(tmp_path / "data") as (endpoint, runtime):
        code, outcome, output = push(
            endpoint, folder, report, "--wait", "--poll", "0.05", "--timeout", "60"
        )
        records = {r: runtime.store.get(sha256(BATCH[r])) for r in UPLOADABLE}

        assert code == 1  # the renamed text file and the empty file were rejected
        problems = (outcome["rejected"], outcome["upload_errors"])
        assert {u["file"] for u in outcome["uploaded"]} == UPLOADABLE, problems
        assert {r["file"] for r in outcome["rejected"]} == REJECTED
        assert len(outcome["done"]) == 5
        assert outcome["failed"] == []
        assert all(
            record is not None and record.status == Status.DONE for record in records.values()
        )
        assert "processed DONE      5" in output

        code, again, _ = push(endpoint, folder, report)

    assert code == 1
    assert again["uploaded"] == []
    assert {a["where"] for a in again["already_there"]} == {"known to meddoc (DONE)"}
    assert len(again["already_there"]) == 5


def test_what_the_built_in_check_lets_through_the_server_refuses_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(optional, "load", lambda: None)
    folder = write_folder(tmp_path / "scans", {"cut.png": png_bytes(200, 200, "x")[:300]})
    with local_server(tmp_path / "data") as (endpoint, _):
        code, outcome, _ = push(endpoint, folder, tmp_path / "report.json")

    assert code == 1
    (rejected,) = outcome["rejected"]
    assert rejected["file"] == "cut.png"
    assert rejected["reason"].startswith("refused by the server: the PNG image is truncated")


def test_a_wrong_token_is_a_usage_error_and_nothing_is_sent(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "scans", {"a.png": png_bytes()})
    with local_server(tmp_path / "data") as (endpoint, runtime):
        code = main([str(folder), "--endpoint", endpoint, "--token", "wrong"], out=io.StringIO())

        assert code == 2
        assert runtime.store.get(sha256(png_bytes())) is None


def test_a_server_that_stores_other_bytes_than_were_sent_is_an_upload_error(
    tmp_path: Path,
) -> None:
    class Confused(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self._answer({"method": "PUT", "url": "/api/uploads/one-time"})

        def do_PUT(self) -> None:
            self._answer({"document_id": "0" * 64, "status": "RECEIVED"})

        def _answer(self, reply: dict[str, str]) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            body = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Confused)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    path = tmp_path / "a.png"
    path.write_bytes(png_bytes())
    item = Upload(path, "", "a.png", path.stat().st_size, sha256(png_bytes()), "", "image/png")
    try:
        target = ServerTarget(f"http://127.0.0.1:{server.server_address[1]}", TOKEN)
        with pytest.raises(UploadFailed, match="different bytes"):
            target.upload(item, lambda _: None)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
