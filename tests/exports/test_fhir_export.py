"""export_fhir: a FHIR R4 Bundle that fhir.resources' R4 models accept, with the right
resources, codes and statuses, stable ids, and no PHI unless a Patient is asked for."""

from __future__ import annotations

import copy
import json
import re
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic.v1 import ValidationError

from meddoc.exports.fhir import export_fhir
from meddoc.exports.json_export import ExportItem
from meddoc.model import ReviewStatus, Status
from tests.exports.documents import (
    DOCUMENT_ID,
    PHI_TEXTS,
    record,
    reviewers_corrections,
    visit_note,
)
from tests.exports.fhir_r4 import parse, validate_bundle
from tests.exports.fhir_r4 import r4 as load_r4


def reviewed_item(
    review: ReviewStatus = ReviewStatus.UNREVIEWED, name: str = "visit-note.png"
) -> ExportItem:
    document = visit_note()
    return ExportItem(record(review=review, name=name), document, reviewers_corrections(document))


def resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def by_text(bundle: dict[str, Any], kind: str, concept: str = "code") -> dict[str, dict[str, Any]]:
    return {r[concept]["text"]: r for r in resources(bundle, kind)}


def codes(concept: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["system"], c["code"]) for c in concept.get("coding", [])]


ICD = "http://hl7.org/fhir/sid/icd-10-cm"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@pytest.mark.parametrize(
    ("include_patient", "review", "base_url"),
    [
        (False, ReviewStatus.UNREVIEWED, ""),
        (True, ReviewStatus.APPROVED, "https://meddoc.example.org"),
        (True, ReviewStatus.FLAGGED, ""),
    ],
)
def test_given_reviewed_documents_then_the_bundle_validates_as_fhir_r4(
    include_patient: bool, review: ReviewStatus, base_url: str
) -> None:
    items = [
        reviewed_item(review),
        ExportItem(record("b" * 64, Status.FAILED), None, []),
        ExportItem(record("c" * 64, Status.PROCESSING), None, []),
    ]

    bundle = export_fhir(items, include_patient=include_patient, base_url=base_url)

    assert validate_bundle(bundle) == []
    assert bundle["type"] == "collection"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in bundle["entry"])


def test_given_invalid_resources_then_the_validator_reports_them() -> None:
    bundle = export_fhir([reviewed_item()])
    broken = copy.deepcopy(bundle)
    statement = resources(broken, "MedicationStatement")[0]
    statement["status"] = "taken-maybe"
    condition = resources(broken, "Condition")[0]
    condition["evidence"][0]["detail"][0]["reference"] = "urn:uuid:nowhere"

    problems = validate_bundle(broken)

    assert any("MedicationStatement.status" in p for p in problems)
    assert any("urn:uuid:nowhere is not in the bundle" in p for p in problems)
    del condition["subject"]
    with pytest.raises(ValidationError, match="subject"):
        parse(condition)


def test_given_a_visit_note_then_one_resource_per_fitting_entity() -> None:
    bundle = export_fhir([reviewed_item()])

    counts = Counter(e["resource"]["resourceType"] for e in bundle["entry"])
    assert counts == {
        "DocumentReference": 1,
        "Condition": 4,  # chest pain, diabetes, pneumonia, the added hypertension
        "FamilyMemberHistory": 1,  # the mother's breast cancer is not the patient's
        "MedicationStatement": 2,
        "Observation": 2,
    }
    assert bundle["entry"][0]["resource"]["resourceType"] == "DocumentReference"


def test_given_conditions_then_codes_and_verification_follow_the_traits() -> None:
    conditions = by_text(export_fhir([reviewed_item()]), "Condition")

    def verification(text: str) -> str:
        return str(conditions[text]["verificationStatus"]["coding"][0]["code"])

    assert verification("chest pain") == "refuted"
    assert verification("pneumonia") == "provisional"
    assert verification("Diabetes mellitus type 2") == "unconfirmed"
    assert codes(conditions["chest pain"]["code"]) == [(ICD, "R07.9")]
    assert codes(conditions["Diabetes mellitus type 2"]["code"]) == [(ICD, "E11.65")]
    assert conditions["Diabetes mellitus type 2"]["meta"]["tag"][0]["code"] == "corrected"
    assert conditions["hypertension"]["meta"]["tag"][0]["code"] == "added"
    assert conditions["pneumonia"]["meta"]["tag"][0]["code"] == "machine"
    document_url = export_fhir([reviewed_item()])["entry"][0]["fullUrl"]
    assert conditions["pneumonia"]["evidence"] == [{"detail": [{"reference": document_url}]}]


