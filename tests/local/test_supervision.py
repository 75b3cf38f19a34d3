"""Workers under supervision, in real worker processes over fake engines: a file whose
job kills its worker (out of memory, killed by the system, aborted, past its time limit)
is retried once, then FAILED with a reason, while the rest of the batch is done and the
batch ends with its summary; a rerun makes progress."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from meddoc.local.batch import process, run_jobs
from meddoc.local.files import FileBlobStore
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import UPLOADS
from meddoc.model import Status
from tests.local.faults import ABORT, HANG, MEMORY, OOM_KILL, faulty_engines, page, supervised

pytestmark = pytest.mark.slow  # worker processes


def write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def test_files_that_kill_their_worker_fail_with_reasons_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    settings = supervised(tmp_path / "data")
    good = {f"good-{n}.png": page(n) for n in range(4)}
    poison = {
        "memory.png": page(100, MEMORY),
        "oom.png": page(101, OOM_KILL),
        "abort.png": page(102, ABORT),
        "hang.png": page(103, HANG),
    }
    write(tmp_path / "inbox", {**good, **poison})

    summary = process(settings, [tmp_path / "inbox"], out=io.StringIO(), prepare=faulty_engines)

    assert summary.ending is None
    found = {o.name: (o.outcome, o.reason) for o in summary.outcomes}
    assert {name: found[name][0] for name in good} == dict.fromkeys(good, "DONE")
    assert found["memory.png"] == (
        "FAILED",
        "too large to process: ran out of memory in step detect_text",
    )
    assert found["oom.png"] == (
        "FAILED",
        "too large to process: the worker ran out of memory twice",
    )
    assert found["hang.png"] == (
        "FAILED",
        "too large to process: the worker ran out of time twice (limit 3 s)",
    )
    assert found["abort.png"][0] == "FAILED"
    assert found["abort.png"][1].startswith(
        "could not be processed: the worker stopped twice on it (SIGABRT)"
    )
    assert "FAILED  oom.png: too large to process" in summary.report()
    store = LocalRuntime(settings).store
    for name, data in poison.items():
        record = store.get(hashlib.sha256(data).hexdigest())
        assert record is not None
        assert record.status == Status.FAILED
        assert record.failure is not None
        assert record.failure.reason == found[name][1]

    # A rerun with more files (and a poison file again) ends with its summary too.
    more = {f"more-{n}.png": page(10 + n) for n in range(2)}
    write(tmp_path / "more", {**more, "oom-again.png": poison["oom.png"]})
    second = process(settings, [tmp_path / "more"], out=io.StringIO(), prepare=faulty_engines)
    assert second.ending is None
    assert second.count("DONE") == 2
    assert second.count("FAILED") == 1


def test_a_poison_job_a_killed_batch_left_running_does_not_hold_up_the_next_batch(
    tmp_path: Path,
) -> None:
    settings = supervised(tmp_path / "data")
    runtime = LocalRuntime(settings)
    blobs = FileBlobStore(settings.data_dir)
    poison = blobs.take_in(UPLOADS, io.BytesIO(page(200, OOM_KILL)))
    runtime.queue.enqueue(poison.ref, "oom.png")
    # The batch that claimed it was killed with it; its files queued after wait.
    assert runtime.queue.claim(worker=2**22 + 1) is not None
    for n in range(3):
        original = blobs.take_in(UPLOADS, io.BytesIO(page(20 + n)))
        runtime.queue.enqueue(original.ref, f"good-{n}.png")

    summary = run_jobs(settings, lambda runtime: 0, out=io.StringIO(), prepare=faulty_engines)

    assert summary.ending is None
    outcomes = {o.name: o.outcome for o in summary.outcomes}
    assert outcomes == {
        "oom.png": "FAILED",
        "good-0.png": "DONE",
        "good-1.png": "DONE",
        "good-2.png": "DONE",
    }
