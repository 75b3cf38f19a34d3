"""The clinical statements in every export: FHIR resources for what the regressions do not
cover (no known allergies, an Rx as a MedicationRequest from the letterhead's
organisation, vital signs, past history), the JSON export's statements and structure,
and the statements CSV, all without PHI unless asked for."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from meddoc.exports.csv_export import export_csv
from meddoc.exports.fhir import export_fhir
from meddoc.exports.json_export import ExportItem, export_json
from meddoc.exports.statements_csv import export_statements_csv
from meddoc.model import Category
from tests.exports.documents import record
from tests.exports.fhir_r4 import validate_bundle
from tests.structure.paperwork import Mention, Paperwork, Sheet, drug, icd, phi
from tests.structure.samples import intake_en, lab_en

PRESCRIPTION = [
    "Riverbend Medical Group",
    "3461 Imaginary Lane, Faketon, TX 00679",
    "PRESCRIPTION",
    "Patient: Marigold Notreal",
    "Allergies: NKDA",
    "Past medical history: asthma",
    "Vitals: BP 128/82 mmHg, HR 71 bpm",
    "Rx",
    "Sumatriptan 50 mg tablets",
    "Sig: 1 tablet by mouth at onset of migraine",
    "Disp: #9 Refills: 2",
]


def prescription() -> Paperwork:
    return Paperwork(
        [Sheet(PRESCRIPTION, letterhead=2, title=2, headings=(7,))],
        [
            drug("Sumatriptan", "37418"),
            Mention(
                "asthma", Category.MEDICAL_CONDITION, "DX_NAME", (), (icd("J45.909", "Asthma"),)
            ),
            phi("Marigold Notreal", "NAME"),
        ],
    )


def bundle(paperwork: Paperwork, include_patient: bool = False) -> dict[str, Any]:
    document = paperwork.document(structured=False)
    exported = export_fhir(
        [ExportItem(record(document.id), document, [])], include_patient=include_patient
    )
    assert validate_bundle(exported) == []
    return exported


def resources(exported: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in exported["entry"] if e["resource"]["resourceType"] == kind]


def test_given_nkda_then_a_no_known_drug_allergy_resource() -> None:
    (allergy,) = resources(bundle(prescription()), "AllergyIntolerance")

    assert allergy["code"]["coding"] == [
        {
            "system": "http://snomed.info/sct",
            "code": "409137002",
            "display": "No known drug allergy",
        }
    ]
    assert allergy["code"]["text"] == "NKDA"


def test_given_an_rx_then_a_medication_request_by_the_letterheads_organization() -> None:
    exported = bundle(prescription())

    (request,) = resources(exported, "MedicationRequest")
    assert resources(exported, "MedicationStatement") == []
    assert (request["status"], request["intent"]) == ("unknown", "order")
    assert request["medicationCodeableConcept"]["text"] == "Sumatriptan"
    assert request["dosageInstruction"] == [
        {"text": "50 mg tablets 1 tablet by mouth at onset of migraine"}
    ]
    assert request["dispenseRequest"] == {"numberOfRepeatsAllowed": 2, "quantity": {"value": 9}}
    (organization,) = resources(exported, "Organization")
    assert organization["name"] == "Riverbend Medical Group"
    url = next(e["fullUrl"] for e in exported["entry"] if e["resource"] is organization)
    assert request["requester"] == {"reference": url}


def test_given_vitals_then_observations_with_ucum_units_and_blood_pressure_components() -> None:
    vitals = {
        o["code"]["coding"][0]["code"]: o
        for o in resources(bundle(prescription()), "Observation")
        if o["category"][0]["coding"][0]["code"] == "vital-signs"
    }

    bp = vitals["85354-9"]
    assert "valueQuantity" not in bp
    assert [(c["code"]["coding"][0]["code"], c["valueQuantity"]) for c in bp["component"]] == [
        (
            "8480-6",
            {
                "value": 128,
                "unit": "mmHg",
                "system": "http://unitsofmeasure.org",
                "code": "mm[Hg]",
            },
        ),
        (
            "8462-4",
            {"value": 82, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"},
        ),
    ]
    assert vitals["8867-4"]["valueQuantity"]["code"] == "/min"


def test_given_a_past_history_then_a_problem_list_condition_with_its_clinical_status() -> None:
    (asthma,) = resources(bundle(prescription()), "Condition")

    assert asthma["clinicalStatus"]["coding"][0]["code"] == "active"
    assert asthma["category"][0]["coding"][0]["code"] == "problem-list-item"


def test_given_a_json_export_then_it_carries_the_structure_and_the_statements_masked() -> None:
    document = intake_en().document(structured=True)
    item = ExportItem(record(document.id), document, [])

    masked = export_json([item])["documents"][0]
    shown = export_json([item], include_phi=True)["documents"][0]

    assert masked["document"]["structure"]["document_type"]["type"] == "INTAKE_FORM"
    kinds = [s["kind"] for s in masked["clinical"]["statements"]]
    assert kinds.count("ALLERGY") == 1
    assert "SOCIAL_HISTORY" in kinds
    assert "Dolores" not in json.dumps(masked)  # form fields and statements alike
    assert shown["clinical"]["patient"]["name"] == "Dolores Fictive"
    assert shown["clinical"]["issuer"]["name"] == "Lakeside Community Health"


def test_given_a_statements_csv_then_one_row_per_lab_row_with_its_own_values() -> None:
    document = lab_en(tables=True).document(structured=True)
    item = ExportItem(record(document.id), document, [])

    rows = list(csv.DictReader(io.StringIO(export_statements_csv([item]))))

    alt = next(r for r in rows if r["text"] == "ALT")
    assert (alt["value"], alt["ucum"], alt["reference_low"], alt["reference_high"]) == (
        "50",
        "U/L",
        "7",
        "56",
    )
    assert {r["document_type"] for r in rows} == {"LAB_REPORT"}
    assert not [r for r in rows if r["kind"] == "MEDICATION"]
    assert "Gideon" not in export_statements_csv([item])


def test_given_the_entities_csv_then_each_entity_says_what_it_is_read_as() -> None:
    document = intake_en().document(structured=False)
    item = ExportItem(record(document.id), document, [])

    rows = list(csv.DictReader(io.StringIO(export_csv([item]))))

    read = {r["text"]: (r["category"], r["read_as"], r["section"]) for r in rows}
    assert read["Sulfamethoxazole"] == ("MEDICATION", "ALLERGY", "ALLERGIES")
    assert read["Tobacco use"] == ("MEDICAL_CONDITION", "SOCIAL_HISTORY", "SOCIAL_HISTORY")
    assert read["Lisinopril"] == ("MEDICATION", "MEDICATION", "MEDICATIONS")
