"""Taking files in: walk a folder (never following links out of it), copy each file
into the data directory's upload store under the hash of its bytes, and queue a job for
it. Copies make the data directory self-contained: moving or deleting the scan folder
later loses nothing, and a scanner that reuses file names never overwrites an original."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from meddoc.local.files import CONTENT_PREFIX, TEMPORARY, FileBlobStore, content_ref
from meddoc.local.jobs import JobQueue
from meddoc.local.settings import UPLOADS
from meddoc.ports import DocumentStore

# An original with neither a record nor a pending job this long after it was stored is
# a leftover (a process killed between the copy and the queue, an upload whose request
# failed): no list shows it and no delete could reach it, so it goes.
UNCLAIMED_AFTER_SECONDS = 3600

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ingested:
    first_job: int
    files: int
    vanished: list[str] = field(default_factory=list)  # names gone before they were read


def walk(folder: Path) -> Iterator[Path]:
    """Regular files under `folder`, sorted, skipping hidden files and any link. A
    folder that disappears while it is walked is skipped."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                yield path


def sources(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, name shown to people) for every file named or found under a named folder;
    a folder's files keep their place under the folder's name."""
    for given in paths:
        given = given.expanduser()
        if given.is_file():
            yield given, given.name
        else:
            for path in walk(given):
                yield path, f"{given.resolve().name}/{path.relative_to(given).as_posix()}"


class SeenFiles:
    """What the watcher already took in: a file is taken again only once its size or
    modification time changed (kept in the database, so a restart does not re-read a
    whole folder)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.db = connection
        self._lock = threading.Lock()

    def unchanged(self, path: Path, stat: os.stat_result) -> bool:
        with self._lock:
            row = self.db.execute(
                "SELECT size, mtime_ns FROM seen_files WHERE path = ?", (str(path),)
            ).fetchone()
        return row is not None and (row["size"], row["mtime_ns"]) == (
            stat.st_size,
            stat.st_mtime_ns,
        )

    def remember(self, path: Path, stat: os.stat_result, digest: str) -> None:
        with self._lock:
            self.db.execute(
                "INSERT INTO seen_files (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (path) DO UPDATE SET size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, sha256 = excluded.sha256",
                (str(path), stat.st_size, stat.st_mtime_ns, digest),
            )


def ingest(paths: list[Path], blobs: FileBlobStore, queue: JobQueue) -> Ingested:
    return ingest_sources(sources(paths), blobs, queue)


def ingest_sources(
    items: Iterable[tuple[Path, str]],
    blobs: FileBlobStore,
    queue: JobQueue,
    seen: SeenFiles | None = None,
) -> Ingested:
    """Copy and queue the files. With `seen` (the watcher's mode) a file already taken
    in unchanged is not queued again. A file that vanishes before it is read is
    reported, never fatal (an archiver may move files out of a watched folder)."""
    first = 0
    count = 0
    vanished: list[str] = []
    for path, name in items:
        try:
            stat = path.stat()
            if seen is not None and seen.unchanged(path, stat):
                continue
            original = blobs.take_in_file(UPLOADS, path)
        except (FileNotFoundError, NotADirectoryError):
            vanished.append(name)
            continue
        if seen is not None:
            seen.remember(path, stat, original.sha256)
        number = queue.enqueue(original.ref, path.name)
        first = first or number
        count += 1
    if vanished:
        log.warning("%d files vanished before they could be read", len(vanished))
    return Ingested(first, count, vanished)


def sweep_unclaimed(
    blobs: FileBlobStore,
    store: DocumentStore,
    queue: JobQueue,
    older_than: float = UNCLAIMED_AFTER_SECONDS,
) -> int:
    """Delete the originals no record and no pending job refers to (see
    UNCLAIMED_AFTER_SECONDS); returns how many. Only the worker host calls this."""
    folder = blobs.root / UPLOADS / CONTENT_PREFIX
    if not folder.is_dir():
        return 0
    pending = queue.pending_sources(UPLOADS)
    cutoff = time.time() - older_than
    removed = 0
    for path in folder.glob("*/*"):
        if path.name.startswith(TEMPORARY) or not path.is_file():
            continue
        ref = content_ref(UPLOADS, path.name)
        try:
            fresh = path.stat().st_mtime > cutoff
        except FileNotFoundError:
            continue
        if fresh or ref.key in pending or store.get(path.name) is not None:
            continue
        removed += blobs.delete(ref)
    if removed:
        log.warning("%d originals no record or job referred to were deleted", removed)
    return removed
