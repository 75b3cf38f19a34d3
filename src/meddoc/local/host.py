"""The worker host: the one process per data directory that runs workers. It holds a
lock file, queues again what a crash interrupted, and starts one worker process per
core (each with warm engines). Other meddoc processes only add jobs and watch."""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import threading
from datetime import timedelta
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import IO

from meddoc.local.runtime import LocalRuntime
from meddoc.local.sqlite_review import SqliteReviewStore
from meddoc.local.worker import work, worker_process
from meddoc.pipeline.runner import utc_now
from meddoc.pipeline.stuck import fail_stuck, sweep_tombstones


class WorkerHost:
    def __init__(self, runtime: LocalRuntime) -> None:
        self.runtime = runtime
        self.settings = runtime.settings
        self.queue = runtime.queue
        self._lock_file: IO[str] | None = None
        self._processes: list[SpawnProcess] = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()

    @property
    def lock_path(self) -> Path:
        return self.settings.data_dir / "worker.lock"

    def acquire(self) -> bool:
        """Become the worker host of the data directory, if no other process is."""
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
        self.queue.recover()
        # Partial copies and results of processes killed while writing them.
        self.runtime.blobs.sweep_temporary()
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
        if self.settings.workers == 1:
            # One worker runs in this process: simplest to debug, and no start-up cost.
            thread = threading.Thread(
                target=work,
                args=(self.settings, until_empty, lambda: not self._stopping.is_set()),
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
            return
        context = multiprocessing.get_context("spawn")  # onnxruntime is not fork-safe
        for _ in range(self.settings.workers):
            process = context.Process(
                target=worker_process, args=(self.settings, until_empty), daemon=True
            )
            process.start()
            self._processes.append(process)

    def alive(self) -> int:
        return sum(p.is_alive() for p in self._processes) + sum(
            t.is_alive() for t in self._threads
        )

    def crashed(self) -> bool:
        """A worker process that died of something other than a clean exit."""
        return any(p.exitcode not in (None, 0) for p in self._processes)

    def join(self) -> None:
        for process in self._processes:
            process.join()
        for thread in self._threads:
            thread.join()

    def stop(self) -> None:
        self._stopping.set()
        for process in self._processes:
            process.terminate()
        self.join()

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None
