"""Taking files in: walk a folder (never following links out of it), copy each file
into the data directory's upload store, and queue a job for it. Copies make the data
directory self-contained: moving or deleting the scan folder later loses nothing."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from meddoc.local.files import FileBlobStore
from meddoc.local.jobs import JobQueue
from meddoc.local.settings import UPLOADS
from meddoc.model import ObjectRef


@dataclass(frozen=True, slots=True)
class Ingested:
    first_job: int
    files: int


def walk(folder: Path) -> Iterator[Path]:
    """Regular files under `folder`, sorted, skipping hidden files and any link."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                yield path


def sources(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """(file, upload key) for every file named or found under a named folder; a
    folder's files keep their place under the folder's name."""
    for given in paths:
        given = given.expanduser()
        if given.is_file():
            yield given, given.name
        else:
            for path in walk(given):
                yield path, f"{given.resolve().name}/{path.relative_to(given).as_posix()}"


def ingest(paths: list[Path], blobs: FileBlobStore, queue: JobQueue) -> Ingested:
    return ingest_sources(sources(paths), blobs, queue)


def ingest_sources(
    items: Iterable[tuple[Path, str]],
    blobs: FileBlobStore,
    queue: JobQueue,
    only_changed: bool = False,
) -> Ingested:
    """Copy and queue the files; with only_changed, files whose copy is already up to
    date are not queued again (the watcher's mode)."""
    first = 0
    count = 0
    for path, key in items:
        ref = ObjectRef(UPLOADS, key)
        if not _copy_if_changed(path, ref, blobs) and only_changed:
            continue
        number = queue.enqueue(ref, path.name)
        first = first or number
        count += 1
    return Ingested(first, count)


def _copy_if_changed(path: Path, ref: ObjectRef, blobs: FileBlobStore) -> bool:
    target = blobs.path(ref)
    stat = path.stat()
    if target.is_file():
        kept = target.stat()
        if (stat.st_size, int(stat.st_mtime)) == (kept.st_size, int(kept.st_mtime)):
            return False
    blobs.copy_in(path, ref)
    os.utime(target, (stat.st_atime, stat.st_mtime))
    return True
