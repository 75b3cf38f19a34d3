"""BlobStore on the local file system: each "bucket" is a folder under the data
directory. Writes are atomic (temporary file, then rename), so a crash never leaves a
half-written result."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from meddoc.errors import DocumentNotFound
from meddoc.model import ObjectRef


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

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None:
        path = self.path(ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def copy_in(self, source: Path, ref: ObjectRef) -> None:
        """Take a copy of a user's file (atomically, without reading it into memory)."""
        path = self.path(ref)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        os.close(handle)
        try:
            shutil.copyfile(source, temporary)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def exists(self, ref: ObjectRef) -> bool:
        return self.path(ref).is_file()

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
