"""Full disks: "no space left" recognised wherever it comes from (a file write, SQLite,
a quota) and said in words, with the free space and without any document's name."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from meddoc.errors import StorageFull

_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


def is_disk_full(exc: BaseException | None) -> bool:
    """Whether this error (or one it was raised from) says the disk or quota is full."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StorageFull):
            return True
        if isinstance(exc, OSError) and exc.errno in _FULL:
            return True
        if isinstance(exc, sqlite3.Error) and (
            getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or "database or disk is full" in str(exc)
        ):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def free_megabytes(path: Path) -> int:
    """Free space (for this user) on the disk holding `path`; -1 if it cannot be told."""
    for candidate in (path, *path.absolute().parents):
        try:
            return shutil.disk_usage(candidate).free // (1024 * 1024)
        except OSError:
            continue
    return -1


def storage_full(data_dir: Path, where: Path | None = None) -> StorageFull:
    """The error for a full disk, naming the data directory and the free space where the
    write failed (`where`: a folder inside it that may sit on a disk of its own)."""
    free = free_megabytes(where or data_dir)
    amount = f"{free} MB free" if free >= 0 else "free space unknown"
    return StorageFull(f"the disk holding {data_dir.absolute()} is full ({amount})")


@contextmanager
def room_needed(data_dir: Path, where: Path | None = None) -> Iterator[None]:
    """Turn a full-disk error raised inside into StorageFull, naming the data directory."""
    try:
        yield
    except StorageFull:
        raise
    except (OSError, sqlite3.Error) as exc:
        if is_disk_full(exc):
            raise storage_full(data_dir, where) from exc
        raise
