"""Local mode: a document deleted (through the review service, as the site does) while a
worker is in the middle of its run. The run stops at its next write and removes what it
wrote; the data folder keeps nothing of the document, and the job settles DELETED."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from meddoc.api.roles import admin
from meddoc.local.ingest import ingest
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import RESULTS, UPLOADS, LocalSettings
from meddoc.local.worker import DELETED, run_job
from meddoc.model import ObjectRef, Status, TextDetection
from meddoc.pipeline.runner import Pipeline
from meddoc.ports import DocumentQuery, ResponseLog
from tests.api.hosts import fake_pipeline
from tests.documents import png_bytes
from tests.fakes import FakeTextDetector, page_of


class BlockedTextDetector(FakeTextDetector):
    """Text detection that waits, mid-run, until the test lets it go on."""

    def __init__(self) -> None:
        super().__init__([page_of("Plan: metformin 500 mg")])
        self.started = threading.Event()
        self.go_on = threading.Event()

    def detect(self, ref: ObjectRef, content_type: str, log: ResponseLog) -> TextDetection:
        self.started.set()
        assert self.go_on.wait(30), "the test never let the step go on"
        return super().detect(ref, content_type, log)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_a_document_deleted_while_a_worker_processes_it_leaves_nothing_behind(
    tmp_path: Path,
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    data = png_bytes(text="visit")
    (scans / "visit.png").write_bytes(data)
    runtime = LocalRuntime(LocalSettings(data_dir=tmp_path / "data", workers=1))
    pipeline: Pipeline = fake_pipeline(runtime.pipeline)
    blocked = BlockedTextDetector()
    pipeline.detector = blocked
    ingest([scans], runtime.blobs, runtime.queue)
    job = runtime.queue.claim()
    assert job is not None
    outcome: list[str] = []
    worker = threading.Thread(target=lambda: outcome.append(run_job(pipeline, runtime.queue, job)))
    worker.start()
    assert blocked.started.wait(30)
    document_id = hashlib.sha256(data).hexdigest()
    record = runtime.store.get(document_id)
    assert record is not None
    assert record.status == Status.PROCESSING

    service = review_service(runtime, local_uploads(runtime))
    service.delete(document_id, admin("admin@example.org"))
    blocked.go_on.set()
    worker.join(30)

    assert outcome == [DELETED]
    assert files_under(tmp_path / "data" / RESULTS) == []
    assert files_under(tmp_path / "data" / UPLOADS) == []
    assert runtime.store.get(document_id) is None
    db = runtime.store.db
    for table in ("terms", "texts"):
        left = db.execute(f"SELECT COUNT(*) FROM {table} WHERE document_id = ?", (document_id,))  # noqa: S608
        assert left.fetchone()[0] == 0
    (settled,) = runtime.queue.outcomes()
    assert (settled.outcome, settled.reason) == (
        DELETED,
        "the document was deleted while it was being processed",
    )
    assert service.search(DocumentQuery()).items == []
    assert service.health().documents == {}
