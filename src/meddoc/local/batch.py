"""`meddoc process`: take files in, run them on both cores, show progress, and end
with a summary of DONE / FAILED (with reasons) / SKIPPED — also when the batch ends
early (stopped, disk full, workers unable to start), saying what stays queued."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from meddoc.errors import StorageFull
from meddoc.local.disk import storage_full
from meddoc.local.host import WorkerHost
from meddoc.local.ingest import ingest_sources, sources
from meddoc.local.jobs import Outcome, timestamp
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings
from meddoc.local.stopping import StopRequest
from meddoc.local.worker import Prepare

# Why a batch ended before every file was settled.
STOPPED = "stopped"
DISK_FULL = "disk-full"
WORKERS_DOWN = "workers-down"
FINISH_GRACE = 10.0  # seconds the workers get to notice the queue is empty


@dataclass(frozen=True, slots=True)
class Ending:
    kind: str  # STOPPED | DISK_FULL | WORKERS_DOWN
    message: str


@dataclass
class BatchSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    left: int = 0  # files still queued when the batch ended early
    ending: Ending | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o.outcome == outcome)

    def report(self) -> str:
        deleted = self.count("DELETED")
        lines = [
            f"{len(self.outcomes)} files in {self.seconds:.1f} s: "
            f"{self.count('DONE')} DONE, {self.count('FAILED')} FAILED, "
            f"{self.count('SKIPPED')} SKIPPED (same file already processed or queued)"
            + (f", {deleted} DELETED while being processed" if deleted else "")
        ]
        lines += [
            f"  FAILED  {o.name}: {o.reason}" for o in self.outcomes if o.outcome == "FAILED"
        ]
        if self.ending is not None:
            lines.append(f"{self.left} files stay queued for the next run: {self.ending.message}")
        return "\n".join(lines)


def process(
    settings: LocalSettings,
    paths: list[Path],
    out: TextIO = sys.stderr,
    prepare: Prepare | None = None,
) -> BatchSummary:
    missing = [str(p) for p in paths if not p.expanduser().exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    stop = StopRequest()

    def take_in(runtime: LocalRuntime) -> int:
        # A stop request ends the taking in early: what was taken in stays queued.
        items = stop.until_requested(sources(paths))
        return ingest_sources(items, runtime.blobs, runtime.queue).first_job

    return run_jobs(settings, take_in, out, prepare, stop)


def run_jobs(
    settings: LocalSettings,
    queue_jobs: Callable[[LocalRuntime], int],
    out: TextIO = sys.stderr,
    prepare: Prepare | None = None,
    stop: StopRequest | None = None,
) -> BatchSummary:
    """Queue jobs (`queue_jobs` returns the first job number, 0 for none), run them and
    any a crash left pending, following progress; the summary covers them all (and not
    the jobs an earlier run settled in between)."""
    started = time.monotonic()
    opened = timestamp()
    stop = stop or StopRequest()
    host = WorkerHost(settings, prepare)
    with stop:
        try:
            since, ending = _queue(host, queue_jobs)
            if since == 0:
                return BatchSummary(seconds=time.monotonic() - started, ending=ending)
            if ending is None:
                ending = _run(host, since, opened, stop, out)
            left = host.queue.pending(since)
        finally:
            host.stop()
            host.release()
    outcomes = host.queue.outcomes(since, settled_from=opened)
    return BatchSummary(outcomes, time.monotonic() - started, left, ending)


def _queue(
    host: WorkerHost, queue_jobs: Callable[[LocalRuntime], int]
) -> tuple[int, Ending | None]:
    """Become the worker host if no one is, and queue the jobs; a full disk ends the
    taking in (what was queued before stays queued)."""
    host.acquire()
    before = host.queue.last_number()
    ending = None
    try:
        first = queue_jobs(host.runtime)
    except StorageFull as exc:
        first = before + 1 if host.queue.last_number() > before else 0
        ending = Ending(DISK_FULL, f"{exc}; free some space, then run the command again")
    since = min(filter(None, [host.queue.oldest_pending(), first]), default=0)
    return since, ending


def _run(
    host: WorkerHost, since: int, opened: str, stop: StopRequest, out: TextIO
) -> Ending | None:
    if host.owner:
        host.start(until_empty=True)
    else:
        print(
            f"meddoc process {host.holder()} is the worker host of {host.settings.data_dir};"
            " it will process these files",
            file=out,
        )
    ending = _follow(host, since, opened, stop, out)
    if ending is None and host.owner:
        deadline = time.monotonic() + FINISH_GRACE
        while host.alive() and time.monotonic() < deadline:
            host.supervise()
            time.sleep(0.1)
    return ending


def _follow(
    host: WorkerHost, since: int, opened: str, stop: StopRequest, out: TextIO
) -> Ending | None:
    """Draw progress and supervise the workers until every job from `since` on is
    settled, or the batch has to end early."""
    while True:
        if host.owner:
            host.supervise()
        elif host.acquire():
            host.start(until_empty=True)  # the earlier host finished: this one takes over
        counts = host.queue.counts(since, settled_from=opened)
        total = sum(counts.values())
        pending = counts.get("queued", 0) + counts.get("running", 0)
        _draw(out, total - pending, total, counts)
        if pending == 0:
            break
        ending = _trouble(host, stop)
        if ending is not None:
            _end_line(out)
            return ending
        if host.owner and host.alive() == 0:
            host.start(until_empty=True)  # jobs arrived after the workers found none
        stop.wait(0.3)
    _end_line(out)
    return None


def _trouble(host: WorkerHost, stop: StopRequest) -> Ending | None:
    if stop.requested():
        return Ending(STOPPED, "stopped on request")
    if not host.owner:
        return None
    if host.broken():
        crash = host.last_crash
        how = f" (a worker {crash.describe()})" if crash else ""
        return Ending(WORKERS_DOWN, f"the workers could not start{how}; see the messages above")
    waited = host.waiting_for_room()
    if waited is not None and waited >= host.settings.disk_patience_seconds:
        full = host.disk_full() or str(storage_full(host.settings.data_dir))
        return Ending(DISK_FULL, f"{full}; free some space, then run the command again")
    return None


def _end_line(out: TextIO) -> None:
    if out.isatty():
        out.write("\n")


def _draw(out: TextIO, done: int, total: int, counts: dict[str, int]) -> None:
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "-" * (width - filled)
    text = (
        f"[{bar}] {done}/{total}  done {counts.get('DONE', 0)}"
        f"  failed {counts.get('FAILED', 0)}  skipped {counts.get('SKIPPED', 0)}"
    )
    if out.isatty():
        out.write("\r" + text)
        out.flush()
    elif done == total:
        out.write(text + "\n")
