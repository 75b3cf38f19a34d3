"""Forms, tables, checkboxes and layout read from genuine AnalyzeDocument responses, held
to what AWS's own parser (amazon-textract-textractor) reads from the same responses."""

from __future__ import annotations

import copy
import gzip
import json
import re
from typing import Any

import pytest
from textractor.parsers.response_parser import parse as textractor_parse

from meddoc.aws.textract_parser import parse_textract
from meddoc.model import LayoutKind, Page, SelectionStatus, Table, TextDetection, WordRef
from tests.contract.recorded import ROOT, load_json
from tests.contract.test_textract_parser_contract import job_blocks, job_responses

# Per genuine AnalyzeDocument response: KEY blocks, TABLE blocks, SELECTION_ELEMENTs.
STRUCTURE = {
    "amzn_q2": (5, 1, 0),
    "balance_sheet_table": (14, 1, 0),
    "contract_terms_strip": (5, 1, 0),
    "employment_application": (4, 1, 0),
    "energy_assistance_form": (61, 2, 53),
    "fake_id": (16, 0, 0),
    "financial_document": (0, 1, 0),
    "multicol_doc": (0, 0, 0),  # AnalyzeDocument without features: words only
    "twocol_header_footer": (0, 0, 0),
    "patient_intake_scan": (31, 1, 12),
    "receipt": (22, 2, 0),
    "sample_invoice_pdf": (22, 3, 0),
}


def response(name: str) -> dict[str, Any]:
    """A copied response; the largest ones are kept compact and gzipped (same blocks)."""
    copied = ROOT / "textract" / f"{name}.textract.json"
    if copied.exists():
        return dict(load_json(f"textract/{name}.textract.json"))
    packed = copied.with_name(f"{copied.name}.gz")
    return dict(json.loads(gzip.decompress(packed.read_bytes()).decode("utf-8")))


def page_of(name: str) -> Page:
    detection = parse_textract([response(name)])
    assert len(detection.pages) == 1
    return detection.pages[0]


def norm(text: str | None) -> str:
    """Whitespace collapsed; textractor ends value texts with a space and writes the
    checkboxes inside a cell as "[X]" / "[ ]", which are marks, not words."""
    return " ".join(re.sub(r"\[X\]|\[ \]", " ", text or "").split())


def textractor_key(kv: Any) -> str:
    # textractor leaves .key a bare word list on a key whose value block is missing.
    key = kv.key
    return " ".join(w.text for w in key) if isinstance(key, list) else str(key.text)


def field_pairs(page: Page, checkbox: bool) -> list[tuple[str, str]]:
    return sorted(
        (norm(f.key.text), norm(f.value.text))
        for f in page.fields
        if (f.selection is not None) == checkbox
    )


def words_text(page: Page, refs: list[WordRef]) -> str:
    return " ".join(page.lines[r.line].words[r.word].text for r in refs)


def field(page: Page, key: str, nth: int = 0) -> tuple[str, SelectionStatus | None]:
    found = [f for f in page.fields if f.key.text == key]
    return found[nth].value.text, found[nth].selection


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_given_analysis_when_parsed_then_every_key_table_and_checkbox_is_read(name: str) -> None:
    page = page_of(name)

    assert (len(page.fields), len(page.tables), len(page.selections)) == STRUCTURE[name]
    assert [f.id for f in page.fields] == [f"p1.f{n}" for n in range(1, len(page.fields) + 1)]
    assert [t.id for t in page.tables] == [f"p1.t{n}" for n in range(1, len(page.tables) + 1)]


def test_the_genuine_analyses_carry_the_structure_the_issue_counts() -> None:
    totals = [sum(counts[i] for counts in STRUCTURE.values()) for i in range(3)]

    assert totals == [180, 13, 65]


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_given_analysis_then_key_values_and_checkboxes_are_textractors(name: str) -> None:
    raw = response(name)
    theirs = textractor_parse(copy.deepcopy(raw))

    page = page_of(name)

    assert field_pairs(page, checkbox=False) == sorted(
        (norm(textractor_key(kv)), norm(kv.value.text if kv.value else ""))
        for kv in theirs.key_values
    )
    assert sorted(
        (norm(f.key.text), f.selection.value) for f in page.fields if f.selection is not None
    ) == sorted((norm(textractor_key(kv)), kv.selection_status.name) for kv in theirs.checkboxes)


@pytest.mark.parametrize("name", sorted(n for n, counts in STRUCTURE.items() if counts[1]))
def test_given_analysis_then_each_table_cell_holds_textractors_text(name: str) -> None:
    """textractor lists the cells a MERGED_CELL joins one by one; the model has one cell
    with spans, whose text is theirs joined in row-major order."""
    theirs = textractor_parse(copy.deepcopy(response(name))).tables

    tables = page_of(name).tables

    assert len(tables) == len(theirs)
    for table, their_table in zip(tables, theirs, strict=True):
        their_cells = {(c.row_index, c.col_index): c for c in their_table.table_cells}
        assert (table.rows, table.columns) == max(their_cells)
        assert norm(table.title) == norm(their_table.title.text if their_table.title else "")
        for (row, column), their_cell in their_cells.items():
            cell = table.cell(row, column)
            assert cell is not None
            assert (
                cell.header == their_cell.is_column_header or cell.row_span * cell.column_span > 1
            )
            joined = [
                their_cells[r, c].text
                for r in range(cell.row, cell.row + cell.row_span)
                for c in range(cell.column, cell.column + cell.column_span)
            ]
            assert norm(cell.text) == norm(" ".join(joined)), (row, column)


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_given_analysis_then_word_references_point_at_the_words_of_each_part(name: str) -> None:
    page = page_of(name)

    for f in page.fields:
        assert words_text(page, f.key.words) == f.key.text
        assert words_text(page, f.value.words) == f.value.text
    for table in page.tables:
        for cell in table.cells:
            assert words_text(page, cell.words) == cell.text


