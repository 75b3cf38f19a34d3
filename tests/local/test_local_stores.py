"""Local mode's stores: files, SQLite records with FTS5, and the durable job table."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meddoc.errors import DocumentNotFound
from meddoc.local.database import connect
from meddoc.local.files import FileBlobStore
from meddoc.local.jobs import JobQueue
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import DocumentRecord, ObjectRef, Status
from meddoc.pipeline import records
from meddoc.ports import IndexTerm

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def record(document_id: str = "d1") -> DocumentRecord:
    return DocumentRecord(
        id=document_id,
        source=ObjectRef("uploads", "a.png"),
        name="a.png",
        content_type="image/png",
        size=3,
        created_at=NOW,
        updated_at=NOW,
    )


def test_file_store_writes_atomically_and_refuses_keys_outside_its_bucket(tmp_path: Path) -> None:
    blobs = FileBlobStore(tmp_path)
    ref = ObjectRef("results", "documents/d1/steps/ocr.json")
    blobs.write(ref, b"{}", "application/json")
    assert blobs.read(ref) == b"{}"
    assert list((tmp_path / "results/documents/d1/steps").iterdir()) == [
        tmp_path / "results/documents/d1/steps/ocr.json"
    ]  # no temporary file left behind
    with pytest.raises(DocumentNotFound):
        blobs.read(ObjectRef("results", "../uploads/secret.png"))
    assert blobs.delete_prefix("results", "documents/d1/") == 1
    assert not blobs.exists(ref)


def test_sqlite_store_creates_once_updates_and_searches_text_and_terms(tmp_path: Path) -> None:
    store = SqliteDocumentStore(connect(tmp_path / "m.db"))
    assert store.create(record()) is True
    assert store.create(record()) is False
    assert store.update("d1", records.start(NOW)).status == Status.PROCESSING
    stored = store.get("d1")
    assert stored is not None
    assert stored.status == Status.PROCESSING
    store.index(
        "d1",
        [IndexTerm("entity", "metformin", "MEDICATION")],
        "Paciente con diabetes tipo 2; metformina",
    )
    found = store.db.execute(
        "SELECT document_id FROM texts WHERE texts MATCH ?", ("diabetes",)
    ).fetchall()
    assert [row["document_id"] for row in found] == ["d1"]
    accented = store.db.execute(
        "SELECT document_id FROM texts WHERE texts MATCH ?", ("METFORMINA",)
    ).fetchall()
    assert len(accented) == 1
    terms = store.db.execute("SELECT value FROM terms WHERE kind = 'entity'").fetchall()
    assert [row["value"] for row in terms] == ["metformin"]
    with pytest.raises(DocumentNotFound):
        store.update("missing", records.start(NOW))


def test_sqlite_updates_from_two_threads_are_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    SqliteDocumentStore(connect(path)).create(record())

    def add_sources(prefix: str) -> None:
        store = SqliteDocumentStore(connect(path))  # its own connection, like a worker
        for number in range(20):
            store.update("d1", records.add_source(ObjectRef("uploads", f"{prefix}{number}"), NOW))

    threads = [threading.Thread(target=add_sources, args=(p,)) for p in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    final = SqliteDocumentStore(connect(path)).get("d1")
    assert final is not None
    assert len(final.other_sources) == 40


def test_job_queue_claims_in_order_settles_and_recovers_interrupted_jobs(tmp_path: Path) -> None:
    queue = JobQueue(connect(tmp_path / "m.db"))
    first = queue.enqueue(ObjectRef("uploads", "a.png"), "a.png")
    queue.enqueue(ObjectRef("uploads", "b.png"), "b.png")
    claimed = queue.claim()
    assert claimed is not None
    assert (claimed.number, claimed.attempts) == (first, 1)
    queue.settle(claimed.number, "d1", "DONE", "")
    interrupted = queue.claim()
    assert interrupted is not None
    assert queue.claim() is None
    assert queue.counts(first) == {"DONE": 1, "running": 1}
    # The process died with b.png running: the next start queues it again.
    assert queue.recover() == 1
    again = queue.claim()
    assert again is not None
    assert (again.number, again.attempts) == (interrupted.number, 2)
    assert queue.pending(first) == 1


def test_two_processes_never_claim_the_same_job(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    setup = JobQueue(connect(path))
    for number in range(60):
        setup.enqueue(ObjectRef("uploads", f"{number}.png"), f"{number}.png")
    claimed: list[int] = []
    lock = threading.Lock()

    def drain() -> None:
        queue = JobQueue(connect(path))
        while (job := queue.claim()) is not None:
            with lock:
                claimed.append(job.number)

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claimed) == sorted(set(claimed))
    assert len(claimed) == 60


def test_a_file_with_a_pending_job_is_not_queued_twice(tmp_path: Path) -> None:
    queue = JobQueue(connect(tmp_path / "m.db"))
    first = queue.enqueue(ObjectRef("uploads", "a.png"), "a.png")
    assert queue.enqueue(ObjectRef("uploads", "a.png"), "a.png") == first
    assert queue.enqueue(ObjectRef("uploads", "a.png"), "a.png", reprocess=True) != first
    claimed = queue.claim()
    assert claimed is not None
    queue.settle(claimed.number, "d", "DONE", "")
    assert queue.enqueue(ObjectRef("uploads", "a.png"), "a.png") > first
