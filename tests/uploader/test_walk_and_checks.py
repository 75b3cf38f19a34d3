"""Finding files (globs, hidden files, links kept inside the folder) and judging them
from their bytes, with meddoc's exact checks and with the built-in fallback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pushlib import optional
from pushlib.checks import JPEG, PDF, PNG, TIFF, Checker, Limits
from pushlib.walk import Found, walk

from meddoc.limits import Limits as MeddocLimits
from tests.documents import jpeg_bytes, pdf_bytes, png_bytes, tiff_bytes
from tests.poison import CATALOGUE, Poison
from tests.uploader.folders import BATCH, UPLOADABLE, write_folder

EXACT = optional.load()


def test_walk_finds_every_file_sorted_with_relative_paths(tmp_path: Path) -> None:
    write_folder(tmp_path)

    walked = walk([tmp_path])

    assert [f.relative for f in walked.found] == sorted(BATCH)
    assert walked.skipped == []


def test_walk_leaves_out_hidden_and_system_files_and_folders(tmp_path: Path) -> None:
    write_folder(tmp_path, {"a.png": b"x", ".DS_Store": b"x", "Thumbs.db": b"x"})
    write_folder(tmp_path, {".git/objects/x.png": b"x", "~$draft.docx": b"x"})

    walked = walk([tmp_path])

    assert [f.relative for f in walked.found] == ["a.png"]
    assert walked.hidden == 4


def test_walk_follows_links_inside_the_folder_only(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    root = write_folder(tmp_path / "root", {"real/a.png": b"x"})
    write_folder(outside, {"secret.png": b"x"})
    os.symlink(outside / "secret.png", root / "to-secret.png")
    os.symlink(outside, root / "to-outside")
    os.symlink(root / "real", root / "alias")
    os.symlink(root, root / "real" / "loop")
    os.symlink(root / "missing.png", root / "broken.png")

    walked = walk([root])

    assert [f.relative for f in walked.found] == ["real/a.png"]
    reasons = {s.relative: s.reason for s in walked.skipped}
    assert "outside the folder" in reasons["to-secret.png"]
    assert "outside the folder" in reasons["to-outside"]
    assert "already included" in reasons["alias"]
    assert "already included" in reasons["real/loop"]
    assert reasons["broken.png"] == "a broken link"


def test_a_folder_reached_only_through_a_link_is_walked_under_the_links_name(
    tmp_path: Path,
) -> None:
    root = write_folder(tmp_path / "root", {".archive/inner/a.png": b"x"})
    os.symlink(root / ".archive" / "inner", root / "shortcut")

    walked = walk([root])

    assert [f.relative for f in walked.found] == ["shortcut/a.png"]


def test_include_and_exclude_globs_match_names_or_paths_ignoring_case(tmp_path: Path) -> None:
    write_folder(tmp_path, {"a.PDF": b"x", "b.png": b"x", "old/c.pdf": b"x", "d.txt": b"x"})

    walked = walk([tmp_path], include=["*.pdf", "*.png"], exclude=["old/*"])

    assert [f.relative for f in walked.found] == ["a.PDF", "b.png"]
    assert walked.hidden == 2


def test_two_roots_keep_their_names_apart(tmp_path: Path) -> None:
    first = write_folder(tmp_path / "clinic a", {"x.png": b"1"})
    second = write_folder(tmp_path / "clinic b", {"x.png": b"2"})

    walked = walk([first, second])

    assert [f.relative for f in walked.found] == ["clinic a/x.png", "clinic b/x.png"]


def _check(tmp_path: Path, name: str, data: bytes, exact: bool, limits: object = None):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    checker = Checker(EXACT if exact else None, limits)
    return checker.check(Found(path, name))


@pytest.mark.parametrize("exact", [True, False], ids=["meddoc", "fallback"])
@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("a.png", png_bytes(), PNG), ("b.jpg", jpeg_bytes(), JPEG), ("c.pdf", pdf_bytes(2), PDF)],
)
def test_supported_files_pass_with_their_type(
    tmp_path: Path, exact: bool, name: str, data: bytes, content_type: str
) -> None:
    checked = _check(tmp_path, name, data, exact)

    assert checked.ok
    assert checked.content_type == content_type
    assert len(checked.sha256) == 64
    assert len(checked.md5) == 32


@pytest.mark.parametrize("exact", [True, False], ids=["meddoc", "fallback"])
def test_a_renamed_text_file_and_an_empty_file_are_rejected(tmp_path: Path, exact: bool) -> None:
    text = _check(tmp_path, "scan.png", BATCH["notes/renamed.png"], exact)
    empty = _check(tmp_path, "empty.jpg", b"", exact)

    assert not text.ok
    assert "not a JPEG, PNG, TIFF or PDF document" in text.reason
    assert empty.reason == "the file is empty (0 bytes)"


def test_with_meddoc_pages_are_counted_and_truncation_is_caught(tmp_path: Path) -> None:
    pdf = _check(tmp_path, "three.pdf", pdf_bytes(3), exact=True)
    tiff = _check(tmp_path, "two.tif", tiff_bytes(2), exact=True)
    truncated = _check(tmp_path, "cut.png", png_bytes(200, 200, "x")[:300], exact=True)

    assert (pdf.pages, pdf.pages_known, pdf.multi_page) == (3, True, True)
    assert (tiff.content_type, tiff.pages) == (TIFF, 2)
    assert "truncated" in truncated.reason


def test_without_meddoc_pages_are_assumed_and_truncation_is_left_to_the_pipeline(
    tmp_path: Path,
) -> None:
    pdf = _check(tmp_path, "three.pdf", pdf_bytes(3), exact=False)
    truncated = _check(tmp_path, "cut.png", png_bytes(200, 200, "x")[:300], exact=False)

    assert (pdf.pages, pdf.pages_known) == (1, False)
    assert truncated.ok


@pytest.mark.parametrize("exact", [True, False], ids=["meddoc", "fallback"])
def test_the_pipeline_limits_are_applied_before_upload(tmp_path: Path, exact: bool) -> None:
    shape = {"max_image_bytes": 200, "max_document_bytes": 100_000, "max_pages": 2}
    limits = MeddocLimits(**shape) if exact else Limits(**shape)
    image = _check(tmp_path, "big.png", png_bytes(120, 120, "big"), exact, limits)
    too_big = _check(tmp_path, "huge.pdf", b"%PDF-" + b"0" * 100_000, exact, limits)

    assert "single images are accepted up to" in image.reason
    assert "largest document accepted" in too_big.reason
    if exact:
        many = _check(tmp_path, "many.pdf", pdf_bytes(3), exact, limits)
        assert "the most accepted is 2" in many.reason


def test_meddoc_limits_are_the_pipelines_own() -> None:
    assert EXACT is not None
    assert Checker(EXACT).limits == MeddocLimits()
    fallback = Checker(None).limits
    pipeline = MeddocLimits()
    assert (fallback.max_image_bytes, fallback.max_document_bytes, fallback.max_pages) == (
        pipeline.max_image_bytes,
        pipeline.max_document_bytes,
        pipeline.max_pages,
    )


def test_the_uploadable_set_is_what_the_checks_accept(tmp_path: Path) -> None:
    write_folder(tmp_path)
    checker = Checker(EXACT)

    accepted = {f.relative for f in walk([tmp_path]).found if checker.check(f).ok}

    assert accepted == UPLOADABLE | {"copies/visit note 1 (copy).png"}


@pytest.mark.parametrize("poison", CATALOGUE, ids=lambda p: p.kind)
def test_with_meddoc_a_poison_file_is_refused_with_validations_reason_before_upload(
    tmp_path: Path, poison: Poison
) -> None:
    checked = _check(tmp_path, poison.file_name, poison.make(), exact=True)

    if poison.refused:
        assert poison.reason in checked.reason
    else:
        assert checked.ok
        assert checked.pages_known
