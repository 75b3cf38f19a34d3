"""Damaged AnalyzeDocument results (relationships missing, blocks repeated or cut off, as
partial jobs and retried page fetches give them): less structure, never an error, never
a lost line."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from meddoc.aws.textract_parser import parse_textract
from tests.contract.recorded import load_json

TEXT_BLOCKS = {"PAGE", "LINE", "WORD"}


def intake() -> dict[str, Any]:
    return copy.deepcopy(dict(load_json("textract/patient_intake_scan.textract.json")))


def key_block(raw: dict[str, Any], text: str) -> dict[str, Any]:
    """The KEY_VALUE_SET KEY block whose words read `text` (the first such)."""
    by_id = {b["Id"]: b for b in raw["Blocks"]}
    for block in raw["Blocks"]:
        if "KEY" in block.get("EntityTypes", []):
            ids = [i for r in block.get("Relationships", []) for i in r["Ids"]]
            words = [by_id[i]["Text"] for i in ids if by_id[i]["BlockType"] == "WORD"]
            if " ".join(words) == text:
                return block
    raise AssertionError(text)


def lines_of(raw: dict[str, Any]) -> list[list[str]]:
    return [[line.text for line in page.lines] for page in parse_textract([raw]).pages]


def test_given_a_key_without_its_value_relationship_then_its_value_is_empty() -> None:
    raw = intake()
    key = key_block(raw, "Date of Birth:")
    key["Relationships"] = [r for r in key["Relationships"] if r["Type"] != "VALUE"]

    page = parse_textract([raw]).pages[0]

    birth = next(f for f in page.fields if f.key.text == "Date of Birth:")
    assert (birth.value.text, birth.value.words, birth.value.geometry) == ("", [], None)
    assert len(page.fields) == 31


def test_given_a_value_block_missing_from_the_result_then_the_key_is_kept() -> None:
    raw = intake()
    key = key_block(raw, "Sex:")
    value_id = next(r["Ids"][0] for r in key["Relationships"] if r["Type"] == "VALUE")
    raw["Blocks"] = [b for b in raw["Blocks"] if b["Id"] != value_id]

    page = parse_textract([raw]).pages[0]

    sex = next(f for f in page.fields if f.key.text == "Sex:")
    assert sex.value.text == ""
    assert sex.selection is None


def test_given_a_value_without_children_then_it_has_no_words_but_its_place() -> None:
    raw = intake()
    key = key_block(raw, "City:")
    value_id = next(r["Ids"][0] for r in key["Relationships"] if r["Type"] == "VALUE")
    value = next(b for b in raw["Blocks"] if b["Id"] == value_id)
    value.pop("Relationships")

    page = parse_textract([raw]).pages[0]

    city = next(f for f in page.fields if f.key.text == "City:")
    assert (city.value.text, city.value.words) == ("", [])
    assert city.value.geometry is not None


def test_given_every_block_twice_then_the_structure_is_read_once() -> None:
    raw = intake()
    doubled = {**raw, "Blocks": raw["Blocks"] + copy.deepcopy(raw["Blocks"])}

    assert parse_textract([doubled]).pages == parse_textract([raw]).pages


def test_given_cells_without_a_position_then_only_they_are_left_out() -> None:
    raw = intake()
    cells = [b for b in raw["Blocks"] if b["BlockType"] == "CELL"]
    del cells[0]["RowIndex"]

    table = parse_textract([raw]).pages[0].tables[0]

    assert len(table.cells) == 11
    assert table.cell(1, 1) is None
    assert table.cell(1, 2) is not None


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_given_any_blocks_missing_then_parsing_keeps_every_line_it_has(
    data: st.DataObject,
) -> None:
    raw = intake()
    keep = data.draw(
        st.lists(st.booleans(), min_size=len(raw["Blocks"]), max_size=len(raw["Blocks"]))
    )
    partial = {**raw, "Blocks": [b for b, k in zip(raw["Blocks"], keep, strict=True) if k]}
    text_only = {
        **partial,
        "Blocks": [b for b in partial["Blocks"] if b["BlockType"] in TEXT_BLOCKS],
    }

    detection = parse_textract([partial])

    assert lines_of(partial) == lines_of(text_only)
    for page in detection.pages:
        for field in page.fields:
            assert all(ref.line < len(page.lines) for ref in field.key.words + field.value.words)
