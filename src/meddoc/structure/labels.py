"""Where a line holds "Label: value" fields ("Sex: M  MRN: 947267"), which labels are
known, and the lines that look like headings, titles, lab table headers or a
letterhead."""

from __future__ import annotations

import re
from dataclasses import dataclass

from meddoc.structure.vocabulary import Label, document_types, fold, has_phrase, label_of, plain

# The words before a colon: letters first, up to six words, no sentence punctuation.
_BEFORE_COLON = re.compile(r"([^\W\d_][^\s:;,]*(?:[ ./'-]+[^\s:;,]+){0,5})\s*:")
_LINE_LABEL = re.compile(r"^\s*[^\W\d_][^:;,]{0,48}:(?!\d)")
_TEST_WORDS = {"test", "tests", "analyte", "prueba", "pruebas", "analisis", "estudio", "examen"}
_HEADER_WORDS = _TEST_WORDS | {
    "result",
    "results",
    "value",
    "units",
    "unit",
    "reference",
    "range",
    "ref",
    "flag",
    "resultado",
    "resultados",
    "valor",
    "unidades",
    "unidad",
    "referencia",
    "rango",
    "indicador",
    "interval",
    "intervalo",
}
_PHONE = re.compile(
    r"\b(?:tel|phone|fax|telefono|tel[eé]fono)\b|\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}", re.I
)
_STREET = (
    r"street|st|avenue|ave|road|rd|lane|ln|boulevard|blvd|drive|way|suite|calle|avenida|av"
    r"|paseo|camino|carrera|plaza|colonia|col"
)
_ADDRESS = re.compile(
    rf"\d+\s+\w+.*\b(?:{_STREET})\b|\b(?:{_STREET})\b.*\d+|\b[A-Z]{{2}}\s+\d{{5}}\b", re.I
)
_ORGANISATION = re.compile(
    r"\b(?:clinic|clinica|health|hospital|medical|laboratory|laboratorie|laboratorio|lab|center"
    r"|centre|centro|group|grupo|practice|associate|salud|diagnostic|diagnostico|care|pharmacy"
    r"|farmacia|sanatorio|consultorio|institute|instituto|imaging|radiology|medicine"
    r"|physician|partner|wellness|pediatric|service|servicio|hospitalario)(?:s|es)?\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Labelled:
    """One known "Label: value" of a line: offsets relative to the line."""

    label: Label
    title: str
    begin: int  # where the label starts
    value_begin: int
    end: int  # where the value ends (the next field's label, or the line's end)


def labelled(text: str) -> list[Labelled]:
    """The known labels of one line with their values, left to right."""
    found: list[tuple[Label, str, int, int]] = []  # label, title, begin, value begin
    for match in _BEFORE_COLON.finditer(text):
        known = _longest_known_suffix(text, match.group(1), match.start(1))
        if known is not None:
            found.append((*known, match.end()))
    parts = []
    for number, (label, title, begin, value_begin) in enumerate(found):
        end = found[number + 1][2] if number + 1 < len(found) else len(text)
        end = len(text[:end].rstrip())
        parts.append(Labelled(label, title, begin, value_begin, max(end, value_begin)))
    return parts


def _longest_known_suffix(text: str, words: str, start: int) -> tuple[Label, str, int] | None:
    pieces = list(re.finditer(r"\S+", words))
    for piece in pieces:
        begin = start + piece.start()
        if begin and not text[begin - 1].isspace():
            continue
        title = text[begin : start + len(words)]
        label = label_of(title)
        if label is not None:
            return label, title, begin
    return None


def starts_with_label(text: str) -> bool:
    """Any "Label:" at the start of a line, known or not ("Skin: no rash")."""
    return _LINE_LABEL.match(text) is not None


def is_lab_header(text: str) -> bool:
    """A lab table's header line: "Test Result Units Reference Flag" (or Spanish)."""
    words = fold(text).split()
    if not words or words[0] not in _TEST_WORDS:
        return False
    return sum(1 for w in words if w in _HEADER_WORDS) >= 3 and len(words) <= 8


def lab_header_cells(texts: list[str]) -> bool:
    """A table's first row as a lab table's header."""
    folded = [fold(t) for t in texts]
    hits = sum(1 for f in folded if f and set(f.split()) & _HEADER_WORDS)
    return hits >= 3 or (hits >= 2 and any(set(f.split()) & _TEST_WORDS for f in folded))


def title_type_phrase(text: str) -> bool:
    folded = fold(text)
    return any(has_phrase(folded, phrase) for phrase, _ in document_types())


def looks_like_title(text: str) -> bool:
    """A line in capitals, without digits, of a few words ("LABORATORY REPORT")."""
    letters = [c for c in text if c.isalpha()]
    words = text.split()
    return (
        len(letters) >= 5
        and all(c.isupper() for c in letters)
        and not any(c.isdigit() for c in text)
        and len(words) <= 6
        and ":" not in text
    )


def looks_like_letterhead(text: str) -> bool:
    """An organisation's name, address or telephone."""
    return is_phone(text) or is_address(text) or is_organisation(text)


def is_organisation(text: str) -> bool:
    return _ORGANISATION.search(plain(text)) is not None


def is_phone(text: str) -> bool:
    return _PHONE.search(plain(text)) is not None


def is_address(text: str) -> bool:
    return _ADDRESS.search(text) is not None
