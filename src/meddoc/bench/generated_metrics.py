"""Scores of one processed generated document against its generator truth: document type,
form fields, lab row pairing and the clinical statements of its FHIR export."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from typing import Any

from meddoc.model import Document

_SPACES = re.compile(r"\s+")
_EDGES = " \t\n.,;:·-"
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_NON_WORD = re.compile(r"[\W_]+")
# A lab flag as printed (English H/L, Spanish A/B: alto/bajo) -> FHIR's interpretation.
FLAGS = {"h": "H", "a": "H", "l": "L", "b": "L", "": "N"}
_INTERPRETATIONS = {"H": "H", "HH": "H", "HU": "H", "L": "L", "LL": "L", "LU": "L", "N": "N"}


def normalise(text: str) -> str:
    """Compared text: accents and case folded, spaces collapsed, edge punctuation (a
    label's colon, a sentence's full stop) dropped."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return _SPACES.sub(" ", folded).strip(_EDGES)


def compact(text: str) -> str:
    """Only letters and digits, normalised: "(559)555-0158" is "(559) 555-0158"."""
    return _NON_WORD.sub("", normalise(text))


def number(text: str) -> float | None:
    match = _NUMBER.search(text)
    return float(match.group().replace(",", ".")) if match else None


@dataclass(slots=True)
class Counts:
    """Pooled counts of one document or many; figures are computed from the sums."""

    documents: int = 0
    type_right: int = 0
    fields_truth: int = 0
    fields_found: int = 0
    fields_right: int = 0
    lab_rows: int = 0
    lab_rows_paired: int = 0
    lab_observations: int = 0
    lab_values_from_another_row: int = 0
    allergies_as_medication: int = 0
    lab_tests_as_medication: int = 0
    patient_from_letterhead: int = 0
    social_as_family_history: int = 0

    def add(self, other: Counts) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def figures(self) -> dict[str, Any]:
        precision = _ratio(self.fields_right, self.fields_found)
        recall = _ratio(self.fields_right, self.fields_truth)
        f1 = _ratio(2 * self.fields_right, self.fields_truth + self.fields_found)
        counts = {item.name: getattr(self, item.name) for item in fields(self)}
        return {
            "document_type_accuracy": _ratio(self.type_right, self.documents),
            "field_precision": precision,
            "field_recall": recall,
            "field_f1": f1,
            "lab_row_pairing": _ratio(self.lab_rows_paired, self.lab_rows),
            **counts,
        }


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --- form fields -----------------------------------------------------------------------


