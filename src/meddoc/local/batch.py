"""`meddoc process`: take files in, run them on both cores, show progress, and end
with a summary of DONE / FAILED (with reasons) / SKIPPED."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from meddoc.errors import MeddocError
from meddoc.local.host import WorkerHost
from meddoc.local.ingest import ingest
from meddoc.local.jobs import Outcome
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings


class WorkersCrashed(MeddocError):
    """A system error: the workers died with jobs left (the jobs are kept queued)."""


@dataclass
class BatchSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

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
        return "\n".join(lines)


def process(settings: LocalSettings, paths: list[Path], out: TextIO = sys.stderr) -> BatchSummary:
    missing = [str(p) for p in paths if not p.expanduser().exists()]
    if missing:
        raise FileNotFoundError(f"no such file or folder: {', '.join(missing)}")
    return run_jobs(
        settings, lambda runtime: ingest(paths, runtime.blobs, runtime.queue).first_job, out
    )


def run_jobs(
    settings: LocalSettings, queue_jobs: Callable[[LocalRuntime], int], out: TextIO = sys.stderr
) -> BatchSummary:
    """Queue jobs (`queue_jobs` returns the first job number, 0 for none), run them and
    any a crash left pending, following progress; the summary covers them all."""
    started = time.monotonic()
    runtime = LocalRuntime(settings)
    host = WorkerHost(runtime)
    owner = host.acquire()
    try:
        first = queue_jobs(runtime)
        since = min(filter(None, [runtime.queue.oldest_pending(), first]), default=0)
        if since == 0:
            return BatchSummary(seconds=time.monotonic() - started)
        if owner:
            host.start(until_empty=True)
        else:
            print(
                f"meddoc process {host.holder()} is the worker host of {settings.data_dir};"
                " it will process these files",
                file=out,
            )
        _follow(runtime, host, since, owner, out)
        if owner:
            host.join()
    finally:
        host.release()
    return BatchSummary(runtime.queue.outcomes(since), time.monotonic() - started)


def _follow(runtime: LocalRuntime, host: WorkerHost, since: int, owner: bool, out: TextIO) -> None:
    restarts = 0
    while True:
        counts = runtime.queue.counts(since)
        total = sum(counts.values())
        pending = counts.get("queued", 0) + counts.get("running", 0)
        _draw(out, total - pending, total, counts)
        if pending == 0:
            break
        if not owner and host.acquire():
            owner = True  # the earlier host finished: this process takes over
            host.start(until_empty=True)
        elif owner and host.alive() == 0:
            # Workers stop when they find the queue empty; jobs may arrive just after.
            restarts += 1
            if host.crashed() or restarts > 3:
                raise WorkersCrashed(
                    f"the workers stopped with {pending} files left; they stay queued "
                    "and the next run resumes them"
                )
            host.start(until_empty=True)
        time.sleep(0.3)
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
