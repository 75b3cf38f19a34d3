"""Lab results, one per row of a lab report: test, value, unit, reference range and flag
all from the same row, read from the page's tables or, without one, from the lines of a
results section ("Glucose 115 mg/dL 70-99 H")."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from meddoc.model import Page
from meddoc.model_structure import Table
from meddoc.structure.labels import lab_header_cells
from meddoc.structure.lines import word_span
from meddoc.structure.quantities import flag, is_range, is_unit, number
from meddoc.structure.vocabulary import fold

_ROLES = {
    "test": {"test", "tests", "analyte", "prueba", "pruebas", "analisis", "estudio", "examen"},
    "value": {"result", "results", "value", "resultado", "resultados", "valor"},
    "unit": {"unit", "units", "unidad", "unidades"},
    "range": {"reference", "range", "ref", "referencia", "rango", "interval", "intervalo"},
    "flag": {"flag", "indicador", "abnormal", "interpretation", "interpretacion"},
}


@dataclass(slots=True)
class LabRow:
    test: str
    value: str
    unit: str
    range: str
    flag: str
    begin: int  # the row's stretch of Document.text; -1 when its words are unknown
    end: int
    source: str  # the table cell row ("p1.t1/r3") or "text"
    # Where each of its cells' words are (a table read column by column scatters a
    # row over the text); the row's own stretch for a line.
    spans: list[tuple[int, int]] = field(default_factory=list)


def table_rows(page: Page, table: Table) -> list[LabRow]:
    """A lab table's body rows; rows with a test name only (a panel's heading) are none."""
    header = table.row(1)
    if not lab_header_cells([c.text for c in header]):
        return []
    roles = _column_roles([c.text for c in header])
    rows = []
    for number_ in range(table.header_rows + 1 if table.header_rows else 2, table.rows + 1):
        cells = {role: table.cell(number_, column) for role, column in roles.items()}
        texts = {role: cell.text.strip() if cell else "" for role, cell in cells.items()}
        if not texts.get("test") or not texts.get("value"):
            continue
        value, unit = texts["value"], texts.get("unit", "")
        if not unit and " " in value:  # "115 mg/dL" in one cell
            value, unit = value.split(" ", 1)
        if not one_test(value, unit):
            continue  # rows merged on a tilted page: the lines are read instead
        spans = [s for c in table.row(number_) if (s := word_span(page, c.words)) is not None]
        begin = min((b for b, _ in spans), default=-1)
        end = max((e for _, e in spans), default=-1)
        rows.append(
            LabRow(
                texts["test"],
                value,
                unit,
                texts.get("range", ""),
                texts.get("flag", ""),
                begin,
                end,
                f"{table.id}/r{number_}",
                spans,
            )
        )
    return rows


def one_test(value: str, unit: str) -> bool:
    """Whether a table row's cells read as one test's: one value and at most one unit
    ("291 3.0" / "K/uL g/dL" is several rows the table ran together; a range may be
    written twice, for men and women)."""
    values = [w for w in _tokens(value) if number(w) is not None]
    units = [w for w in unit.split() if is_unit(w)]
    return len(values) <= 1 and len(units) <= 1


def _column_roles(header: list[str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for column, text in enumerate(header, start=1):
        words = set(fold(text).split())
        for role, names in _ROLES.items():
            if words & names and role not in roles:
                roles[role] = column
                break
    roles.setdefault("test", 1)
    if "value" not in roles:
        roles["value"] = 2
    return roles


def line_row(text: str, begin: int) -> LabRow | None:
    """A results line read from the right: [flag] [range] [unit] value, the rest the
    test. A value alone (no unit, no range) is too weak to be a lab row."""
    tokens = _tokens(text)
    found_flag = found_range = found_unit = ""
    if tokens and flag(tokens[-1]) and len(tokens) > 2:
        found_flag = tokens.pop()
    if tokens and is_range(tokens[-1]):
        found_range = tokens.pop()
    if tokens and is_unit(tokens[-1]) and number(tokens[-1]) is None:
        found_unit = tokens.pop()
    if len(tokens) < 2 or number(tokens[-1]) is None or not (found_unit or found_range):
        return None
    value = tokens.pop()
    test = " ".join(tokens).rstrip(":").strip()
    if not any(c.isalpha() for c in test):
        return None
    end = begin + len(text)
    row = LabRow(test, value, found_unit, found_range, found_flag, begin, end, "text")
    row.spans = [(begin, end)]
    return row


def _tokens(text: str) -> list[str]:
    """Words, a spaced range ("70 - 99") or comparator ("< 200") kept as one."""
    words = text.replace(" - ", "-").replace(" \u2013 ", "-").split()
    joined: list[str] = []
    for word in words:
        if joined and joined[-1] in ("<", ">", "<=", ">=", "≤", "≥"):
            joined[-1] += word
        else:
            joined.append(word)
    return joined


@dataclass(frozen=True, slots=True)
class Analyte:
    loinc: str
    display: str


@cache
def _analytes() -> dict[str, Analyte]:
    path = Path(__file__).parent / "data" / "analytes.tsv"
    rows = [
        line.split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return {fold(name): Analyte(loinc, display) for _l, name, loinc, display in rows}


def analyte(test: str) -> Analyte | None:
    """The LOINC code of a common test by its printed name."""
    return _analytes().get(fold(test))
