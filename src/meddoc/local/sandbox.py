"""Slow or risky work on untrusted files (page images, identifying uploads) in a small
pool of spawned processes, each task under a time limit and a memory cap: a task that
overruns costs its process (replaced at the next task), never the server."""

from __future__ import annotations

import logging
import multiprocessing
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any, TypeVar

from meddoc.errors import MeddocError

log = logging.getLogger(__name__)
T = TypeVar("T")

SLOTS = 2  # processes: as many page images (or identifications) at once
MEMORY_CAP = 2 << 30  # address space of one process: a 500 MB original read whole fits
QUEUE_WAIT = 30.0  # seconds a task waits for a free process before "busy"


class Overrun(Exception):
    """A task ran out of its time or memory (its process is gone)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what  # "time" | "memory"


class Busy(Exception):
    """Every process stayed busy for longer than the task could wait."""


class Sandbox:
    def __init__(self, slots: int = SLOTS, memory_cap: int = MEMORY_CAP) -> None:
        self.memory_cap = memory_cap
        self._free = threading.BoundedSemaphore(slots)
        self._idle: list[_Slot] = []
        self._all: set[_Slot] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, seconds: float, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in a pool process, within `seconds`. The function and its
        arguments must pickle (a module-level function). A MeddocError it raises is
        raised here; any other failure is a RuntimeError naming only its type."""
        if not self._free.acquire(timeout=QUEUE_WAIT):
            raise Busy()
        try:
            slot = self._take()
            try:
                outcome = slot.call(function, args, seconds)
            except Overrun:
                self._discard(slot)
                raise
            self._give_back(slot)
        finally:
            self._free.release()
        kind, value = outcome
        if kind == "ok":
            result: T = value
            return result
        if kind == "error":
            raise value
        if kind == "memory":
            raise Overrun("memory")
        raise RuntimeError(f"the task failed ({value})")

    def close(self) -> None:
        with self._lock:
            self._closed = True
            slots, self._all, self._idle = list(self._all), set(), []
        for slot in slots:
            slot.stop()

    def _take(self) -> _Slot:
        with self._lock:
            if self._closed:
                raise Busy()
            if self._idle:
                return self._idle.pop()
        slot = _Slot(self.memory_cap)
        with self._lock:
            self._all.add(slot)
        return slot

    def _give_back(self, slot: _Slot) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(slot)
                return
        slot.stop()

    def _discard(self, slot: _Slot) -> None:
        with self._lock:
            self._all.discard(slot)
        slot.stop()


class _Slot:
    """One spawned process and its end of a pipe."""

    def __init__(self, memory_cap: int) -> None:
        context = multiprocessing.get_context("spawn")  # the server runs threads: no fork
        self.connection, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_serve, args=(child, memory_cap), daemon=True, name="meddoc-sandbox"
        )
        self.process.start()
        child.close()

    def call(self, function: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
        self.connection.send((function, args))
        if not self.connection.poll(seconds):
            raise Overrun("time")
        try:
            return self.connection.recv()
        except (EOFError, OSError) as exc:  # killed by the kernel, or crashed in C
            raise Overrun("memory") from exc

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


def _serve(connection: Connection, memory_cap: int) -> None:
    """A pool process: run tasks until the server closes the pipe (or dies)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server to handle
    resource.setrlimit(resource.RLIMIT_AS, (memory_cap, memory_cap))
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        outcome: tuple[str, Any]
        try:
            outcome = ("ok", function(*args))
        except MeddocError as exc:
            outcome = ("error", exc)
        except MemoryError:
            outcome = ("memory", None)
        except Exception as exc:
            # Only the type: a message may quote the document.
            log.warning("sandboxed task failed: %s", type(exc).__name__)
            outcome = ("failed", type(exc).__name__)
        try:
            connection.send(outcome)
        except MemoryError:
            connection.send(("memory", None))
