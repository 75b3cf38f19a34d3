"""The AWS pipeline end to end with the template's default TextractFeatures (FORMS,
TABLES, LAYOUT): the real ASL in moto's Step Functions, the real handlers, Textract's
AnalyzeDocument / StartDocumentAnalysis stubbed with realistic responses
(tests/aws/analyze_document_fake.py). What is asserted is what the store holds."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.stub import ANY

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