def test_given_a_coded_machine_condition_then_icd_and_snomed_codings_are_kept() -> None:
    document = visit_note()
    conditions = by_text(export_fhir([ExportItem(record(), document, [])]), "Condition")

    assert codes(conditions["Diabetes mellitus type 2"]["code"]) == [
        (ICD, "E11.9"),
        ("http://snomed.info/sct", "44054006"),
    ]


def test_given_medications_then_status_rxnorm_and_dosage() -> None:
    statements = by_text(
        export_fhir([reviewed_item()]), "MedicationStatement", "medicationCodeableConcept"
    )

    aspirin, metformin = statements["aspirin"], statements["Metformin"]
    assert aspirin["status"] == "not-taken"
    assert metformin["status"] == "unknown"
    assert codes(metformin["medicationCodeableConcept"]) == [(RXNORM, "860975")]
    assert metformin["dosage"] == [
        {"text": "500 mg by mouth twice daily", "route": {"text": "by mouth"}}
    ]
    assert "dosage" not in aspirin
    assert metformin["derivedFrom"][0]["reference"].startswith("urn:uuid:")


@pytest.mark.parametrize(
    ("review", "doc_status", "observation_status"),
    [
        (ReviewStatus.UNREVIEWED, "preliminary", "preliminary"),
        (ReviewStatus.FLAGGED, "preliminary", "preliminary"),
        (ReviewStatus.APPROVED, "final", "final"),
    ],
)
def test_given_a_review_status_then_document_and_observation_statuses_follow(
    review: ReviewStatus, doc_status: str, observation_status: str
) -> None:
    bundle = export_fhir([reviewed_item(review)])

    (reference,) = resources(bundle, "DocumentReference")
    assert (reference["status"], reference["docStatus"]) == ("current", doc_status)
    assert {o["status"] for o in resources(bundle, "Observation")} == {observation_status}


