"""to_textract_json with structure: AnalyzeDocument's KEY_VALUE_SET, SELECTION_ELEMENT,
TABLE/CELL/MERGED_CELL/TABLE_TITLE and LAYOUT_* blocks, read back by our parser and by
amazon-textract-textractor as they read Textract's own responses."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from textractor.entities.document import Document as TextractorDocument

from meddoc.aws.textract_parser import parse_textract
from meddoc.exports.textract_json import to_textract_json
from meddoc.model import (
    Cell,
    Engine,
    Geometry,
    LayoutBlock,
    LayoutKind,
    Page,
    SelectionStatus,
    TextDetection,
)
from tests.aws.analyze_document_fake import FakePage, analyzed_page, intake_form
from tests.contract.test_textract_structure_contract import (
    STRUCTURE,
    norm,
    response,
    textractor_key,
)

REAL = sorted(STRUCTURE)


def structure(page: Page) -> tuple[Any, ...]:
    return (page.fields, page.tables, page.layout, page.selections)


def exported(*pages: Page) -> dict[str, Any]:
    detection = TextDetection(list(pages), Engine("offline-ocr", "2.1"))
    return dict(json.loads(json.dumps(to_textract_json(detection))))


def textractor_reads(raw: dict[str, Any]) -> tuple[Any, ...]:
    """Key-values, checkbox states and each table's cell texts by (row, column)."""
    document = TextractorDocument.open(copy.deepcopy(raw))
    pairs = sorted(
        (norm(textractor_key(kv)), norm(kv.value.text if kv.value else ""))
        for kv in document.key_values
    )
    boxes = sorted((norm(textractor_key(kv)), kv.is_selected()) for kv in document.checkboxes)
    tables = [
        {(c.row_index, c.col_index): norm(c.text) for c in table.table_cells}
        for table in document.tables
    ]
    return pairs, boxes, tables


def merged_lab_page() -> Page:
    """A lab table whose header "Reference range" spans the range and flag columns, with
    a title, checkboxes and a list, as the offline analyser may give it."""
    page = analyzed_page(
        1,
        FakePage(
            title="Laboratory Report",
            fields=[("Patient", "Gideon Smith")],
            checkboxes=[("Fasting", True)],
            table=[
                ["Test", "Result", "Reference range", ""],
                ["Glucose", "115", "70-99", "H"],
                ["ALT", "22", "7-56", ""],
            ],
            table_title="Chemistry panel",
            text=["Notes:", "Repeat glucose in 3 months", "Low-sugar diet"],
        ),
    )
    table = page.tables[0]
    reference, flag = table.cell(1, 3), table.cell(1, 4)
    assert reference is not None
    assert flag is not None
    joined = Geometry.enclosing([g for g in (reference.geometry, flag.geometry) if g])
    merged = Cell(1, 3, reference.text, reference.words, joined, 0.8, column_span=2, header=True)
    table.cells = [c for c in table.cells if c not in (reference, flag)] + [merged]
    table.cells.sort(key=lambda c: (c.row, c.column))
    items_text = ("Repeat glucose in 3 months", "Low-sugar diet")
    notes = [b for b in page.layout if page.lines[b.lines[0]].text in items_text]
    items = [line for block in notes for line in block.lines]
    page.layout = [b for b in page.layout if b not in notes]
    page.layout.append(LayoutBlock(LayoutKind.LIST, notes[0].geometry, 0.9, items))
    return page


@pytest.mark.parametrize("name", REAL)
def test_given_parsed_analysis_when_exported_and_parsed_again_then_structure_is_kept(
    name: str,
) -> None:
    page = parse_textract([response(name)]).pages[0]

    again = parse_textract([exported(page)]).pages[0]

    assert structure(again) == structure(page)


