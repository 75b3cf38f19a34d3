"""What each file really is, judged from its bytes: content hash, type and pages, and
whether the pipeline would refuse it (then it is not uploaded, and the reason says why).
meddoc's own checks and limits when it is importable (the very function validation and
the engines call, so a file the uploader sends is a file the pipeline accepts); a small
built-in check of type, size and page limits otherwise."""

from __future__ import annotations

import hashlib
import mmap
from dataclasses import dataclass
from typing import Any

from pushlib.optional import Package
from pushlib.walk import Found

JPEG, PNG, TIFF, PDF = "image/jpeg", "image/png", "image/tiff", "application/pdf"
SUPPORTED = "JPEG, PNG, TIFF or PDF"
BLOCK = 1024 * 1024
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Amazon Textract's limits as the pipeline applies them, for the built-in check
    (meddoc.limits.Limits, with all of meddoc's budgets, replaces these when meddoc is
    importable)."""

    max_image_bytes: int = 10 * MB
    max_document_bytes: int = 500 * MB
    max_pages: int = 3000


@dataclass(frozen=True, slots=True)
class Checked:
    file: Found
    size: int
    sha256: str = ""
    md5: str = ""
    content_type: str = ""
    pages: int = 1
    pages_known: bool = True  # False: a PDF or TIFF counted as 1 page
    reason: str = ""  # why the pipeline would refuse it; "" when it is fine

    @property
    def ok(self) -> bool:
        return not self.reason

    @property
    def multi_page(self) -> bool:
        return self.content_type == PDF or self.pages > 1


class Checker:
    def __init__(self, package: Package | None, limits: Any = None) -> None:
        """`limits`: meddoc.limits.Limits with meddoc, this module's Limits without it."""
        self.package = package
        self.limits = limits or (package.limits if package else Limits())

    def check(self, found: Found) -> Checked:
        try:
            size = found.path.stat().st_size
            if size > self.limits.max_document_bytes:
                reason = (
                    f"the file is {_mb(size)}; the largest document accepted is "
                    f"{_mb(self.limits.max_document_bytes)}"
                )
                return Checked(found, size, reason=reason)
            if size == 0:
                return Checked(found, 0, reason="the file is empty (0 bytes)")
            return self._check_bytes(found, size)
        except OSError as exc:
            return Checked(found, 0, reason=f"cannot be read ({exc.strerror or exc})")

    def _check_bytes(self, found: Found, size: int) -> Checked:
        with (
            found.path.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            sha256, md5 = _digests(data)
            if self.package is not None:
                kind, pages, known, reason = self._identify(data)
            else:
                kind, pages, known, reason = _sniff(data[:1024])
        checked = Checked(found, size, sha256, md5, kind, pages, known, reason)
        if not reason and not (self.package and known):  # meddoc applied every limit
            reason = limit_reason(checked, self.limits)
            checked = Checked(found, size, sha256, md5, kind, pages, known, reason)
        return checked

    def _identify(self, data: mmap.mmap) -> tuple[str, int, bool, str]:
        assert self.package is not None
        file_types = self.package.file_types
        try:
            file_type = file_types.identify(data, self.limits)
        except self.package.invalid_document as exc:
            return "", 0, True, str(exc)
        except Exception:
            # pypdf missing (or failing some other way): the type is known from the first
            # bytes, the page count is not; the pipeline will judge the rest.
            return file_types.sniff_type(data[:1024]) or "", 1, False, ""
        return file_type.content_type, file_type.page_count, True, ""


def limit_reason(checked: Checked, limits: Limits) -> str:
    """The built-in check's size and page limits (the pipeline's rules on bytes)."""
    # A TIFF of unknown page count may be multi-page: only the pipeline can tell.
    single = not checked.multi_page and checked.pages_known
    if single and checked.size > limits.max_image_bytes:
        return (
            f"the image is {_mb(checked.size)}; single images are accepted up to "
            f"{_mb(limits.max_image_bytes)} (scan at a lower resolution, or as PDF)"
        )
    if checked.pages > limits.max_pages:
        return (
            f"the document has {checked.pages} pages; the most accepted is "
            f"{limits.max_pages} (split it into smaller files)"
        )
    return ""


def _sniff(head: bytes) -> tuple[str, int, bool, str]:
    """The built-in check: the type the first bytes announce (no page count)."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG, 1, True, ""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG, 1, True, ""
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return TIFF, 1, False, ""
    if b"%PDF-" in head:
        return PDF, 1, False, ""
    return "", 0, True, f"the file is not a {SUPPORTED} document"


def _digests(data: mmap.mmap) -> tuple[str, str]:
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)  # only to compare with S3's ETag
    view = memoryview(data)
    try:
        for start in range(0, len(data), BLOCK):
            block = view[start : start + BLOCK]
            sha256.update(block)
            md5.update(block)
    finally:
        view.release()
    return sha256.hexdigest(), md5.hexdigest()


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"
