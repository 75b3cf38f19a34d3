"""The worker host: the one process per data directory that runs workers. It holds a
lock file, queues again what a crash interrupted, starts one worker process per core
(each with warm engines, under a memory limit) and supervises them: a job that runs past
its time limit has its worker stopped, a worker that dies is replaced, and the job it
held is queued again once, then FAILED. Other meddoc processes only add jobs and watch."""

from __future__ import annotations

import fcntl
import logging
import multiprocessing
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import IO

from meddoc.errors import StorageFull
from meddoc.local.ingest import sweep_unclaimed
from meddoc.local.jobs import RunningJob
from meddoc.local.runtime import LocalRuntime
from meddoc.local.settings import LocalSettings
from meddoc.local.sqlite_review import SqliteReviewStore
from meddoc.local.supervision import Crash, after_crash, crash_of
from meddoc.local.worker import DISK_FULL, RETRYING, ROOM, Prepare, worker_process
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.stuck import fail_stuck, sweep_tombstones

log = logging.getLogger(__name__)
STOP_GRACE = 5.0  # seconds a worker gets to end after SIGTERM before SIGKILL
QUICK_DEATH = 30.0  # a worker dying this soon without a job in hand could not start
GIVE_UP_AFTER = 3  # quick deaths in a row: the workers cannot start (broken install?)


@dataclass(frozen=True, slots=True)
class HostState:
    """What health reports about the workers of this process."""

    owner: bool  # this process runs the workers
    holder: str  # the process id of the one that does
    alive: int
    expected: int
    last_crash: Crash | None
    disk_full: str | None  # why jobs wait for room ("the disk holding ... is full ...")


class _Worker:
    def __init__(self, process: SpawnProcess, reports: Connection) -> None:
        self.process = process
        self.reports = reports
        self.started = time.monotonic()
        self.overdue = ""  # the time limit the watchdog stopped it for
        self.full_since: float | None = None  # waiting for disk space since
        self.full_message = ""  # what the worker found, e.g. "the disk holding ... is full"
        self.pausing = False  # waiting for room: not working on its job

    @property
    def pid(self) -> int:
        return self.process.pid or 0

    def read_reports(self) -> None:
        while self.reports.poll():
            try:
                kind, message = self.reports.recv()
            except (EOFError, OSError):
                return
            if kind == DISK_FULL:
                self.full_since = self.full_since or time.monotonic()
                self.full_message = message
                self.pausing = True
            elif kind == RETRYING:
                self.pausing = False
            elif kind == ROOM:
                self.full_since = None
                self.pausing = False


