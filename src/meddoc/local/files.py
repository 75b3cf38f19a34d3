"""BlobStore on the local file system: each "bucket" is a folder under the data
directory. Writes are atomic (temporary file, then rename), so a crash never leaves a
half-written result; originals are stored by the SHA-256 of their bytes, so two files
that share a name can never overwrite each other."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from meddoc.errors import DocumentNotFound
from meddoc.local.disk import room_needed
from meddoc.model import ObjectRef

# Temporary files carry the writing process's id, so a later start can tell the leftovers
# of a killed process from the files a running one is still writing.
TEMPORARY = ".tmp-"
CONTENT_PREFIX = "sha256/"
_COPY_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class Original:
    """An original taken into the store: where it lives and what its bytes are."""

    ref: ObjectRef
    sha256: str
    size: int


def content_ref(bucket: str, digest: str) -> ObjectRef:
    """Where the bytes with this SHA-256 live: the same bytes always in the same place,
    different bytes never."""
    return ObjectRef(bucket, f"{CONTENT_PREFIX}{digest[:2]}/{digest}")


def is_content_ref(ref: ObjectRef, digest: str) -> bool:
    return ref.key == content_ref(ref.bucket, digest).key


class FileBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, ref: ObjectRef) -> Path:
        bucket = self.root / ref.bucket
        path = (bucket / ref.key).resolve()
        # A key must never climb out of its bucket ("../", absolute paths).
        if not path.is_relative_to(bucket.resolve()):
            raise DocumentNotFound(f"no object at {ref}")
        return path

    def size(self, ref: ObjectRef) -> int:
        try:
            return self.path(ref).stat().st_size
        except FileNotFoundError as exc:
            raise DocumentNotFound(f"no object at {ref}") from exc

    def read(self, ref: ObjectRef) -> bytes:
        try:
            return self.path(ref).read_bytes()
        except FileNotFoundError as exc:
            raise DocumentNotFound(f"no object at {ref}") from exc

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            with self.path(ref).open("rb") as stream:
                while chunk := stream.read(chunk_size):
                    yield chunk
        except FileNotFoundError as exc:
            raise DocumentNotFound(f"no object at {ref}") from exc

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        try:
            with self.path(ref).open("rb") as stream:
                stream.seek(start)
                return stream.read(max(length, 0))
        except FileNotFoundError as exc:
            raise DocumentNotFound(f"no object at {ref}") from exc

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None:
        path = self.path(ref)
        with room_needed(self.root, where=path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = _temporary(path.parent)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise

    def take_in(self, bucket: str, stream: BinaryIO, limit: int | None = None) -> Original:
        """Store an original from a stream, without holding it in memory, under the hash
        of its bytes. Bytes already stored are kept as they are (same hash, same bytes).
        With `limit`, a stream longer than that many bytes raises ValueError; a full disk
        raises StorageFull."""
        with room_needed(self.root, where=self.root / bucket):
            return self._take_in(bucket, stream, limit)

    def _take_in(self, bucket: str, stream: BinaryIO, limit: int | None) -> Original:
        folder = self.root / bucket / CONTENT_PREFIX
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = _temporary(folder)
        digest = hashlib.sha256()
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := stream.read(_COPY_CHUNK):
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise ValueError(f"more than {limit} bytes")
                    digest.update(chunk)
                    out.write(chunk)
            ref = content_ref(bucket, digest.hexdigest())
            path = self.path(ref)
            if _keep_stored(path, size):
                temporary.unlink()
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return Original(ref, digest.hexdigest(), size)

    def take_in_file(self, bucket: str, source: Path) -> Original:
        """Take a copy of a user's file (see take_in)."""
        with source.open("rb") as stream:
            return self.take_in(bucket, stream)

    def sweep_temporary(self) -> int:
        """Delete the temporary files that processes killed while writing left behind
        (those of running processes stay); returns how many."""
        removed = 0
        for path in self.root.rglob(TEMPORARY + "*"):
            if path.is_file() and not _writer_alive(path.name):
                path.unlink(missing_ok=True)
                removed += 1
        return removed

    def exists(self, ref: ObjectRef) -> bool:
        return self.path(ref).is_file()

    def delete(self, ref: ObjectRef) -> bool:
        path = self.path(ref)
        if not path.is_file():
            return False
        path.unlink(missing_ok=True)
        return True

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        base = self.path(ObjectRef(bucket, prefix or "."))
        if base.is_file():
            base.unlink()
            return 1
        if not base.is_dir():
            return 0
        count = sum(1 for p in base.rglob("*") if p.is_file())
        shutil.rmtree(base)
        return count


def _keep_stored(path: Path, size: int) -> bool:
    """Whether the same bytes are stored already; if so they count as taken in just now
    (not a leftover for the sweep of unclaimed originals)."""
    try:
        if path.stat().st_size != size:
            return False
        os.utime(path)
    except FileNotFoundError:
        return False  # deleted meanwhile: the new copy takes its place
    return True


def _temporary(folder: Path) -> tuple[int, Path]:
    handle, name = tempfile.mkstemp(dir=folder, prefix=f"{TEMPORARY}{os.getpid()}-")
    return handle, Path(name)


def _writer_alive(name: str) -> bool:
    """Whether the process that named this temporary file still runs (files of an
    unknown shape count as abandoned)."""
    pid_text = name[len(TEMPORARY) :].split("-", 1)[0]
    if not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # a process of another user holds that id
    return True
