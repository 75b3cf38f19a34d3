"""Labelled form fields ("Patient Name:", "DOB", "Nombre:", "Fecha de nacimiento:", "MRN"):
the label says what the value is, the value's shape says where it ends."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from meddoc.local.phi_names import NameLists, name_at
from meddoc.local.phi_patterns import Finding, Kind

_NO = r"(?:\s*(?:#|no\.?|n[º°o]\.?|n\.º|number|num\.?|número|numero))?"


@dataclass(frozen=True, slots=True)
class Label:
    pattern: str
    kind: Kind
    colon: bool = True  # the label needs a ':' or '#' after it


_LABELS = (
    # people
    Label(
        r"(?:patient|child|client|resident)(?:'?s)?(?: full)? name|full name|first name"
        r"|last name|middle name|given name|surname|name|first|last|patient|paciente"
        r"|nombre(?:\(s\))?(?: completo)?(?: del paciente)?|nombres|apellidos?"
        r"|primer apellido|segundo apellido",
        Kind.NAME,
    ),
    Label(
        r"(?:parent|guardian|parent/guardian|emergency contact(?: \d)?|contact person|next of kin"
        r"|spouse|policy ?holder|subscriber(?: name)?|insured(?: name)?|responsible party"
        r"|signature|signed|witness|interpreter|cc"
        r"|(?:ordering|referring|attending|primary care|treating)?\s?(?:physician|doctor|md)"
        r"|attending|provider|pcp|pediatrician(?: of record)?|surgeon|prescriber|pharmacist"
        r"|technician|nurse|acompañante|contacto(?: de emergencia)?|responsable|tutor(?:a)?"
        r"|madre|padre|cónyuge|titular|asegurado|firma|testigo"
        r"|médico(?: tratante| solicitante| responsable| de cabecera)?|medico|doctora?)",
        Kind.NAME,
    ),
    Label(
        r"(?:electronically )?signed by|seen by|referred by|dictated by|reviewed by"
        r"|validated by|verified by|collected by|firmado por|atendido por|validado por"
        r"|revisado por|realizado por",
        Kind.NAME,
        colon=False,
    ),
    # dates and ages
    Label(
        r"dob|d\.o\.b\.|date of birth|birth ?date|fecha de nacimiento|f\. ?nac\.?",
        Kind.DATE,
        False,
    ),
    Label(r"age(?:\s*\([^)\n]{0,12}\))?|edad", Kind.AGE),
    # places
    Label(
        r"(?:home |mailing |street |patient )?address|street|city(?:/state/zip)?|state|zip"
        r"(?: code)?|postal code|county|domicilio|dirección|direccion|ciudad|localidad"
        r"|municipio|provincia|código postal|c\.p\.|colonia|consultorio",
        Kind.ADDRESS,
    ),
    # contact points
    Label(
        r"(?:home |work |cell |mobile |best |contact )?(?:phone|telephone)(?: number)?|cell"
        r"|mobile|tel\.?|ph|fax|pager|teléfono(?: celular| fijo| móvil)?|telefono|móvil"
        r"|celular",
        Kind.PHONE,
        colon=False,
    ),
    # identifiers
    Label(
        r"ssn|social security" + _NO + r"|(?:n[º°.]+ de |número de )?seguridad social",
        Kind.SSN,
        False,
    ),
    Label(
        r"driver'?s licen[cs]e" + _NO + r"|dl" + _NO + r"|licencia de conducir",
        Kind.DRIVER_ID,
        False,
    ),
    Label(r"passport" + _NO + r"|pasaporte", Kind.PASSPORT, False),
    Label(r"itin|tax id" + _NO, Kind.ITIN, False),
    Label(
        r"(?:bank )?account" + _NO + r"|acct" + _NO + r"|cuenta(?: bancaria)?", Kind.BANK_ACCOUNT
    ),
    Label(r"card" + _NO + r"|tarjeta de crédito", Kind.CREDIT_CARD),
    Label(
        r"mrn|medical record" + _NO + r"|record" + _NO + r"|(?:patient|pt|member|subscriber"
        r"|insurance|policy|group|chart|claim|case|encounter|visit|order|specimen|sample"
        r"|lab|accession|prescription|rx|medicare|medicaid|license|licencia|folio|receta"
        r"|póliza|poliza|expediente|muestra|colegiado|afiliación|afiliacion)"
        + _NO
        + r"|(?:patient |member |subscriber |insurance |specimen |sample )?id"
        + _NO
        + r"|rx#?|npi|dea|clia|dni|nie|nif|curp|rfc|nss|nhc|cip|hc|historia clínica"
        r"|tarjeta sanitaria|cédula(?: profesional)?|ced\. ?prof\.|n[º°.]+(?: de)?"
        r"(?: muestra| póliza| colegiado| historia| expediente| afiliación)",
        Kind.ID,
        False,
    ),
    # professions
    Label(
        r"(?:parent |patient )?(?:occupation|profession|job(?: title)?|employer)|ocupación"
        r"|ocupacion|profesión|profesion|oficio|empleo",
        Kind.PROFESSION,
    ),
)
_NOT_PERSON_BEFORE = re.compile(
    r"(?:medication|drug|test|employer|company|facility|practice|insurance|plan|pharmacy"
    r"|clinic|hospital|product|file|user|program|procedure|relationship to|seguro|relación con"
    r"|parentesco con)\s*$",
    re.IGNORECASE,
)
_LABEL_RE = re.compile(
    "|".join(
        rf"(?P<l{i}>(?<![\w/])(?:{label.pattern})"
        + (r"\s*[:#]" if label.colon else r"(?:\s*[:#.]|(?=[ \t]))")
        + ")"
        for i, label in enumerate(_LABELS)
    ),
    re.IGNORECASE,
)
# What stands before a label word (without its colon) that is part of a name instead: a
# number or a joining word ("7004 Sample Street", "Paseo de la Muestra 1076").
_IN_A_NAME = re.compile(r"(?:\b\d+|\b(?:de|del|la|las|los|el|of|the))[ \t]+$", re.IGNORECASE)
_FIELD_END = re.compile(r"[ \t]{2,}|\t|[ \t]\|[ \t]|\n")
_EMPTY_VALUES = frozenset(
    {
        "self",
        "same",
        "n/a",
        "na",
        "none",
        "ninguno",
        "ninguna",
        "yes",
        "no",
        "si",
        "sí",
        "unknown",
        "desconocido",
        "m",
        "f",
    }
)
_PHONE_VALUE = re.compile(r"\+?[\d(][\d ().-]{5,}\d")
_ID_VALUE = re.compile(r"#?\s*([A-Za-z0-9]*\d[A-Za-z0-9/.-]*(?:[ ][\dA-Z][\dA-Za-z/.-]*)*)")
_AGE_VALUE = re.compile(r"(\d{1,3})(?!\d)")
_DATE_VALUE = re.compile(r"\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?|\d{4}-\d{1,2}-\d{1,2}")
# A labelled date the OCR misread ("U6/V6/200C", "02 /16/1988"): the label says it is a
# date; the shape and half its characters being digits say where it is.
_MISREAD_DATE_VALUE = re.compile(
    r"[0-9A-Za-z]{1,2}[ \t]?[/.-][ \t]?[0-9A-Za-z]{1,2}[ \t]?[/.-][ \t]?[0-9A-Za-z]{2,4}(?![\w/])"
)


def find_fields(text: str, lists: NameLists) -> Iterator[Finding]:
    labels = [m for m in _LABEL_RE.finditer(text) if _is_label(text, m)]
    for index, match in enumerate(labels):
        following = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        begin, end = _value_region(text, match, following)
        if begin >= end:
            continue
        kind = _kind(match)
        span = _value(text, begin, end, kind, lists)
        if span:
            yield Finding(kind, span[0], span[1], 0.9, 80)


def _kind(label: re.Match[str]) -> Kind:
    return _LABELS[int((label.lastgroup or "l0")[1:])].kind


def _is_label(text: str, match: re.Match[str]) -> bool:
    line_start = text.rfind("\n", 0, match.start()) + 1
    before = text[line_start : match.start()]
    label_kind = _kind(match)
    if not match.group().rstrip().endswith((":", "#", ".")) and _IN_A_NAME.search(before):
        # "7004 Sample Street", "Paseo de la Muestra": a word of a place, not a label.
        return False
    if label_kind is Kind.NAME and _NOT_PERSON_BEFORE.search(before):
        return False
    return not (
        label_kind is Kind.ADDRESS
        and re.match(r"state\b", match.group(), re.I)
        and re.search(r"marital|estado", before, re.I)
    )


def _value_region(text: str, label: re.Match[str], following: int) -> tuple[int, int]:
    """From after the label to the end of the field: the following label, a column gap or
    the line end. A label alone at the end of its line takes the next line as its value."""
    begin = label.end()
    while begin < len(text) and text[begin] in " \t":
        begin += 1
    if begin >= len(text) or text[begin] == "\n":
        begin += 1
        if begin >= len(text) or _LABEL_RE.match(text, begin) or ":" in _line(text, begin):
            return begin, begin
    stop = _FIELD_END.search(text, begin)
    end = min(stop.start() if stop else len(text), max(following, begin))
    while end > begin and text[end - 1] in " \t,;":
        end -= 1
    return begin, end


def _line(text: str, begin: int) -> str:
    end = text.find("\n", begin)
    return text[begin : end if end >= 0 else len(text)]


def _value(
    text: str, begin: int, end: int, kind: Kind, lists: NameLists
) -> tuple[int, int] | None:
    value = text[begin:end]
    if value.strip(" .:-").lower() in _EMPTY_VALUES:
        return None
    if kind is Kind.NAME:
        return name_at(text, begin, end, lists)
    if kind is Kind.AGE:
        match = _AGE_VALUE.match(value)
        ok = match and int(match.group(1)) <= 120
        return (begin + match.start(1), begin + match.end(1)) if match and ok else None
    if kind is Kind.DATE:
        match = _DATE_VALUE.match(value)
        misread = _MISREAD_DATE_VALUE.match(value)
        if not match and misread and sum(c.isdigit() for c in misread.group()) >= 4:
            match = misread
        return (begin + match.start(), begin + match.end()) if match else None
    if kind is Kind.PHONE:
        match = _PHONE_VALUE.match(value)
        digits = sum(c.isdigit() for c in match.group()) if match else 0
        return (begin + match.start(), begin + match.end()) if match and digits >= 7 else None
    if kind in (Kind.ADDRESS, Kind.PROFESSION):
        return _free_text(value, begin, kind)
    match = _ID_VALUE.match(value)
    if not match or sum(c.isdigit() for c in match.group(1)) < 3:
        return None
    return begin + match.start(1), begin + match.end(1)


def _free_text(value: str, begin: int, kind: Kind) -> tuple[int, int] | None:
    """An address or occupation value: up to a parenthesis; an address starts with a
    digit or a capital (so 'same as home address' is no address)."""
    cut = value.find("(")
    stripped = value[: cut if cut >= 0 else len(value)].rstrip(" ,;.")
    if not stripped or (
        kind is Kind.ADDRESS and not (stripped[0].isdigit() or stripped[0].isupper())
    ):
        return None
    return begin, begin + len(stripped)