class WorkerHost:
    def __init__(self, settings: LocalSettings, prepare: Prepare | None = None) -> None:
        self.settings = settings
        self.runtime = LocalRuntime(settings)  # its own connection, for the main thread
        self.queue = self.runtime.queue
        self.prepare = prepare
        self.owner = False
        self.last_crash: Crash | None = None
        self._lock_file: IO[str] | None = None
        self._workers: list[_Worker] = []
        self._wanted = 0
        self._until_empty = False
        self._quick_deaths = 0
        self._next_start = 0.0
        self._budgets: dict[int, float] = {}
        self._full_since: float | None = None  # this process's own writes found no room
        self._full_message = ""
        self._alive_seen = 0  # workers alive at the last look, for other threads to read

    @property
    def lock_path(self) -> Path:
        return self.settings.data_dir / "worker.lock"

    def acquire(self) -> bool:
        """Become the worker host of the data directory, if no other process is."""
        if self.owner:
            return True
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        handle = self.lock_path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle
        self.owner = True
        self.queue.recover()
        # Partial copies and results of processes killed while writing them, and
        # originals whose record and job were never written.
        self.runtime.blobs.sweep_temporary()
        sweep_unclaimed(self.runtime.blobs, self.runtime.store, self.queue)
        # Documents left unsettled by an earlier run and no longer in any job's hands.
        fail_stuck(
            SqliteReviewStore(self.runtime.store),
            self.runtime.store,
            utc_now,
            timedelta(minutes=self.settings.stuck_after_minutes),
            keep=self.queue.pending_documents(),
        )
        sweep_tombstones(self.runtime.deletions, utc_now)
        return True

    def holder(self) -> str:
        try:
            return self.lock_path.read_text().strip() or "?"
        except OSError:
            return "?"

    def start(self, until_empty: bool) -> None:
        """Start the workers. With `until_empty` each ends when it finds the queue empty
        (a batch); otherwise they keep looking for jobs until stopped."""
        self._until_empty = until_empty
        self._wanted = self.settings.workers
        self._replace()

    def supervise(self) -> None:
        """One round of supervision; the process's main loop calls it about every second
        (from the main thread: a worker dies with the thread that started it)."""
        now = utc_now()
        for worker in self._workers:
            worker.read_reports()
        try:
            self._stop_overdue(now)
            for worker in [w for w in self._workers if not w.process.is_alive()]:
                self._bury(worker, now)
                self._workers.remove(worker)
                self._full_since = None
        except StorageFull as exc:
            # Tried again at the next round; meanwhile the disk counts as full.
            self._full_since = self._full_since or time.monotonic()
            self._full_message = str(exc)
            log.warning("%s; the worker host tries again shortly", exc)
            return
        if not (self._until_empty and self.queue.pending() == 0):
            self._replace()
        self._alive_seen = self.alive()

    def alive(self) -> int:
        return sum(w.process.is_alive() for w in self._workers)

    def broken(self) -> bool:
        """Workers keep dying before they take a job: they cannot start."""
        return self._quick_deaths >= GIVE_UP_AFTER

    def waiting_for_room(self) -> float | None:
        """Seconds since a worker found the disk full and began waiting (None: none is)."""
        since = [w.full_since for w in self._workers if w.full_since is not None]
        if self._full_since is not None:
            since.append(self._full_since)
        return time.monotonic() - min(since) if since else None

    def disk_full(self) -> str | None:
        """What the latest worker to find the disk full said, while any still waits."""
        waiting = [w for w in self._workers if w.full_since is not None]
        if waiting:
            return max(waiting, key=lambda w: w.full_since or 0).full_message
        return self._full_message if self._full_since is not None else None

    def state(self) -> HostState:
        return HostState(
            owner=self.owner,
            holder=str(os.getpid()) if self.owner else self.holder(),
            alive=self._alive_seen,
            expected=self._wanted if self.owner else 0,
            last_crash=self.last_crash,
            disk_full=self.disk_full(),
        )

    def stop(self) -> None:
        """Stop the workers (SIGTERM, then SIGKILL after a grace period) and put the jobs
        they held back in the queue, uncounted: stopping is no fault of theirs."""
        self._wanted = 0
        for worker in self._workers:
            if worker.process.is_alive():
                worker.process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for worker in self._workers:
            worker.process.join(max(deadline - time.monotonic(), 0))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        pids = {w.pid for w in self._workers}
        try:
            for job in self.queue.running():
                if job.worker in pids:
                    self.queue.release(job.number)
        except (StorageFull, sqlite3.Error):
            pass  # left running: the next worker host queues them again at its start
        for worker in self._workers:
            worker.reports.close()
        self._workers.clear()
        self._alive_seen = 0

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
        self.owner = False

    def _replace(self) -> None:
        """Start workers up to the number wanted (after a pause when they keep dying)."""
        while len(self._workers) < self._wanted and time.monotonic() >= self._next_start:
            self._spawn()
        self._alive_seen = self.alive()

    def _spawn(self) -> None:
        context = multiprocessing.get_context("spawn")  # onnxruntime is not fork-safe
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=worker_process,
            args=(self.settings, self._until_empty, os.getpid(), sender, self.prepare),
            daemon=True,
        )
        process.start()
        sender.close()  # the worker holds the sending end now
        self._workers.append(_Worker(process, receiver))

    def _stop_overdue(self, now: datetime) -> None:
        """The watchdog: a job past its time limit gets its worker killed (a worker
        waiting for disk space is not working on its job)."""
        watched = {w.pid: w for w in self._workers if not (w.overdue or w.pausing)}
        for job in self.queue.running():
            worker = watched.get(job.worker)
            if worker is None:
                continue
            limit = self._time_limit(job)
            if (now - job.started_at).total_seconds() > limit:
                worker.overdue = _minutes(limit)
                log.warning("job %d ran past its time limit (%s)", job.number, worker.overdue)
                worker.process.kill()

    def _time_limit(self, job: RunningJob) -> float:
        if job.number in self._budgets:
            return self._budgets[job.number]
        record = self.runtime.store.get(job.document_id) if job.document_id else None
        limit = self.settings.job_seconds(record.page_count if record else 1)
        if record is not None:  # known pages: the limit holds for the rest of the job
            self._budgets[job.number] = limit
        return limit

    def _bury(self, worker: _Worker, now: datetime) -> None:
        """Settle what a dead worker left: the job it held goes back to the queue with
        the crash counted (FAILED at the second), and a replacement is due."""
        worker.process.join()
        crash = crash_of(worker.process.exitcode, worker.overdue, now)
        held = [job for job in self.queue.running() if job.worker == worker.pid]
        for job in held:
            if crash is None:
                self.queue.release(job.number)
            elif after_crash(self.runtime, job, crash):
                log.warning("job %d FAILED: %s", job.number, crash.reason())
            self._budgets.pop(job.number, None)
        worker.reports.close()
        if crash is None:
            if self._until_empty:
                self._wanted -= 1  # it found the queue empty: its batch is done
            return
        self.last_crash = crash
        log.warning("a worker %s; another takes its place", crash.describe())
        lived = time.monotonic() - worker.started
        self._quick_deaths = 0 if held or lived > QUICK_DEATH else self._quick_deaths + 1
        if self._quick_deaths:
            self._next_start = time.monotonic() + min(2.0**self._quick_deaths, 300.0)


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 else f"{seconds:g} s"
