"""The FHIR Patient of a document (only when a user asks for it): the patient's own fields,
else the PHI labelled as the patient's; the Organization that issued it (its letterhead);
and the redaction that keeps PHI out of every other FHIR resource."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from meddoc.exports.reviewed import ReviewedItem, phi_findings
from meddoc.phi_matching import MONTHS
from meddoc.privacy import MASK, PhiFinding, free_text_phrases, redact
from meddoc.structure.statements import ClinicalStatements, Issuer, PatientDetails

# A label is looked for this far back on the entity's line ("DOB: ", "Physician: Dr. ").
_LABEL_REACH = 32
# The last of these words before a PHI entity says whose it is. Comprehend Medical's
# NAME, ADDRESS (facilities too), PHONE_OR_FAX and ID cover clinicians and clinics as
# well as the patient, so anything a provider word labels stays out of the Patient.
_PROVIDER = (
    r"dr|dra|doctor|physician|provider|md|referring|clinic|hospital|office|fax|npi|dea"
    r"|license|medico|clinica|consultorio|colegiado|firma|signed|signature|facility"
)
_PATIENT = r"patient|pt|name|nombre|paciente|apellidos?"
_BIRTH = r"dob|d\.o\.b|date of birth|birth ?date|born|fecha de nacimiento|f\. ?nac\w*|nacimiento"
_ADDRESS = r"address|addr|home|residence|direccion|domicilio"
_LABEL = re.compile(
    rf"\b(?:(?P<provider>{_PROVIDER})|(?P<birth>{_BIRTH})|(?P<patient>{_PATIENT})"
    rf"|(?P<address>{_ADDRESS}))\b"
)
_MEDICAL_RECORD = {
    "system": "http://terminology.hl7.org/CodeSystem/v2-0203",
    "code": "MR",
    "display": "Medical record number",
}
_MONTHS = {name: number for number, names in enumerate(MONTHS, start=1) for name in names}
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_NUMERIC = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})")
_MONTH_FIRST = re.compile(r"([a-z]+)\.? (\d{1,2}),? (\d{4})")
_DAY_FIRST = re.compile(r"(\d{1,2}) (?:de )?([a-z]+)\.?,? (?:de |del )?(\d{4})")


def patient_resource(
    item: ReviewedItem, subject_identifier: dict[str, str], clinical: ClinicalStatements
) -> dict[str, Any]:
    """A Patient with the document-derived identifier plus the patient's own fields (name,
    date of birth, sex, address, phone, email, MRN); what no field gives comes from the
    document's PHI by the labels before it, never from the letterhead."""
    details = clinical.patient
    issuer = clinical.issuer
    labelled = [
        (finding, _label(item, finding))
        for finding in phi_findings(item)
        if issuer is None or not _inside(finding, issuer.begin, issuer.end)
    ]
    kept = [(e, label) for e, label in labelled if label != "provider"]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [subject_identifier, *_identifiers(kept, details)],
    }
    name = details.name or _labelled_name(kept)
    if name:
        resource["name"] = [{"text": name}]
    telecom = _details_telecom(details) or _telecom(kept)
    if telecom:
        resource["telecom"] = telecom
    if details.gender:
        resource["gender"] = details.gender
    birth = _written_birth_date(item, details.birth_date) or _birth_date(item, kept)
    if birth:
        resource["birthDate"] = birth
    addresses = [details.address] if details.address else _labelled_addresses(kept)
    if addresses:
        resource["address"] = [{"text": text} for text in addresses]
    return resource


def _inside(finding: PhiFinding, begin: int, end: int) -> bool:
    return finding.text_source == "original" and begin <= finding.begin < end


def _labelled_name(kept: list[tuple[PhiFinding, str]]) -> str:
    # One patient per document: the patient-labelled name, else the first unlabelled one.
    names = sorted(
        (pair for pair in kept if pair[0].type == "NAME" and pair[0].text.strip()),
        key=lambda pair: pair[1] != "patient",
    )
    return names[0][0].text.strip() if names else ""


def _labelled_addresses(kept: list[tuple[PhiFinding, str]]) -> list[str]:
    return _unique(
        e.text
        for e, label in kept
        if e.type == "ADDRESS" and (label == "address" or e.text[:1].isdigit())
    )


def _details_telecom(details: PatientDetails) -> list[dict[str, str]]:
    # cpt-2: a ContactPoint with a value needs a system.
    telecom = [{"system": "phone", "value": details.phone}] if details.phone else []
    return telecom + ([{"system": "email", "value": details.email}] if details.email else [])


def _written_birth_date(item: ReviewedItem, written: str) -> str | None:
    if not written:
        return None
    language = item.document.language if item.document else None
    return parse_birth_date(written, language is not None and language.language.code != "en")


