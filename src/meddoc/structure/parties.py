"""Who a document is about and who issued it: the patient's details only from the patient's
own fields, the issuing organisation only from the letterhead."""

from __future__ import annotations

import re

from meddoc.model_structure import SectionKind
from meddoc.structure.labels import is_address, is_organisation, is_phone
from meddoc.structure.reading import Reader
from meddoc.structure.statements import Issuer, PatientDetails
from meddoc.structure.vocabulary import fold, label_of

_GENDERS = {
    "m": "male",
    "male": "male",
    "man": "male",
    "masculino": "male",
    "hombre": "male",
    "h": "male",
    "varon": "male",
    "v": "male",
    "f": "female",
    "female": "female",
    "woman": "female",
    "femenino": "female",
    "mujer": "female",
    "other": "other",
    "otro": "other",
    "x": "other",
    "unknown": "unknown",
    "desconocido": "unknown",
}
_PHONE_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]{6,}\d")
_DETAILS = ("name", "birth_date", "sex", "address", "phone", "email", "mrn")


def patient_details(reader: Reader) -> PatientDetails:
    """The first value of each patient label (name, date of birth, sex, address, phone,
    email, MRN); the letterhead and other people's fields are never read. Where the same
    value is written again with more word breaks (OCR ran "GideonTestwell" together on
    page 1 but not on page 2), the better-spaced writing is kept."""
    found: dict[str, str] = {}
    for section in reader.structure.sections:
        if section.kind is not SectionKind.PATIENT:
            continue
        label = label_of(section.title.rstrip(":"))
        if label is None or label.detail not in _DETAILS:
            continue
        value = " ".join(p.text for p in reader.pieces(section)).strip()
        first = found.get(label.detail)
        if value and (first is None or _better_spaced(value, first)):
            found[label.detail] = value
    details = PatientDetails(**found)
    details.gender = gender(details.sex)
    return details


def _better_spaced(value: str, first: str) -> bool:
    """The same letters as the first value, with more spaces between them."""
    return "".join(value.split()) == "".join(first.split()) and value.count(" ") > first.count(" ")


def gender(sex: str) -> str:
    """FHIR administrative gender from a written sex ("M", "Femenino"); "" when unsure."""
    words = fold(sex).split()
    return _GENDERS.get(words[0], "") if words else ""


def issuer(reader: Reader) -> Issuer | None:
    """The organisation of the letterhead: its name (the line naming an organisation,
    else the first), address and telephone."""
    section = next((s for s in reader.structure.sections if s.kind is SectionKind.ISSUER), None)
    if section is None:
        return None
    lines = [
        line.strip()
        for line in reader.text[section.begin : section.end].split("\n")
        if line.strip()
    ]
    if not lines:
        return None
    names = [line for line in lines if is_organisation(line) and not is_address(line)]
    addresses = [line for line in lines if is_address(line) and not _only_phone(line)]
    phones = [
        m.group().strip()
        for line in lines
        if is_phone(line)
        for m in [_PHONE_NUMBER.search(line)]
        if m
    ]
    return Issuer(
        name=names[0] if names else lines[0],
        address=addresses[0] if addresses else "",
        phone=phones[0] if phones else "",
        begin=section.begin,
        end=section.end,
    )


def _only_phone(line: str) -> bool:
    return is_phone(line) and not any(
        c.isalpha() for c in _PHONE_NUMBER.sub("", line).replace("Tel", "")
    )
