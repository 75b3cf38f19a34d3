"""A full disk, for real: the data directory lives on a 20 MB tmpfs mounted for the test
(skipped where mounting is not allowed). Nothing is FAILED for lack of room, the batch
and the command say the disk is full, nothing is lost, and a rerun with room finishes."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from meddoc.errors import StorageFull
from meddoc.local.batch import DISK_FULL, process, run_jobs
from meddoc.local.disk import is_disk_full
from meddoc.local.health import runtime_health
from meddoc.local.host import HostState
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import RESULTS, LocalSettings
from meddoc.model import Status
from tests.api.hosts import TOKEN, local_host
from tests.local.faults import FILL_DISK, faulty_engines, fill, page, supervised

ROOT = Path(__file__).resolve().parents[2]
MEDDOC = [sys.executable, "-m", "meddoc.cli"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    """Mounts a 20 MB tmpfs at a folder (made if missing); unmounted after the test."""
    mounted: list[Path] = []

    def mount(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
        mounted.append(folder)
        return folder

    try:
        yield mount
    finally:
        for folder in reversed(mounted):
            subprocess.run(["umount", "-l", str(folder)], check=False)


def write(folder: Path, files: dict[str, bytes]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)


def statuses(settings: LocalSettings, files: dict[str, bytes]) -> dict[str, Status | None]:
    store = LocalRuntime(settings).store
    found = {}
    for name, data in files.items():
        record = store.get(hashlib.sha256(data).hexdigest())
        found[name] = record.status if record else None
    return found


def test_full_disk_errors_are_recognised_from_files_and_sqlite() -> None:
    assert is_disk_full(OSError(errno.ENOSPC, "No space left on device"))
    assert is_disk_full(OSError(errno.EDQUOT, "Disk quota exceeded"))
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    wrapped = StorageFull("full")
    wrapped.__cause__ = OSError(errno.ENOSPC, "No space left on device")
    assert is_disk_full(wrapped)
    assert not is_disk_full(OSError(errno.EACCES, "Permission denied"))
    assert not is_disk_full(sqlite3.OperationalError("database is locked"))


def test_health_is_degraded_while_workers_are_down_or_waiting_for_room(tmp_path: Path) -> None:
    full = "the disk holding /data is full (0 MB free)"

    def state(alive: int, waiting: bool) -> HostState:
        return HostState(True, "42", alive, 2, None, full if waiting else None)

    healthy = runtime_health(tmp_path, lambda: state(2, False))
    assert healthy.problems == []
    assert healthy.workers is not None
    assert (healthy.workers.alive, healthy.workers.expected) == (2, 2)
    down = runtime_health(tmp_path, lambda: state(1, False))
    assert down.problems == ["1 of 2 workers are down (being restarted)"]
    waiting = runtime_health(tmp_path, lambda: state(2, True))
    assert waiting.problems == [f"{full}; processing waits for room"]


@pytest.mark.slow  # worker processes
@pytest.mark.parametrize("small", ["data", "data/results"], ids=["everything", "results"])
def test_a_disk_filling_up_mid_batch_leaves_documents_queued_not_failed(
    small_disk: Callable[[Path], Path],
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    small: str,
) -> None:
    """The whole data directory on the small disk (SQLite cannot write either), or only
    the results (SQLite can: the case that used to mark documents FAILED)."""
    small_disk(tmp_path / small)
    # Waiting for room longer than a job's time limit: a worker waiting is not overdue.
    settings = supervised(tmp_path / "data", disk_pause_seconds=4.0, disk_patience_seconds=6.0)
    files = {f"scan-{n}.png": page(400 + n) for n in range(3)}
    files["fills the disk.png"] = page(410, FILL_DISK)
    write(tmp_path / "inbox", files)

    summary = process(settings, [tmp_path / "inbox"], out=io.StringIO(), prepare=faulty_engines)

    assert summary.ending is not None
    assert summary.ending.kind == DISK_FULL
    full = f"the disk holding {settings.data_dir.absolute()} is full (0 MB free)"
    assert summary.ending.message == f"{full}; free some space, then run the command again"
    assert summary.left >= 1
    assert f"{summary.left} files stay queued for the next run: {full}" in summary.report()
    assert summary.count("FAILED") == 0
    assert Status.FAILED not in statuses(settings, files).values()
    assert "Traceback" not in capfd.readouterr().err

    (settings.data_dir / RESULTS / "filler").unlink()  # room again: the rerun finishes
    again = run_jobs(settings, lambda runtime: 0, out=io.StringIO(), prepare=faulty_engines)
    assert again.ending is None
    assert set(statuses(settings, files).values()) == {Status.DONE}


@pytest.mark.slow  # a meddoc process
def test_taking_files_in_on_a_full_disk_stops_with_a_message_and_loses_nothing(
    small_disk: Callable[[Path], Path], tmp_path: Path
) -> None:
    data_dir = small_disk(tmp_path / "disk") / "data"
    LocalRuntime(LocalSettings(data_dir=data_dir))  # the data directory exists already
    scans = {f"scan-{n}.bin.png": page(500 + n) + os.urandom(3 << 20) for n in range(8)}
    write(tmp_path / "inbox", scans)  # 24 MB of scans for a 20 MB disk

    result = subprocess.run(
        [*MEDDOC, "process", str(tmp_path / "inbox"), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 75, result.stderr
    assert "Traceback" not in result.stderr
    full = f"the disk holding {data_dir.absolute()} is full ("
    assert full in result.stdout
    assert "free some space, then run the command again" in result.stdout
    # What was taken in stays queued; no partial copy is left; the scans are untouched.
    runtime = LocalRuntime(LocalSettings(data_dir=data_dir))
    assert 1 <= runtime.queue.pending() < len(scans)
    assert not list(data_dir.rglob(".tmp-*"))
    assert all((tmp_path / "inbox" / name).read_bytes() == data for name, data in scans.items())


def test_an_upload_to_a_full_disk_is_refused_with_507(
    small_disk: Callable[[Path], Path], tmp_path: Path
) -> None:
    disk = small_disk(tmp_path / "disk")
    with local_host(disk / "data") as host:
        fill(disk / "filler")
        data = page(600) + os.urandom(1 << 20)
        intent = host.request("POST", "/api/uploads", json={"name": "a.png", "size": len(data)})
        reply = host.request(
            "PUT",
            intent.json()["url"],
            body=data,
            headers={"Content-Type": "application/octet-stream"},
        )
        health = host.request("GET", "/api/health", token=TOKEN).json()
    assert reply.status == 507
    assert reply.json()["error"]["message"].startswith("the disk holding ")
    assert health["status"] == "degraded"
    assert any("is full" in problem for problem in health["problems"])
