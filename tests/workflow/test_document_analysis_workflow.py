"""The AWS pipeline end to end with the template's default TextractFeatures (FORMS,
TABLES, LAYOUT): the real ASL in moto's Step Functions, the real handlers, Textract's
AnalyzeDocument / StartDocumentAnalysis stubbed with realistic responses
(tests/aws/analyze_document_fake.py). What is asserted is what the store holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY

from meddoc.aws.textract_parser import parse_textract
from meddoc.exports.fhir import export_fhir
from meddoc.exports.reviewed import ExportItem
from meddoc.layout import layout_text
from meddoc.model import Document, SelectionStatus, Status
from tests.aws.analyze_document_fake import (
    LAB_HEADER,
    LAB_ROWS,
    analyze_document_response,
    document_analysis_pages,
    intake_form,
    lab_report,
)
from tests.documents import pdf_bytes, png_bytes
from tests.workflow.harness import (
    Services,
    execute,
    result_keys,
    stored_document,
    stored_record,
    stub_comprehend,
    stub_medical,
)

pytestmark = pytest.mark.xdist_group("workflow")
FEATURES = ["FORMS", "TABLES", "LAYOUT"]
NO_ENTITIES = {"Entities": [], "UnmappedAttributes": [], "ModelVersion": "2.4.0"}


def fields(document: Document) -> dict[str, Any]:
    return {f.key.text: (f.value.text, f.selection) for p in document.pages for f in p.fields}


def test_an_intake_image_is_analysed_and_its_fields_are_stored(services: Services) -> None:
    services.textract.add_response(
        "analyze_document",
        analyze_document_response(intake_form()),
        {"Document": ANY, "FeatureTypes": FEATURES},
    )
    stub_comprehend(services)
    stub_medical(services, NO_ENTITIES)

    execution = execute("intake/form 1.png", png_bytes(text="intake"))

    assert execution["status"] == "SUCCEEDED"
    record = stored_record(json.loads(execution["output"])["document_id"])
    assert record.status == Status.DONE
    document = stored_document(record.id)
    stored = fields(document)
    assert stored["Allergies:"] == ("Sulfamethoxazole", None)
    assert stored["Tobacco use:"] == ("never", None)
    assert stored["Diabetes"] == ("", SelectionStatus.SELECTED)
    page = document.pages[0]
    assert page.lines[page.layout[0].lines[0]].text == "Riverside Family Clinic"
    assert "Allergies: Sulfamethoxazole" in document.text
    assert any("/raw/detect_text-0001-AnalyzeDocument.json" in k for k in result_keys(record.id))
    for stub in services.all():
        stub.assert_no_pending_responses()


def test_a_two_page_lab_report_pdf_keeps_each_result_in_its_own_row(services: Services) -> None:
    results = document_analysis_pages(*lab_report(), per_response=70)
    services.textract.add_response(
        "start_document_analysis",
        {"JobId": "labs-1"},
        {"DocumentLocation": ANY, "ClientRequestToken": ANY, "FeatureTypes": FEATURES},
    )
    first = {"JobId": "labs-1", "MaxResults": 1000}
    services.textract.add_response("get_document_analysis", {"JobStatus": "IN_PROGRESS"}, first)
    for index, result in enumerate(results):
        token = {"NextToken": f"analysis-token-{index}"} if index else {}
        services.textract.add_response("get_document_analysis", result, {**first, **token})
    stub_comprehend(services)
    stub_medical(services, NO_ENTITIES)

    execution = execute("labs/report 2 pages.pdf", pdf_bytes(2))

    assert execution["status"] == "SUCCEEDED"
    document = stored_document(json.loads(execution["output"])["document_id"])
    assert len(document.pages) == 2
    tables = [t for page in document.pages for t in page.tables]
    assert [t.id for t in tables] == ["p1.t1", "p2.t1"]
    assert [[c.text for c in t.row(1)] for t in tables] == [LAB_HEADER, LAB_HEADER]
    rows = [[c.text for c in t.row(r)] for t in tables for r in range(2, t.rows + 1)]
    assert rows == LAB_ROWS
    alt = next(row for row in rows if row[0] == "ALT")
    assert alt[1] == "22"  # not glucose's 115: the value of its own row
    assert tables[0].title == "Chemistry panel"
    assert fields(document)["Sex:"] == ("M", None)
    for stub in services.all():
        stub.assert_no_pending_responses()


# --- issue 11's clinical cases on the AWS host: Comprehend Medical's wrong readings ------


def medical_entities(text: str, *found: tuple[str, str, str, list[str]]) -> dict[str, Any]:
    """A DetectEntitiesV2 answer tagging each (text, category, type, traits) where it is
    first written in the document text, as Comprehend Medical does on such forms."""
    entities = []
    for number, (words, category, kind, traits) in enumerate(found):
        start = text.index(words)
        entities.append(
            {
                "Id": number,
                "BeginOffset": start,
                "EndOffset": start + len(words),
                "Score": 0.95,
                "Text": words,
                "Category": category,
                "Type": kind,
                "Traits": [{"Name": t, "Score": 0.9} for t in traits],
                "Attributes": [],
            }
        )
    return {"ModelVersion": "2.4.0", "UnmappedAttributes": [], "Entities": entities}


def text_of(responses: list[dict[str, Any]]) -> str:
    detection = parse_textract(responses)
    return layout_text(detection.pages)


def exported(document_id: str) -> list[dict[str, Any]]:
    record = stored_record(document_id)
    bundle = export_fhir([ExportItem(record, stored_document(document_id), [])], True)
    return [entry["resource"] for entry in bundle["entry"]]


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def test_on_aws_an_intake_forms_allergy_habit_and_letterhead_mean_what_they_say(
    services: Services,
) -> None:
    response = analyze_document_response(intake_form())
    text = text_of([response])
    services.textract.add_response("analyze_document", response, None)
    stub_comprehend(services)
    stub_medical(
        services,
        medical_entities(
            text,
            ("Sulfamethoxazole", "MEDICATION", "GENERIC_NAME", []),
            ("Tobacco use", "MEDICAL_CONDITION", "DX_NAME", ["PERTAINS_TO_FAMILY"]),
            ("Metformin", "MEDICATION", "GENERIC_NAME", []),
        ),
    )

    execution = execute("intake/form 2.png", png_bytes(text="intake 2"))

    resources = exported(json.loads(execution["output"])["document_id"])
    (allergy,) = of_type(resources, "AllergyIntolerance")
    assert allergy["code"]["text"] == "Sulfamethoxazole"
    taken = [
        m["medicationCodeableConcept"]["text"] for m in of_type(resources, "MedicationStatement")
    ]
    assert taken == ["Metformin"]
    (smoking,) = [o for o in of_type(resources, "Observation") if "72166-2" in json.dumps(o)]
    assert "266919005" in json.dumps(smoking["valueCodeableConcept"])  # never smoked
    assert "Tobacco" not in json.dumps(of_type(resources, "FamilyMemberHistory"))
    (organization,) = of_type(resources, "Organization")
    assert organization["name"] == "Riverside Family Clinic"
    (patient,) = of_type(resources, "Patient")
    assert patient["gender"] == "female"
    assert "Harbor" not in json.dumps(patient)
    assert "010-2000" not in json.dumps(patient)


def test_on_aws_each_lab_result_has_its_own_rows_value_and_analytes_are_no_drugs(
    services: Services,
) -> None:
    results = document_analysis_pages(*lab_report(), per_response=70)
    text = text_of(results)
    services.textract.add_response("start_document_analysis", {"JobId": "labs-2"}, None)
    for result in results:
        services.textract.add_response("get_document_analysis", result, None)
    stub_comprehend(services)
    stub_medical(
        services,
        medical_entities(
            text,
            ("Potassium", "MEDICATION", "GENERIC_NAME", []),
            ("LDL cholesterol", "MEDICATION", "GENERIC_NAME", []),
        ),
    )

    execution = execute("labs/report 3.pdf", pdf_bytes(2))

    resources = exported(json.loads(execution["output"])["document_id"])
    assert of_type(resources, "MedicationStatement") == []
    labs = {
        o["code"]["text"]: o
        for o in of_type(resources, "Observation")
        if "laboratory" in json.dumps(o["category"])
    }
    for test, value, unit, _, flag in LAB_ROWS:
        assert labs[test]["valueQuantity"]["value"] == float(value)
        assert labs[test]["valueQuantity"]["unit"] == unit
        flags = [c["code"] for i in labs[test].get("interpretation", []) for c in i["coding"]]
        assert flags == [flag or "N"]
    assert labs["ALT"]["referenceRange"][0]["low"]["value"] == 7
    assert labs["ALT"]["referenceRange"][0]["high"]["value"] == 56
