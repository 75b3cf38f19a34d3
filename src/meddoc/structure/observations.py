"""Lab results read from structure: one per row of a lab table, else per row the lines'
places on the page make, else per results line."""

from __future__ import annotations

from meddoc.model import Category, CodeSystem
from meddoc.model_structure import SectionKind
from meddoc.structure.lab_layout import rows_by_position
from meddoc.structure.labs import LabRow, analyte, line_row, table_rows
from meddoc.structure.quantities import flag, interpretation, number, reference_range
from meddoc.structure.reading import Reader
from meddoc.structure.statements import Statement, StatementKind


def lab_results(reader: Reader, claimed: set[int]) -> list[Statement]:
    """One statement per row of every lab table, then per row the lines' places on the
    page make outside them, then per results line left (text without its pages)."""
    rows: list[LabRow] = []
    for page in reader.document.pages:
        for table in page.tables:
            rows += table_rows(page, table)
    rows += _rows_outside(rows_by_position(reader.document, reader.structure), rows)
    rows += _rows_outside(_results_lines(reader), rows)
    statements = [_lab_statement(reader, row, claimed) for row in rows]
    # An analyte is never a medication taken, wherever in the results it is tagged.
    for section in reader.structure.sections:
        if section.kind is SectionKind.RESULTS:
            claimed.update(
                p.entity.id
                for p in reader.inside(section.begin, section.end)
                if p.entity.category in (Category.MEDICATION, Category.TEST_TREATMENT_PROCEDURE)
            )
    return statements


def _results_lines(reader: Reader) -> list[LabRow]:
    found = []
    for section in reader.structure.sections:
        if section.kind is SectionKind.RESULTS:
            for piece in reader.pieces(section):
                row = line_row(piece.text, piece.begin)
                if row is not None:
                    found.append(row)
    return found


def _rows_outside(candidates: list[LabRow], rows: list[LabRow]) -> list[LabRow]:
    """The candidate rows that share no words with the rows found already."""
    covered = [span for row in rows for span in row.spans]
    kept = []
    for row in candidates:
        if not any(b < e2 and b2 < e for b, e in row.spans for b2, e2 in covered):
            kept.append(row)
            covered += row.spans
    return kept


def _lab_statement(reader: Reader, row: LabRow, claimed: set[int]) -> Statement:
    inside = [p for begin, end in row.spans for p in reader.inside(begin, end)]
    claimed.update(p.entity.id for p in inside if p.exact)
    tests = [p for p in inside if p.exact and p.entity.category is not Category.MEDICAL_CONDITION]
    value = number(row.value, row.unit)
    low, high = reference_range(row.range, row.unit)
    known = analyte(row.test)
    return Statement(
        kind=StatementKind.LAB_RESULT,
        key=f"lab/{row.source}/{row.begin}" if row.source != "text" else f"lab/{row.begin}",
        text=row.test,
        begin=row.begin,
        end=row.end,
        section=SectionKind.RESULTS,
        entity_ids=[p.entity.id for p in tests],
        # A test's SNOMED code only: an analyte's RxNorm code would make it a drug.
        concepts=[c for p in tests for c in p.entity.concepts if c.system is CodeSystem.SNOMEDCT],
        code=known.loinc if known else "",
        code_display=known.display if known else "",
        value=value,
        value_text="" if value else row.value,
        low=low,
        high=high,
        range_text=row.range,
        interpretation=interpretation(flag(row.flag), value, low, high),
    )
