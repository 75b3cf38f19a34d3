"""The job table's supervision rules, without worker processes: claim order, crashes
counted per job, the second crash settles the job and its document FAILED, and data
folders from before these columns get them."""

from __future__ import annotations

import hashlib
import io
import signal
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from meddoc.errors import ConfigurationError
from meddoc.local.database import connect
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import UPLOADS, LocalSettings
from meddoc.local.supervision import MEMORY, TIME, after_crash, crash_of
from meddoc.model import ObjectRef, Status
from tests.local.faults import page

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def queued(runtime: LocalRuntime, seed: int, name: str) -> int:
    original = runtime.blobs.take_in(UPLOADS, io.BytesIO(page(seed)))
    return runtime.queue.enqueue(original.ref, name)


def test_jobs_never_tried_are_claimed_before_retried_and_crashed_ones(tmp_path: Path) -> None:
    runtime = LocalRuntime(LocalSettings(data_dir=tmp_path))
    crashed = queued(runtime, 1, "crashed.png")
    interrupted = queued(runtime, 2, "interrupted.png")
    for number, worker in ((crashed, 101), (interrupted, 102)):
        job = runtime.queue.claim(worker=worker)
        assert job is not None
        assert job.number == number
    runtime.queue.release(crashed, crash=MEMORY)  # its run killed its worker
    runtime.queue.recover()  # the other was running when its batch was killed
    fresh = queued(runtime, 3, "fresh.png")

    order = []
    while (job := runtime.queue.claim(worker=103)) is not None:
        order.append(job.number)
    assert order == [fresh, interrupted, crashed]


def test_the_second_crash_settles_the_job_and_its_document_failed(tmp_path: Path) -> None:
    runtime = LocalRuntime(LocalSettings(data_dir=tmp_path))
    data = page(5)
    number = queued(runtime, 5, "big scan.png")
    crash = crash_of(-signal.SIGKILL, "", NOW)
    assert crash is not None
    assert crash.kind == MEMORY

    runtime.queue.claim(worker=101)
    (job,) = runtime.queue.running()
    assert after_crash(runtime, job, crash) is False
    assert runtime.queue.counts() == {"queued": 1}

    runtime.queue.claim(worker=102)
    (job,) = runtime.queue.running()
    assert job.crashes == 1
    assert after_crash(runtime, job, crash) is True

    reason = "too large to process: the worker ran out of memory twice"
    (outcome,) = runtime.queue.outcomes()
    assert (outcome.number, outcome.outcome, outcome.reason) == (number, "FAILED", reason)
    # The worker died before the document had a record: it gets one, FAILED.
    record = runtime.store.get(hashlib.sha256(data).hexdigest())
    assert record is not None
    assert record.status == Status.FAILED
    assert record.failure is not None
    assert (record.failure.reason, record.failure.error) == (reason, "WorkerOutOfMemory")
    assert record.content_type == "image/png"
    assert record.name == "big scan.png"


def test_how_a_worker_ended_is_told_from_its_exit_code() -> None:
    assert crash_of(0, "", NOW) is None
    assert crash_of(None, "", NOW) is None
    overdue = crash_of(-signal.SIGKILL, "10 min", NOW)
    assert overdue is not None
    assert overdue.kind == TIME
    assert (
        overdue.reason() == "too large to process: the worker ran out of time twice (limit 10 min)"
    )
    segfault = crash_of(-signal.SIGSEGV, "", NOW)
    assert segfault is not None
    assert segfault.describe() == "crashed (SIGSEGV)"
    exited = crash_of(3, "", NOW)
    assert exited is not None
    assert exited.describe() == "stopped unexpectedly (exit code 3)"


def test_a_data_folder_from_before_supervision_gets_the_new_job_columns(tmp_path: Path) -> None:
    old = sqlite3.connect(tmp_path / "meddoc.db")
    old.executescript(
        "CREATE TABLE jobs (number INTEGER PRIMARY KEY AUTOINCREMENT, bucket TEXT NOT NULL,"
        " key TEXT NOT NULL, name TEXT NOT NULL, state TEXT NOT NULL, document_id TEXT,"
        " outcome TEXT, reason TEXT, reprocess INTEGER NOT NULL DEFAULT 0,"
        " owned INTEGER NOT NULL DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0,"
        " enqueued_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);"
        "INSERT INTO jobs (bucket, key, name, state, enqueued_at)"
        " VALUES ('uploads', 'a.png', 'a.png', 'queued', '2026-01-01T00:00:00+00:00');"
    )
    old.commit()
    old.close()

    runtime = LocalRuntime(LocalSettings(data_dir=tmp_path))
    job = runtime.queue.claim(worker=101)
    assert job is not None
    assert job.source == ObjectRef("uploads", "a.png")
    (running,) = runtime.queue.running()
    assert (running.worker, running.crashes) == (101, 0)
    connect(tmp_path / "meddoc.db").close()  # a second start finds nothing to add


def test_the_memory_limit_is_sized_from_the_engine_threads_and_can_be_turned_off() -> None:
    megabyte = 1024 * 1024
    assert LocalSettings().memory_limit_bytes == 4096 * megabyte
    assert LocalSettings(engine_threads=3).memory_limit_bytes == (4096 + 512) * megabyte
    assert LocalSettings(memory_limit_mb=0).memory_limit_bytes is None
    given = LocalSettings.from_environ({"MEDDOC_MEMORY_LIMIT_MB": "6000"})
    assert given.memory_limit_bytes == 6000 * megabyte
    assert LocalSettings(job_minutes=10).job_seconds(pages=1) == 600
    assert LocalSettings(job_minutes=10).job_seconds(pages=30) == 1800
    with pytest.raises(ConfigurationError, match="at least 1024 MB"):
        LocalSettings.from_environ({"MEDDOC_MEMORY_LIMIT_MB": "100"})
