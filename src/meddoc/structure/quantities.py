"""Numbers, units (as UCUM codes where known), reference ranges and result flags, as
printed on lab reports and in vital signs ("115 mg/dL 70-99 H", "37.0 °C")."""

from __future__ import annotations

import re
import unicodedata

from meddoc.structure.statements import Quantity

_NUMBER = re.compile(r"^(?P<comparator><=|>=|<|>|≤|≥)?\s*(?P<value>[+-]?\d+(?:[.,]\d+)?)$")
_RANGE = re.compile(
    r"^\(?\s*(?P<low>\d+(?:[.,]\d+)?)\s*(?:-|\u2013|\u2014|to|a)\s*(?P<high>\d+(?:[.,]\d+)?)\s*\)?$"
)
_BOUND = re.compile(r"^\(?\s*(?P<comparator><=|>=|<|>|≤|≥)\s*(?P<value>\d+(?:[.,]\d+)?)\s*\)?$")
# Units as printed (folded: lower case, µ as u, spaces out) -> UCUM.
UCUM = {
    "mg/dl": "mg/dL",
    "g/dl": "g/dL",
    "g/l": "g/L",
    "mg/l": "mg/L",
    "ug/dl": "ug/dL",
    "ng/ml": "ng/mL",
    "ng/dl": "ng/dL",
    "pg/ml": "pg/mL",
    "mmol/l": "mmol/L",
    "umol/l": "umol/L",
    "meq/l": "meq/L",
    "%": "%",
    "u/l": "U/L",
    "iu/l": "[IU]/L",
    "ui/l": "[IU]/L",
    "miu/l": "m[IU]/L",
    "mui/l": "m[IU]/L",
    "uiu/ml": "u[IU]/mL",
    "k/ul": "10*3/uL",
    "x10^3/ul": "10*3/uL",
    "10^3/ul": "10*3/uL",
    "x10e3/ul": "10*3/uL",
    "10*3/ul": "10*3/uL",
    "m/ul": "10*6/uL",
    "x10^6/ul": "10*6/uL",
    "10^6/ul": "10*6/uL",
    "10*6/ul": "10*6/uL",
    "fl": "fL",
    "pg": "pg",
    "mm/h": "mm/h",
    "mm/hr": "mm/h",
    "ml/min/1.73m2": "mL/min/{1.73_m2}",
    "mmhg": "mm[Hg]",
    "bpm": "/min",
    "lpm": "/min",
    "/min": "/min",
    "rpm": "/min",
    "°c": "Cel",
    "c": "Cel",
    "°f": "[degF]",
    "f": "[degF]",
    "kg": "kg",
    "g": "g",
    "lb": "[lb_av]",
    "lbs": "[lb_av]",
    "cm": "cm",
    "m": "m",
    "in": "[in_i]",
    "kg/m2": "kg/m2",
    "kg/m^2": "kg/m2",
}
_FLAGS = {
    "h": "H",
    "hi": "H",
    "high": "H",
    "alto": "H",
    "alta": "H",
    "hh": "H",
    "l": "L",
    "lo": "L",
    "low": "L",
    "bajo": "L",
    "baja": "L",
    "b": "L",
    "ll": "L",
    "n": "N",
    "normal": "N",
    "a": "A",  # "abnormal"; in Spanish reports often "alto": the range decides
    "abn": "A",
    "abnormal": "A",
    "anormal": "A",
    "*": "A",
}


def _folded_unit(text: str) -> str:
    plain = unicodedata.normalize("NFKC", text).replace("µ", "u").replace("μ", "u")
    return "".join(plain.lower().split())


def ucum(unit: str) -> str:
    """The UCUM code of a unit as printed, or "" when it is not known."""
    return UCUM.get(_folded_unit(unit), "")


def is_unit(text: str) -> bool:
    return bool(ucum(text)) or ("/" in text and not any(c.isdigit() for c in text[:1]))


def number(text: str, unit: str = "") -> Quantity | None:
    """A quantity from a written number ("115", "<0.5", "6,4")."""
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    value = float(match.group("value").replace(",", "."))
    comparator = {"≤": "<=", "≥": ">="}.get(match.group("comparator") or "", "")
    comparator = comparator or (match.group("comparator") or "")
    return Quantity(value, text.strip(), comparator, unit.strip(), ucum(unit))


def reference_range(text: str, unit: str = "") -> tuple[Quantity | None, Quantity | None]:
    """(low, high) of a reference range ("70-99", "<200", ">40"); (None, None) when the
    text is no range."""
    cleaned = text.strip()
    if match := _RANGE.match(cleaned):
        return number(match.group("low"), unit), number(match.group("high"), unit)
    if match := _BOUND.match(cleaned):
        bound = number(match.group("value"), unit)
        return (None, bound) if match.group("comparator") in ("<", "<=", "≤") else (bound, None)
    return None, None


def is_range(text: str) -> bool:
    low, high = reference_range(text)
    return low is not None or high is not None


def flag(text: str) -> str:
    """H, L, N or A from a printed flag, or "" when it is none."""
    return _FLAGS.get(text.strip().strip("()").lower(), "")


def interpretation(
    written: str, value: Quantity | None, low: Quantity | None, high: Quantity | None
) -> str:
    """The row's flag; where it is missing or only says "abnormal", the value against the
    range (a blank flag beside a range means within it)."""
    if written in ("H", "L", "N"):
        return written
    if value is None or (low is None and high is None):
        return written
    if high is not None and value.value > high.value:
        return "H"
    if low is not None and value.value < low.value:
        return "L"
    return written or "N"
