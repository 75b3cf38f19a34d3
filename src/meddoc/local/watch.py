"""`meddoc watch`: keep taking in files that appear in (or change in) a folder. A file
is taken only once its size has stopped changing, so a scanner still writing it is
not read half-way. Files and folders that vanish, files it may not read, the folder
itself going away and coming back, and a full disk are reported, never fatal."""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TextIO

from meddoc.errors import StorageFull
from meddoc.local.host import WorkerHost
from meddoc.local.ingest import SeenFiles, ingest_sources, sources
from meddoc.local.jobs import JobQueue
from meddoc.local.settings import LocalSettings
from meddoc.local.stopping import StopRequest
from meddoc.local.worker import Prepare

log = logging.getLogger(__name__)


class FolderWatch:
    """One folder's state between looks: file sizes seen last time, and what was already
    said, so a lasting problem is reported once rather than at every look."""

    def __init__(self, folder: Path, host: WorkerHost, out: TextIO) -> None:
        self.folder = folder
        self.host = host
        self.out = out
        self.seen = SeenFiles(host.runtime.connection)
        self.sizes: dict[Path, int] = {}
        self.present = True
        self.unreadable: set[tuple[Path, int]] = set()
        self.full = False
        self.reported = host.queue.last_number()  # outcomes shown up to this job

    def look(self) -> int:
        """Take in the files whose size held still since the last look; returns how many."""
        if not self._folder_there():
            return 0
        current: dict[Path, int] = {}
        settled: list[tuple[Path, str]] = []
        for path, name in sources([self.folder]):
            try:
                current[path] = path.stat().st_size
            except OSError:
                continue  # moved away (or made unreadable) since the listing
            if self.sizes.get(path) == current[path]:
                settled.append((path, name))
        self.sizes = current
        return self._take_in(settled)

    def show_outcomes(self, queue: JobQueue) -> None:
        """Print the jobs settled since the last call (failures with their reason)."""
        outcomes = queue.outcomes(self.reported + 1)
        if not outcomes:
            return
        self.reported = outcomes[-1].number
        for outcome in outcomes:
            reason = f": {outcome.reason}" if outcome.outcome == "FAILED" else ""
            self.say(f"{outcome.outcome} {outcome.name}{reason}")

    def _folder_there(self) -> bool:
        there = self.folder.is_dir()
        if there != self.present:
            self.present = there
            if there:
                self.say(f"{self.folder} is back; watching it again")
            else:
                self.sizes.clear()
                self.say(f"{self.folder} is gone; waiting for it to come back")
        return there

    def _take_in(self, settled: list[tuple[Path, str]]) -> int:
        taken: list[str] = []
        vanished = 0
        for path, name in settled:
            try:
                ingested = ingest_sources(
                    [(path, name)], self.host.runtime.blobs, self.host.queue, self.seen
                )
            except StorageFull as exc:
                if not self.full:
                    self.say(f"{exc}; new files wait until there is room")
                self.full = True
                break
            except OSError as exc:
                self._unreadable(path, name, exc)
                continue
            if self.full and ingested.files:
                self.say("there is room on the disk again; taking files in")
                self.full = False
            vanished += len(ingested.vanished)
            if ingested.files:
                taken.append(name)
        if taken:
            self.say(f"took in {len(taken)} file(s): {', '.join(taken)}")
        if vanished:
            self.say(f"{vanished} file(s) vanished before they could be read")
        return len(taken)

    def _unreadable(self, path: Path, name: str, exc: OSError) -> None:
        key = (path, self.sizes.get(path, -1))
        if key not in self.unreadable:  # said once per file version
            self.unreadable.add(key)
            self.say(f"cannot read {name} ({exc.strerror or type(exc).__name__}); skipped")
            log.warning("a watched file could not be read (%s)", type(exc).__name__)

    def say(self, text: str) -> None:
        print(f"{datetime.now():%H:%M:%S} {text}", file=self.out, flush=True)


def watch(
    settings: LocalSettings,
    folder: Path,
    interval: float,
    out: TextIO = sys.stderr,
    prepare: Prepare | None = None,
    stop: StopRequest | None = None,
) -> None:
    folder = folder.expanduser()
    if not folder.is_dir():
        raise FileNotFoundError(f"no such folder: {folder}")
    stop = stop or StopRequest()
    host = WorkerHost(settings, prepare)
    with stop:
        try:
            if host.acquire():
                host.start(until_empty=False)
            watcher = FolderWatch(folder, host, out)
            watcher.say(f"watching {folder} (every {interval:g} s); Ctrl-C stops")
            next_look = 0.0
            while not stop.requested():
                if host.owner:
                    host.supervise()
                elif host.acquire():
                    host.start(until_empty=False)  # the earlier worker host ended
                if time.monotonic() >= next_look:
                    watcher.look()
                    watcher.show_outcomes(host.queue)
                    next_look = time.monotonic() + interval
                stop.wait(min(interval, 0.5))
        finally:
            host.stop()
            host.release()