def truth_fields(truth: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of every truth field; a checkbox's value is its state."""
    return [
        (normalise(f["label"]), f["selection"] or normalise(f["value"])) for f in truth["fields"]
    ]


def found_fields(document: Document) -> list[tuple[str, str]]:
    return [
        (
            normalise(f.key.text),
            f.selection.value if f.selection is not None else normalise(f.value.text),
        )
        for page in document.pages
        for f in page.fields
    ]


def score_fields(
    truth: list[tuple[str, str]], found: list[tuple[str, str]], titles: Iterable[str] = ()
) -> tuple[int, int, int]:
    """(right, truth, found). A found field matches one truth field with the same label
    and value. A found field whose label is a section title of the truth (a visit note's
    "Plan: ...") and that matches nothing is neither right nor wrong: the truth calls
    those headed paragraphs sections, a reader may fairly call them fields."""
    right = sum((Counter(truth) & Counter(found)).values())
    neutral_titles = {normalise(t) for t in titles} - {label for label, _ in truth}
    unmatched = Counter(found) - Counter(truth)
    neutral = sum(n for (label, _), n in unmatched.items() if label in neutral_titles)
    return right, len(truth), len(found) - neutral


# --- lab rows -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LabRow:
    test: str
    value: str
    unit: str
    low: float | None
    high: float | None
    flag: str  # H | L | N


def lab_rows(truth: dict[str, Any]) -> list[LabRow]:
    """Result rows of the truth's tables (a value in column 2; not headers, not panels)."""
    rows = []
    for table in truth["tables"]:
        grid: dict[int, dict[int, str]] = {}
        for cell in table["cells"]:
            if not cell["header"]:
                grid.setdefault(cell["row"], {})[cell["column"]] = cell["text"]
        for cells in grid.values():
            if not cells.get(2):
                continue
            low, _, high = cells.get(4, "").partition("-")
            rows.append(
                LabRow(
                    test=normalise(cells[1]),
                    value=cells[2],
                    unit=normalise(cells.get(3, "")),
                    low=number(low),
                    high=number(high),
                    flag=FLAGS.get(normalise(cells.get(5, "")), "?"),
                )
            )
    return rows


def resources(bundle: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
    for entry in bundle.get("entry", []):
        resource = entry.get("resource", {})
        if resource.get("resourceType") == kind:
            yield resource


def _code_text(concept: dict[str, Any] | None) -> str:
    if not concept:
        return ""
    text = concept.get("text") or next(
        (c.get("display", "") for c in concept.get("coding", []) if c.get("display")), ""
    )
    return normalise(str(text))


@dataclass(frozen=True, slots=True)
class LabObservation:
    test: str
    value: float | None
    unit: str
    low: float | None
    high: float | None
    flag: str  # H | L | N, "" when the observation has none


def lab_observations(bundle: dict[str, Any]) -> list[LabObservation]:
    found = []
    for resource in resources(bundle, "Observation"):
        quantity = resource.get("valueQuantity") or {}
        value = quantity.get("value")
        if value is None and "valueString" in resource:
            value = number(str(resource["valueString"]))
        ranges = resource.get("referenceRange") or [{}]
        low, high = ranges[0].get("low", {}).get("value"), ranges[0].get("high", {}).get("value")
        if low is None and high is None and ranges[0].get("text"):
            text_low, _, text_high = str(ranges[0]["text"]).partition("-")
            low, high = number(text_low), number(text_high)
        codes = [
            c.get("code", "")
            for concept in resource.get("interpretation", [])
            for c in concept.get("coding", [])
        ]
        flag = next((_INTERPRETATIONS[c] for c in codes if c in _INTERPRETATIONS), "")
        found.append(
            LabObservation(
                test=_code_text(resource.get("code")),
                value=float(value) if isinstance(value, int | float) else value,
                unit=normalise(str(quantity.get("unit") or quantity.get("code") or "")),
                low=float(low) if isinstance(low, int | float) else None,
                high=float(high) if isinstance(high, int | float) else None,
                flag=flag,
            )
        )
    return found


def paired(row: LabRow, observation: LabObservation) -> bool:
    """Test, value, unit, range and flag all from the row (no flag printed = normal or
    no interpretation at all)."""
    return (
        observation.test == row.test
        and observation.value == number(row.value)
        and observation.unit == row.unit
        and (observation.low, observation.high) == (row.low, row.high)
        and (observation.flag or "N") == row.flag
    )


def score_lab(rows: list[LabRow], observations: list[LabObservation]) -> tuple[int, int, int]:
    """(paired rows, lab observations, observations whose value is not their row's)."""
    paired_rows = sum(any(paired(r, o) for o in observations) for r in rows)
    by_test = {r.test: r for r in rows}
    labs = [o for o in observations if o.test in by_test]
    wrong = sum(o.value != number(by_test[o.test].value) for o in labs)
    return paired_rows, len(labs), wrong


# --- clinical statements ----------------------------------------------------------------


def section_text(truth: dict[str, Any], kind: str) -> str:
    """The sections of one kind, compacted (see compact), "|" between them."""
    return "|".join(
        compact(truth["text"][s["begin"] : s["end"]])
        for s in truth["sections"]
        if s["kind"] == kind
    )


def _medication_names(bundle: dict[str, Any]) -> list[str]:
    return [
        _code_text(r.get("medicationCodeableConcept"))
        for r in resources(bundle, "MedicationStatement")
    ]


def _within(name: str, inside: str, outside: str) -> bool:
    """A name (compacted) written in one part of the truth and not in another."""
    key = compact(name)
    return len(key) >= 3 and key in inside and key not in outside


def allergies_as_medication(truth: dict[str, Any], bundle: dict[str, Any]) -> int:
    """MedicationStatements of a substance the allergy field names (and that the
    medication list does not)."""
    allergies = section_text(truth, "ALLERGIES")
    taken = section_text(truth, "MEDICATIONS")
    return sum(1 for name in _medication_names(bundle) if _within(name, allergies, taken))


def lab_tests_as_medication(rows: list[LabRow], bundle: dict[str, Any]) -> int:
    tests = {r.test for r in rows}
    return sum(1 for name in _medication_names(bundle) if name in tests)


def _patient_values(patient: dict[str, Any]) -> Iterator[str]:
    for name in patient.get("name", []):
        yield name.get("text") or " ".join([*name.get("given", []), name.get("family", "")])
    for address in patient.get("address", []):
        yield address.get("text") or " ".join(address.get("line", []))
    for contact in patient.get("telecom", []):
        yield str(contact.get("value", ""))
    for identifier in patient.get("identifier", []):
        if not str(identifier.get("system", "")).startswith("urn:meddoc:"):
            yield str(identifier.get("value", ""))


def patient_from_letterhead(truth: dict[str, Any], bundle: dict[str, Any]) -> int:
    """Values of the Patient (name, address, phone, identifiers) written in the letterhead
    and not among the patient's own details."""
    issuer = section_text(truth, "ISSUER")
    own = section_text(truth, "PATIENT")
    count = 0
    for patient in resources(bundle, "Patient"):
        count += sum(1 for value in _patient_values(patient) if _within(value, issuer, own))
    return count


def social_as_family_history(truth: dict[str, Any], bundle: dict[str, Any]) -> int:
    """FamilyMemberHistory resources whose condition is written in the social history."""
    social = section_text(truth, "SOCIAL_HISTORY")
    family = section_text(truth, "FAMILY_HISTORY")
    count = 0
    for resource in resources(bundle, "FamilyMemberHistory"):
        names = [_code_text(c.get("code")) for c in resource.get("condition", [])]
        if any(_within(name, social, family) for name in names):
            count += 1
    return count