def test_given_test_values_then_numbers_become_quantities_and_blood_pressure_its_parts() -> None:
    observations = by_text(export_fhir([reviewed_item()]), "Observation")

    assert observations["Hemoglobin A1c"]["valueQuantity"] == {
        "value": 7.2,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    # A vital sign named in free text is read as the sign: coded, in its two parts.
    pressure = observations["Blood pressure panel with all children optional"]
    assert [
        (c["code"]["coding"][0]["code"], c["valueQuantity"]["value"])
        for c in pressure["component"]
    ] == [
        ("8480-6", 130),
        ("8462-4", 85),
    ]
    assert "valueString" not in pressure


def test_given_a_document_reference_then_it_describes_the_upload() -> None:
    bundle = export_fhir([reviewed_item()], base_url="https://meddoc.example.org/")

    (reference,) = resources(bundle, "DocumentReference")
    assert reference["identifier"] == [
        {"system": "urn:meddoc:document-sha256", "value": DOCUMENT_ID}
    ]
    assert reference["date"] == "2024-05-06T07:08:09Z"
    assert reference["description"] == "visit-note.png"
    assert reference["content"][0]["attachment"] == {
        "contentType": "image/png",
        "title": "visit-note.png",
        "size": 2048,
        "url": f"https://meddoc.example.org/api/documents/{DOCUMENT_ID}/pages/1/image",
    }


def test_given_no_base_url_then_the_attachment_has_no_url() -> None:
    (reference,) = resources(export_fhir([reviewed_item()]), "DocumentReference")

    assert "url" not in reference["content"][0]["attachment"]


def test_given_records_without_documents_then_only_their_document_references() -> None:
    items = [ExportItem(record("b" * 64, Status.FAILED), None, [])]

    bundle = export_fhir(items, include_patient=True)

    (entry,) = bundle["entry"]
    assert entry["resource"]["resourceType"] == "DocumentReference"
    assert entry["resource"]["docStatus"] == "preliminary"


def test_given_two_exports_then_the_ids_are_the_same() -> None:
    first = export_fhir([reviewed_item()], exported_at=datetime(2024, 1, 1, tzinfo=UTC))
    second = export_fhir([reviewed_item()], exported_at=datetime(2025, 1, 1, tzinfo=UTC))

    assert first["entry"] == second["entry"]
    assert first["timestamp"] != second["timestamp"]


def test_given_two_documents_then_their_resources_get_different_ids() -> None:
    other = visit_note()
    other.id = "d" * 64
    items = [reviewed_item(), ExportItem(record("d" * 64), other, [])]

    urls = [e["fullUrl"] for e in export_fhir(items)["entry"]]

    assert len(set(urls)) == len(urls) == 2 * 10 - 1  # the second has no added entity


def test_given_no_patient_asked_then_no_phi_anywhere_in_the_bundle() -> None:
    # the file name carries the patient's name, as uploads often do
    bundle = export_fhir([reviewed_item(name="Maria Lopez intake.png")])

    text = json.dumps(bundle)
    assert [phi for phi in PHI_TEXTS if phi.lower() in text.lower()] == []
    assert resources(bundle, "Patient") == []
    (reference,) = resources(bundle, "DocumentReference")
    assert reference["description"] == "[PHI] intake.png"
    subjects = [r["subject"] for r in resources(bundle, "Condition")]
    assert subjects[0] == {
        "type": "Patient",
        "identifier": {"system": "urn:meddoc:document-subject", "value": DOCUMENT_ID},
    }
    assert all(s == subjects[0] for s in subjects)


def test_given_a_patient_asked_then_it_is_built_from_the_patients_phi() -> None:
    bundle = export_fhir([reviewed_item()], include_patient=True)

    (patient,) = resources(bundle, "Patient")
    assert patient["name"] == [{"text": "Maria Lopez"}]
    assert patient["birthDate"] == "1961-03-14"
    assert patient["address"] == [{"text": "12 Oak Street, Springfield"}]
    # the physician's name and the clinic's fax stay out of the patient
    assert patient["telecom"] == [{"system": "phone", "value": "555-201-0134"}]
    assert "Alan Reyes" not in json.dumps(patient)
    assert patient["identifier"] == [
        {"system": "urn:meddoc:document-subject", "value": DOCUMENT_ID}
    ]
    patient_url = next(e["fullUrl"] for e in bundle["entry"] if e["resource"] is patient)
    for kind in ("Condition", "MedicationStatement", "Observation", "DocumentReference"):
        assert {r["subject"]["reference"] for r in resources(bundle, kind)} == {patient_url}
    (history,) = resources(bundle, "FamilyMemberHistory")
    assert history["patient"] == {"reference": patient_url}


def test_given_a_family_condition_then_it_is_a_family_member_history() -> None:
    (history,) = resources(export_fhir([reviewed_item()]), "FamilyMemberHistory")

    assert history["status"] == "partial"
    # "Mother had breast cancer.": the relative named before it on its line
    assert history["relationship"]["coding"][0]["code"] == "MTH"
    assert history["condition"][0]["code"]["text"] == "breast cancer"
    assert codes(history["condition"][0]["code"]) == [(ICD, "C50.919")]


def test_the_export_code_never_imports_a_fhir_library() -> None:
    # fhir.resources validates in tests only; the Lambda layer carries plain dicts.
    exports = Path(__file__).resolve().parents[2] / "src" / "meddoc" / "exports"
    offenders = [
        p.name
        for p in exports.glob("*.py")
        if re.search(r"^\s*(import|from)\s+fhir\b", p.read_text(), re.MULTILINE)
    ]
    assert offenders == []


def test_given_the_r4_models_loaded_then_pydantic_is_still_pydantic_2() -> None:
    import pydantic
    import pydantic.fields

    r4 = load_r4()

    assert r4.__fhir_version__ == "4.0.1"
    assert pydantic.VERSION.startswith("2.")
    assert hasattr(pydantic.BaseModel, "model_dump")
    assert sys.modules["pydantic.fields"] is pydantic.fields
