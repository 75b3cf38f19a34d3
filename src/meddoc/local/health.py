"""Local mode's part of /api/health: the workers (alive / expected, the last crash) and
the disk, with "degraded" problems when workers are down or the disk is full."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from meddoc.api.views import RuntimeHealth, WorkerHealth
from meddoc.local.disk import free_megabytes, storage_full
from meddoc.local.host import HostState

FULL_BELOW_MB = 16  # less free space than this counts as full even before a write fails


def runtime_health(data_dir: Path, state: Callable[[], HostState] | None) -> RuntimeHealth:
    free = free_megabytes(data_dir)
    problems: list[str] = []
    workers = None
    host = state() if state is not None else None
    if host is not None and host.owner:
        crash = host.last_crash
        last = f"{crash.at:%Y-%m-%d %H:%M:%S} UTC: a worker {crash.describe()}" if crash else None
        workers = WorkerHealth(host.alive, host.expected, host.holder, last)
        if host.alive < host.expected:
            problems.append(
                f"{host.expected - host.alive} of {host.expected} workers are down "
                "(being restarted)"
            )
    elif host is not None:
        workers = WorkerHealth(0, 0, host.holder)  # another process runs them
    full = host.disk_full if host is not None else None
    if full is None and 0 <= free < FULL_BELOW_MB:
        full = str(storage_full(data_dir))
    if full is not None:
        problems.append(f"{full}; processing waits for room")
    return RuntimeHealth(workers, free if free >= 0 else None, problems)
