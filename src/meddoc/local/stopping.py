"""Stopping on request: SIGINT and SIGTERM only note the request, and the command acts on
it between steps, so a signal never lands half-way through starting or stopping a worker
(a worker started but not yet known to its host would be left behind)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterable, Iterator
from types import FrameType, TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopRequest:
    """Installed with `with StopRequest() as stop:` in the main thread; elsewhere (tests
    driving a command from a thread) it only stops when `set` is called."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._previous: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}

    def __enter__(self) -> StopRequest:
        if threading.current_thread() is threading.main_thread():
            for number in SIGNALS:
                self._previous[number] = signal.signal(number, self._note)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    def _note(self, number: int, frame: FrameType | None) -> None:
        self._event.set()

    def set(self) -> None:
        self._event.set()

    def requested(self) -> bool:
        return self._event.is_set()

    def wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True as soon as a stop is requested."""
        return self._event.wait(seconds)

    def until_requested(self, items: Iterable[T]) -> Iterator[T]:
        """The items, until a stop is requested (a long ingest ends early and cleanly)."""
        for item in items:
            if self.requested():
                return
            yield item
