"""Progress on stderr: a bar redrawn in place on a terminal, plain lines now and then
when the output goes to a file or a CI log. Safe to call from many threads."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

BAR = 30
TTY_EVERY = 0.1  # seconds between redraws
LOG_EVERY = 30.0  # seconds between plain lines (also one per tenth of the files)


class Progress:
    def __init__(
        self,
        label: str,
        files: int,
        size: int = 0,
        stream: TextIO | None = None,
        tty: bool | None = None,
    ) -> None:
        self.label = label
        self.files = files
        self.size = size
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.done_files = 0
        self.done_bytes = 0
        self.started = time.monotonic()
        self._lock = threading.Lock()
        self._drawn = self.started
        self._next_tenth = 1
        self._logged = (-1, -1)

    def add_bytes(self, count: int) -> None:
        with self._lock:
            self.done_bytes += count
            self._show()

    def file_done(self) -> None:
        with self._lock:
            self.done_files += 1
            self._show()

    def close(self) -> None:
        with self._lock:
            if self.tty:
                self.stream.write("\r" + self._line() + "\n")
            elif self.files and self._logged != (self.done_files, self.done_bytes):
                self.stream.write(self._line() + "\n")
            self.stream.flush()

    def _show(self) -> None:
        now = time.monotonic()
        if self.tty:
            if now - self._drawn >= TTY_EVERY:
                self._drawn = now
                self.stream.write("\r" + self._line())
                self.stream.flush()
            return
        tenth = self.done_files * 10 // max(self.files, 1)
        if tenth >= self._next_tenth or now - self._drawn >= LOG_EVERY:
            self._next_tenth = tenth + 1
            self._drawn = now
            self._logged = (self.done_files, self.done_bytes)
            self.stream.write(self._line() + "\n")
            self.stream.flush()

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = self.done_files / elapsed
        sizes = f"  {megabytes(self.done_bytes)}/{megabytes(self.size)}" if self.size else ""
        counts = f"{self.done_files}/{self.files} files{sizes}  {rate:.1f} files/s"
        if not self.tty:
            return f"{self.label}: {counts}"
        filled = BAR * self.done_files // max(self.files, 1)
        return f"{self.label} [{'#' * filled}{'.' * (BAR - filled)}] {counts}"


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
