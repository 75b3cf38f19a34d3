"""Observations read from structure: lab results (one per row) and vital signs (blood
pressure in its two parts)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.model import Category, CodeSystem
from meddoc.model_structure import Section, SectionKind
from meddoc.structure.lab_layout import rows_by_position
from meddoc.structure.labs import LabRow, analyte, line_row, table_rows
from meddoc.structure.quantities import flag, interpretation, number, reference_range
from meddoc.structure.reading import Reader
from meddoc.structure.statements import Component, Statement, StatementKind
from meddoc.structure.vocabulary import plain


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


# --- vital signs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Vital:
    code: str
    display: str
    unit: str  # UCUM, when the page gives none


_VITALS = {
    "bp": _Vital("85354-9", "Blood pressure panel with all children optional", "mm[Hg]"),
    "hr": _Vital("8867-4", "Heart rate", "/min"),
    "temp": _Vital("8310-5", "Body temperature", "Cel"),
    "spo2": _Vital("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%"),
    "rr": _Vital("9279-1", "Respiratory rate", "/min"),
    "weight": _Vital("29463-7", "Body weight", "kg"),
    "height": _Vital("8302-2", "Body height", "cm"),
    "bmi": _Vital("39156-5", "Body mass index (BMI) [Ratio]", "kg/m2"),
}
_SYSTOLIC = ("8480-6", "Systolic blood pressure")
_DIASTOLIC = ("8462-4", "Diastolic blood pressure")
_VITAL_WORDS = {
    "bp": r"bp|blood pressure|ta|t/a|tension arterial|presion arterial",
    "hr": r"hr|heart rate|pulse|fc|frecuencia cardiaca|pulso",
    "temp": r"temp|temperature|temperatura",
    "spo2": r"spo2|sao2|sato2|o2 sat|oxygen saturation|saturacion(?: de oxigeno)?",
    "rr": r"rr|resp rate|respiratory rate|fr|frecuencia respiratoria",
    "weight": r"weight|wt|peso",
    "height": r"height|ht|talla|estatura",
    "bmi": r"bmi|imc",
}
_VITAL = re.compile(
    r"\b(?P<label>"
    + "|".join(f"(?P<{k}>{v})" for k, v in _VITAL_WORDS.items())
    + r")\b\s*:?\s*(?P<value>\d{1,3}(?:[.,]\d+)?(?:\s*/\s*\d{1,3})?)\s*"
    r"(?P<unit>mm ?hg|bpm|lpm|rpm|/min|°\s?[cf]|[cf]\b|%|kg/m2|kg|lbs?|cm|in\b)?"
)


def vital_signs(reader: Reader, section: Section, claimed: set[int]) -> list[Statement]:
    """Every "BP 154/69 mmHg", "HR 78 bpm", "Temp 37.0 °C" of a vital-signs section or
    field."""
    statements = []
    text = reader.text[section.begin : section.end]
    for match in _VITAL.finditer(plain(text)):
        kind = next(k for k in _VITALS if match.group(k))
        begin = section.begin + match.start()
        end = section.begin + match.end()
        written = text[match.start("value") : match.end("value")]
        unit = text[match.start("unit") : match.end("unit")] if match.group("unit") else ""
        statement = _vital(kind, written, unit.strip(), begin, end, section)
        if statement is not None:
            inside = reader.inside(begin, end)
            claimed.update(p.entity.id for p in inside)
            statement.entity_ids = [p.entity.id for p in inside]
            statements.append(statement)
    return statements


def _vital(
    kind: str, written: str, unit: str, begin: int, end: int, section: Section
) -> Statement | None:
    vital = _VITALS[kind]
    statement = Statement(
        kind=StatementKind.VITAL_SIGN,
        key=f"vital/{kind}/{begin}",
        text=vital.display,
        begin=begin,
        end=end,
        section=section.kind,
        code=vital.code,
        code_display=vital.display,
    )
    if kind == "bp":
        if "/" not in written:
            return None
        systolic, diastolic = (p.strip() for p in written.split("/", 1))
        for (code, display), part in ((_SYSTOLIC, systolic), (_DIASTOLIC, diastolic)):
            quantity = number(part, unit or "mmHg")
            if quantity is not None:
                quantity.ucum = quantity.ucum or vital.unit
                statement.components.append(Component(code, display, quantity))
        return statement
    quantity = number(written, unit)
    if quantity is None or "/" in written:
        return None
    if not quantity.ucum:
        fahrenheit = kind == "temp" and quantity.value > 50
        quantity.ucum = "[degF]" if fahrenheit else vital.unit
        quantity.unit = quantity.unit or quantity.ucum
    statement.value = quantity
    return statement
