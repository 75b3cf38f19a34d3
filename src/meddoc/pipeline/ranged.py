"""A stored object read by ranges as a seekable file, through a small cache of blocks:
validation and page images read headers, trailers, page directories and single pages of
originals of up to 500 MB without ever holding the whole object."""

from __future__ import annotations

import io
import struct
from collections import OrderedDict
from typing import Any

from meddoc.errors import InvalidDocument
from meddoc.limits import megabytes
from meddoc.model import ObjectRef
from meddoc.ports import BlobStore

BLOCK_BYTES = 64 << 10  # one ranged GET; PDF objects of a page usually sit together
CACHED_BLOCKS = 64
# A reader that asks for "the rest of the file" (pypdf rebuilding a broken cross-reference
# table) gets it only up to this much; beyond, the file is refused as corrupt.
MAX_READ_ALL_BYTES = 64 << 20


class RangedFile(io.RawIOBase):
    """Bytes of `ref` (of `size` bytes) by ranged reads of BLOCK_BYTES, the last
    CACHED_BLOCKS kept; a read of a block or more is one ranged read of its own. `reads`
    counts the ranged reads made."""

    def __init__(
        self,
        blobs: BlobStore,
        ref: ObjectRef,
        size: int,
        block: int = BLOCK_BYTES,
        cached: int = CACHED_BLOCKS,
    ) -> None:
        super().__init__()
        self.blobs = blobs
        self.ref = ref
        self.size = size
        self.block = block
        self.cached = cached
        self.reads = 0
        self._blocks: OrderedDict[int, bytes] = OrderedDict()
        self._at = 0

    def __len__(self) -> int:
        return self.size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self.size}[whence]
        self._at = max(base + offset, 0)
        return self._at

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read_at(self._at, len(view))
        view[: len(data)] = data
        self._at += len(data)
        return len(data)

    def readall(self) -> bytes:
        if self.size - self._at > MAX_READ_ALL_BYTES:
            raise InvalidDocument(
                f"the file is corrupt: reading it would need all of its "
                f"{megabytes(self.size)} at once (its index is damaged)"
            )
        return self.read(max(self.size - self._at, 0)) or b""

    def read(self, size: int | None = -1) -> bytes:
        if size is None or size < 0:
            return self.readall()
        data = self.read_at(self._at, size)
        self._at += len(data)
        return data

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes from `offset` (fewer at the end), without moving."""
        end = min(offset + max(length, 0), self.size)
        if end - offset >= self.block:  # an image strip, a stream: one read, not cached
            self.reads += 1
            return self.blobs.read_range(self.ref, offset, end - offset)
        parts = []
        at = offset
        while at < end:
            number, within = divmod(at, self.block)
            data = self._block(number)[within : within + end - at]
            if not data:
                break
            parts.append(data)
            at += len(data)
        return b"".join(parts)

    def unpack(self, form: str, offset: int) -> tuple[Any, ...]:
        """struct.unpack_from at `offset` (struct.error past the end, as on bytes)."""
        return struct.unpack_from(form, self.read_at(offset, struct.calcsize(form)))

    def _block(self, number: int) -> bytes:
        if number in self._blocks:
            self._blocks.move_to_end(number)
            return self._blocks[number]
        data = self.blobs.read_range(self.ref, number * self.block, self.block)
        self.reads += 1
        self._blocks[number] = data
        if len(self._blocks) > self.cached:
            self._blocks.popitem(last=False)
        return data