@pytest.mark.parametrize("name", sorted(STRUCTURE))
def test_given_analysis_then_layout_reads_each_line_once(name: str) -> None:
    page = page_of(name)

    read = [line for block in page.layout for line in block.lines]
    assert len(read) == len(set(read))
    assert all(0 <= line < len(page.lines) for line in read)


def test_given_intake_scan_then_the_patients_fields_and_covid_answers_are_read() -> None:
    page = page_of("patient_intake_scan")

    assert field(page, "Last Name:") == ("DOE", None)  # three people's names on the form
    assert sorted(f.value.text for f in page.fields if f.key.text == "Last Name:") == [
        "DOE",
        "ROSALEZ",
        "SALAZAR",
    ]
    assert field(page, "Date of Birth:") == ("10/10/1982", None)
    birth = next(f for f in page.fields if f.key.text == "Date of Birth:")
    assert page.lines[2].text == "Date of Birth: 10/10/1982"
    assert birth.value.words == [WordRef(2, 3)]
    assert field(page, "Email Address:") == ("", None)
    ticked = [f.key.text for f in page.fields if f.selection is SelectionStatus.SELECTED]
    assert sorted(ticked) == ["No", "No", "No", "No", "Yes", "Yes"]


def test_given_intake_scan_then_the_covid_table_pairs_question_and_answer_per_row() -> None:
    table = page_of("patient_intake_scan").tables[0]

    assert (table.rows, table.columns, table.header_rows) == (6, 2, 0)
    assert [c.text for c in table.row(3)] == ["Do you have a cough?", "Yes No"]
    answer = table.cell(3, 2)
    # Two marks in one cell: which is ticked is in Page.selections, not the cell.
    assert answer is not None
    assert answer.selection is None


def test_given_energy_form_then_merged_header_cells_span_and_checkboxes_keep_state() -> None:
    page = page_of("energy_assistance_form")
    table: Table = page.tables[0]

    citizen = table.cell(1, 7)
    assert citizen is not None
    assert (citizen.row, citizen.column) == (1, 6)
    assert (citizen.column_span, citizen.header) == (2, True)
    assert table.title == "A. APPLICANT/HOUSEHOLD INFORMATION"
    assert table.header_rows == 1
    assert field(page, "Section 42") == ("", SelectionStatus.SELECTED)
    assert field(page, "Zip") == ("12345", None)
    assert field(page, "E-mail Address") == ("johndoe@gmail.com", None)
    assert sum(s.status is SelectionStatus.SELECTED for s in page.selections) == sum(
        1
        for b in response("energy_assistance_form")["Blocks"]
        if b.get("SelectionStatus") == "SELECTED"
    )


def test_given_invoice_then_layout_follows_reading_order_with_page_furniture() -> None:
    page = page_of("sample_invoice_pdf")

    kinds = [block.kind for block in page.layout]
    assert kinds[:3] == [LayoutKind.FIGURE, LayoutKind.PAGE_HEADER, LayoutKind.TITLE]
    assert kinds[-2:] == [LayoutKind.PAGE_FOOTER, LayoutKind.PAGE_NUMBER]
    assert [page.lines[i].text for i in page.layout[-1].lines] == ["Page 1/1"]
    items = page.tables[1]
    assert [c.text for c in items.row(1)] == [
        "Hrs/Qty",
        "Service",
        "Rate/Price",
        "Adjust",
        "Sub Total",
    ]
    assert items.header_rows == 1
    assert field(page, "Invoice Number") == ("INV-3337", None)


def test_given_a_layout_list_then_its_items_lines_belong_to_the_list_alone() -> None:
    raw = response("financial_document")
    page = page_of("financial_document")

    lists = [b for b in page.layout if b.kind is LayoutKind.LIST]
    items = [b for b in raw["Blocks"] if b["BlockType"] == "LAYOUT_TEXT"]
    assert len(lists) == 1
    assert len([b for b in page.layout if b.kind is LayoutKind.TEXT]) == len(items) - 5
    assert [page.lines[i].text for i in lists[0].lines][:2] == ["**", "Less than US$50,000."]


def detection_pages(detection: TextDetection) -> list[tuple[Any, ...]]:
    return [(p.fields, p.tables, p.layout, p.selections) for p in detection.pages]


def test_given_an_async_job_then_each_page_has_its_own_structure_and_ids() -> None:
    first, second = response("patient_intake_scan"), response("energy_assistance_form")
    blocks = job_blocks(first, second)
    responses = job_responses(blocks, [len(blocks) // 3, len(blocks) // 2 + 7], pages=2)

    job = parse_textract(responses)

    alone = [parse_textract([first]).pages[0], parse_textract([second]).pages[0]]
    assert [len(p.fields) for p in job.pages] == [31, 61]
    assert job.pages[1].fields[0].id == "p2.f1"
    assert job.pages[1].tables[1].id == "p2.t2"
    for page, single in zip(job.pages, alone, strict=True):
        assert [(f.key, f.value, f.selection) for f in page.fields] == [
            (f.key, f.value, f.selection) for f in single.fields
        ]
        assert [t.cells for t in page.tables] == [t.cells for t in single.tables]
        assert (page.layout, page.selections) == (single.layout, single.selections)