@pytest.mark.parametrize("name", REAL)
def test_given_export_of_an_analysis_then_textractor_reads_what_it_reads_in_textracts(
    name: str,
) -> None:
    raw = response(name)

    ours = exported(parse_textract([raw]).pages[0])

    pairs, boxes, tables = textractor_reads(ours)
    their_pairs, their_boxes, their_tables = textractor_reads(raw)
    assert (pairs, boxes) == (their_pairs, their_boxes)
    for table, theirs in zip(tables, their_tables, strict=True):
        # A merged cell's words sit in the first cell it joins; Textract spreads them.
        assert set(table) == set(theirs)
        assert sorted(" ".join(table.values()).split()) == sorted(
            " ".join(theirs.values()).split()
        )


def test_given_hand_built_page_when_exported_and_parsed_then_it_is_the_same_page() -> None:
    page = merged_lab_page()

    again = parse_textract([exported(page)]).pages[0]

    assert again == page
    table = again.tables[0]
    assert (table.rows, table.columns, table.header_rows, table.title) == (
        3,
        4,
        1,
        "Chemistry panel",
    )
    merged = table.cell(1, 4)
    assert merged is not None
    assert (merged.text, merged.column, merged.column_span) == ("Reference range", 3, 2)
    assert [again.lines[i].text for i in again.layout[-1].lines] == [
        "Repeat glucose in 3 months",
        "Low-sugar diet",
    ]


def test_given_hand_built_page_when_textractor_reads_the_export_then_it_finds_the_structure() -> (
    None
):
    raw = exported(merged_lab_page())

    pairs, boxes, tables = textractor_reads(raw)

    assert pairs == [("Patient:", "Gideon Smith")]
    assert boxes == [("Fasting", True)]
    assert [tables[0][2, c] for c in range(1, 5)] == ["Glucose", "115", "70-99", "H"]
    assert tables[0][1, 3] == "Reference range"
    assert tables[0][1, 4] == ""
    document = TextractorDocument.open(copy.deepcopy(raw))
    assert document.tables[0].title.text.strip() == "Chemistry panel"


def test_given_intake_export_then_textractor_finds_allergy_and_tobacco_answers() -> None:
    raw = exported(analyzed_page(1, intake_form()))

    pairs, boxes, _ = textractor_reads(raw)

    assert ("Allergies:", "Sulfamethoxazole") in pairs
    assert ("Tobacco use:", "never") in pairs
    assert boxes == [("Diabetes", True), ("Hypertension", False)]
    assert "AnalyzeDocumentModelVersion" in raw


def test_given_offline_structure_without_outlines_then_textractor_still_reads_it() -> None:
    page = merged_lab_page()
    for f in page.fields:
        f.key.geometry = f.value.geometry = None
    for cell in page.tables[0].cells:
        cell.geometry = None
    page.selections = []  # a checkbox state known without the mark's outline

    raw = exported(page)

    pairs, boxes, tables = textractor_reads(raw)
    assert pairs == [("Patient:", "Gideon Smith")]
    assert boxes == [("Fasting", True)]
    assert tables[0][3, 1] == "ALT"
    again = parse_textract([raw]).pages[0]
    assert [s.status for s in again.selections] == [SelectionStatus.SELECTED]
    value = again.fields[0].value  # placed where its words are
    words = [page.lines[r.line].words[r.word].geometry for r in value.words]
    assert value.geometry == Geometry.enclosing(words)


def test_given_export_then_every_relationship_points_at_a_block_of_the_response() -> None:
    raw = exported(merged_lab_page())

    by_id = {b["Id"]: b for b in raw["Blocks"]}

    assert len(by_id) == len(raw["Blocks"])
    for block in raw["Blocks"]:
        for relationship in block.get("Relationships", []):
            assert all(child in by_id for child in relationship["Ids"])
    kinds = {b["BlockType"] for b in raw["Blocks"]}
    assert {"KEY_VALUE_SET", "SELECTION_ELEMENT", "TABLE", "CELL", "MERGED_CELL"} <= kinds
    assert {"TABLE_TITLE", "LAYOUT_LIST", "LAYOUT_TEXT", "LAYOUT_TITLE"} <= kinds
    assert [b["Id"] for b in raw["Blocks"]] == [
        b["Id"] for b in exported(merged_lab_page())["Blocks"]
    ]
