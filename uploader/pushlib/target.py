"""Where files go: what every target offers the uploader, and what an upload ends as."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

DONE, FAILED = "DONE", "FAILED"
SETTLED = (DONE, FAILED)


@dataclass(frozen=True, slots=True)
class Upload:
    path: Path
    key: str  # the S3 key (prefix + path under the folder)
    name: str  # the file's own name, for a server that takes no folders
    size: int
    sha256: str
    md5: str
    content_type: str


@dataclass(frozen=True, slots=True)
class Stored:
    """An object already under the batch prefix."""

    key: str
    size: int
    etag: str


@dataclass(frozen=True, slots=True)
class Known:
    """A document meddoc already has a record of."""

    status: str  # RECEIVED | PROCESSING | DONE | FAILED
    reason: str = ""
    step: str = ""


UPLOADED, KNOWN, REFUSED = "uploaded", "known", "refused"


@dataclass(frozen=True, slots=True)
class Sent:
    outcome: str  # UPLOADED | KNOWN (the target had the bytes) | REFUSED (with the reason)
    reason: str = ""


class UploadFailed(Exception):
    """This file could not be uploaded now (network, throttling, a server error); running
    the uploader again retries it."""


class TargetRefused(Exception):
    """The target refuses us altogether (credentials, token, no such bucket): stop."""


class Target(Protocol):
    description: str
    uses_keys: bool  # False: a server that names uploads itself (no prefix, no listing)

    @property
    def can_lookup(self) -> bool:
        """Whether documents' records can be read (--wait needs it)."""
        ...

    def listing(self, prefix: str) -> dict[str, Stored]: ...

    def stored_sha256(self, key: str) -> str | None: ...

    def lookup(self, ids: Sequence[str]) -> dict[str, Known]: ...

    def upload(self, item: Upload, progress: Callable[[int], None]) -> Sent: ...
