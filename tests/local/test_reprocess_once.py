"""Reprocessing through the review service restarts a document once: of two requests
that both saw it DONE (a double click, two reviewers at once), one queues it and the
other is told it is under way already."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from meddoc.api.roles import admin
from meddoc.errors import Conflict
from meddoc.local.ingest import ingest
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import LocalSettings
from meddoc.local.worker import run_job
from meddoc.model import Status
from tests.api.hosts import fake_pipeline
from tests.documents import png_bytes

ADMIN = admin("local")


def test_two_reprocess_requests_that_saw_the_same_state_restart_the_document_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    data = png_bytes(text="visit")
    (scans / "visit.png").write_bytes(data)
    runtime = LocalRuntime(LocalSettings(data_dir=tmp_path / "data", workers=1))
    pipeline = fake_pipeline(runtime.pipeline)
    ingest([scans], runtime.blobs, runtime.queue)
    job = runtime.queue.claim()
    assert job is not None
    assert run_job(pipeline, runtime.queue, job) == "DONE"
    service = review_service(runtime, local_uploads(runtime))
    document_id = hashlib.sha256(data).hexdigest()
    seen = runtime.store.get(document_id)  # what both requests read: DONE, attempt 1
    assert seen is not None
    first = service.reprocess(document_id, ADMIN)
    # The second request read the record before the first one wrote.
    monkeypatch.setattr(service, "_record", lambda document_id: seen)

    with pytest.raises(Conflict, match="being processed already"):
        service.reprocess(document_id, ADMIN)

    assert first.status == "RECEIVED"
    record = runtime.store.get(document_id)
    assert record is not None
    assert (record.status, record.attempts) == (Status.RECEIVED, 2)
    assert runtime.queue.pending() == 1
    actions = [e.action for e in service.reviews.audit(document_id)]
    assert actions.count("REPROCESS") == 1
