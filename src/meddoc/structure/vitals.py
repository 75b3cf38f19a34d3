"""Vital signs as observations ("BP 154/69 mmHg", "HR 78 bpm", "Temp 37.0 °C"), blood
pressure in its two parts; a value no living patient has ("FR 500": a misread
respiratory rate) makes no observation, since a receiving record would take it as read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.model_structure import Section, SectionKind
from meddoc.structure.quantities import number
from meddoc.structure.reading import Reader
from meddoc.structure.statements import Component, Quantity, Statement, StatementKind
from meddoc.structure.vocabulary import fold, plain


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
# What a living patient may measure, by sign and UCUM unit (wide: a newborn's weight, a
# fever or a crisis are all kept); outside it the value was misread.
_PLAUSIBLE: dict[str, dict[str, tuple[float, float]]] = {
    "hr": {"/min": (20, 300)},
    "rr": {"/min": (4, 80)},
    "temp": {"Cel": (25, 45), "[degF]": (77, 113)},
    "spo2": {"%": (50, 100)},
    "weight": {"kg": (0.3, 400), "[lb_av]": (0.7, 900), "g": (300, 400_000)},
    "height": {"cm": (25, 250), "[in_i]": (10, 100), "m": (0.25, 2.5)},
    "bmi": {"kg/m2": (8, 100)},
    "systolic": {"mm[Hg]": (40, 300)},
    "diastolic": {"mm[Hg]": (15, 200)},
}


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
        inside = reader.inside(begin, end)
        # A sign read is the section's, kept or not: no entity of it says more.
        claimed.update(p.entity.id for p in inside)
        statement = vital_sign(kind, written, unit.strip(), begin, end, section.kind)
        if statement is not None:
            statement.entity_ids = [p.entity.id for p in inside]
            statements.append(statement)
    return statements


def vital_kind(name: str) -> str:
    """Which vital sign a test's name is ("FR", "heart rate"), or ""."""
    folded = fold(name)
    return next((k for k, words in _VITAL_WORDS.items() if re.fullmatch(words, folded)), "")


def vital_sign(
    kind: str, written: str, unit: str, begin: int, end: int, section: SectionKind
) -> Statement | None:
    """The statement of one sign as written, or None when no plausible value is read."""
    vital = _VITALS[kind]
    statement = Statement(
        kind=StatementKind.VITAL_SIGN,
        key=f"vital/{kind}/{begin}",
        text=vital.display,
        begin=begin,
        end=end,
        section=section,
        code=vital.code,
        code_display=vital.display,
    )
    if kind == "bp":
        return _blood_pressure(statement, written, unit)
    quantity = number(written, unit)
    if quantity is None or "/" in written:
        return None
    if not quantity.ucum:
        fahrenheit = kind == "temp" and quantity.value > 50
        quantity.ucum = "[degF]" if fahrenheit else vital.unit
        quantity.unit = quantity.unit or quantity.ucum
    if not plausible(kind, quantity):
        return None
    statement.value = quantity
    return statement


def _blood_pressure(statement: Statement, written: str, unit: str) -> Statement | None:
    if "/" not in written:
        return None
    systolic, diastolic = (p.strip() for p in written.split("/", 1))
    for (code, display), part, name in (
        (_SYSTOLIC, systolic, "systolic"),
        (_DIASTOLIC, diastolic, "diastolic"),
    ):
        quantity = number(part, unit or "mmHg")
        if quantity is None:
            continue
        quantity.ucum = quantity.ucum or "mm[Hg]"
        if not plausible(name, quantity):
            return None
        statement.components.append(Component(code, display, quantity))
    parts = [c.value.value for c in statement.components]
    if len(parts) == 2 and parts[0] <= parts[1]:
        return None  # systolic is always the higher: the two were misread
    return statement


def plausible(kind: str, quantity: Quantity) -> bool:
    """Whether a living patient may measure this (in a unit the sign is measured in)."""
    bounds = _PLAUSIBLE.get(kind, {}).get(quantity.ucum)
    return bounds is not None and bounds[0] <= quantity.value <= bounds[1]