def _identifiers(
    kept: list[tuple[PhiFinding, str]], details: PatientDetails
) -> list[dict[str, Any]]:
    if details.mrn:
        return [{"type": {"coding": [_MEDICAL_RECORD]}, "value": details.mrn}]
    return [{"value": text} for text in _unique(e.text for e, _ in kept if e.type == "ID")]


def _telecom(kept: list[tuple[PhiFinding, str]]) -> list[dict[str, str]]:
    phones = _unique(e.text for e, _ in kept if e.type in ("PHONE_OR_FAX", "PHONE"))
    emails = _unique(e.text for e, _ in kept if e.type == "EMAIL")
    # cpt-2: a ContactPoint with a value needs a system.
    return [{"system": "phone", "value": p} for p in phones] + [
        {"system": "email", "value": e} for e in emails
    ]


def _birth_date(item: ReviewedItem, kept: list[tuple[PhiFinding, str]]) -> str | None:
    language = item.document.language if item.document else None
    day_first = language is not None and language.language.code != "en"
    for entity, label in kept:
        if entity.type in ("DATE", "DATE_TIME") and label == "birth":
            parsed = parse_birth_date(entity.text, day_first)
            if parsed:
                return parsed
    return None


def parse_birth_date(text: str, day_first: bool = False) -> str | None:
    """An ISO date from a written birth date, or None when it cannot be read for sure."""
    cleaned = _fold(text).strip()
    if match := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in match.groups())
        return _valid(year, month, day)
    if match := _NUMERIC.fullmatch(cleaned):
        first, second, year = (int(g) for g in match.groups())
        year = _full_year(year, len(match.group(3)))
        if first > 12 or (day_first and second <= 12):
            return _valid(year, second, first)
        return _valid(year, first, second)
    if match := _MONTH_FIRST.fullmatch(cleaned):
        named = _MONTHS.get(match.group(1))
        return _valid(int(match.group(3)), named, int(match.group(2))) if named else None
    if match := _DAY_FIRST.fullmatch(cleaned):
        named = _MONTHS.get(match.group(2))
        return _valid(int(match.group(3)), named, int(match.group(1))) if named else None
    return None


def _full_year(year: int, digits: int) -> int:
    if digits == 4:
        return year
    # A birth year is in the past: "85" is 1985, "07" is 2007 (while it has passed).
    this_year = date.today().year
    return 2000 + year if 2000 + year <= this_year else 1900 + year


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    return born.isoformat() if born <= date.today() else None


def _label(item: ReviewedItem, entity: PhiFinding) -> str:
    """Which label (provider, birth, patient, address) stands last before the entity on
    its line, or "" when none does."""
    if item.document is None:
        return ""
    try:
        text = item.document.analysed_text(entity.text_source)
    except ValueError:
        return ""
    before = text[max(0, entity.begin - _LABEL_REACH) : max(0, entity.begin)]
    before = _fold(before.rsplit("\n", 1)[-1])
    found = [m.lastgroup or "" for m in _LABEL.finditer(before)]
    return found[-1] if found else ""


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _unique(texts: Any) -> list[str]:
    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(text.casefold().strip(), text.strip())
    return [t for t in seen.values() if t]


class Redactor:
    """Replaces the document's PHI inside free text (a file name, an entity's text)
    with a marker, so a bundle without a Patient carries no PHI either: the PHI strings
    (meddoc.privacy) as whole words, and words a masked document already blocked out."""

    MARK = "[PHI]"
    _MASKED = re.compile(f"{MASK}+(?:[ \\t]+{MASK}+)*")

    def __init__(self, phi_texts: list[str]) -> None:
        self._phrases = free_text_phrases(phi_texts)

    @classmethod
    def for_item(cls, item: ReviewedItem) -> Redactor:
        return cls(list(item.phi.phrases) if item.phi is not None else [])

    def __call__(self, text: str) -> str:
        """The text redacted and stripped (FHIR strings carry no outer whitespace)."""
        return self._MASKED.sub(self.MARK, redact(text, self._phrases, self.MARK)).strip()


def organization_resource(issuer: Issuer, redact: Redactor) -> dict[str, Any] | None:
    """The organisation of the letterhead, the document's author. Its texts pass the
    export's redaction like any other free text: a part the PHI rules block out is left
    out (org-1: without a name nothing identifies it, so no resource)."""
    name = _unredacted(redact(issuer.name))
    if not name:
        return None
    resource: dict[str, Any] = {"resourceType": "Organization", "name": name}
    phone = _unredacted(redact(issuer.phone))
    if phone:
        resource["telecom"] = [{"system": "phone", "value": phone}]
    address = _unredacted(redact(issuer.address))
    if address:
        resource["address"] = [{"text": address}]
    return resource


def _unredacted(text: str) -> str:
    return "" if Redactor.MARK in text else text
