"""Textract document analysis on the AWS host: the TextractFeatures parameter reaches the
adapters through the functions' environment; with it (the default) images go to
AnalyzeDocument and PDFs to StartDocumentAnalysis/GetDocumentAnalysis with FORMS, TABLES
and LAYOUT, without it (NONE) to DetectDocumentText, the cheap mode. botocore's Stubber
stands in for Textract (moto does not analyse documents)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from meddoc.aws.settings import AwsSettings, textract_features
from meddoc.aws.textract import TextractAsyncDetector, TextractDetector
from meddoc.aws.wiring import AwsRuntime
from meddoc.errors import ConfigurationError
from meddoc.model import ObjectRef, SelectionStatus
from meddoc.ports import ResponseLog
from tests.aws.analyze_document_fake import (
    LAB_HEADER,
    LAB_ROWS,
    analyze_document_response,
    document_analysis_pages,
    intake_form,
    lab_report,
)
from tests.aws.cloud import REGION, UPLOADS, lambda_environment
from tests.aws.textract_collect import collect_all

ROOT = Path(__file__).resolve().parents[2]
ALL = ["FORMS", "TABLES", "LAYOUT"]
SCAN = ObjectRef(UPLOADS, "intake 1.png", "v-3")
DOCUMENT = {"S3Object": {"Bucket": UPLOADS, "Name": "intake 1.png", "Version": "v-3"}}


def recorded(name: str) -> dict[str, Any]:
    path = ROOT / "tests" / "fixtures" / "aws" / "textract" / f"{name}.textract.json"
    loaded: dict[str, Any] = json.loads(path.read_text())
    return loaded


def textract() -> Any:
    return boto3.client("textract", region_name=REGION)


def test_given_the_templates_default_then_the_functions_analyse_forms_tables_and_layout(
    aws_environment: None,
) -> None:
    settings = AwsSettings.from_environ(lambda_environment())

    runtime = AwsRuntime(settings)

    assert lambda_environment()["TEXTRACT_FEATURES"] == "FORMS,TABLES,LAYOUT"
    assert runtime.text_detector.features == ALL
    assert runtime.async_text_detector.features == ALL


def test_given_the_cheap_mode_then_the_functions_detect_text_only(aws_environment: None) -> None:
    settings = AwsSettings.from_environ({**lambda_environment(), "TEXTRACT_FEATURES": "NONE"})

    assert AwsRuntime(settings).text_detector.features == []
    assert AwsRuntime(settings).async_text_detector.features == []


@pytest.mark.parametrize(
    ("value", "features"),
    [("FORMS,TABLES,LAYOUT", ALL), ("tables, forms", ["TABLES", "FORMS"]), ("NONE", [])],
)
def test_given_a_feature_setting_then_it_reads_as_textracts_feature_types(
    value: str, features: list[str]
) -> None:
    assert list(textract_features(value)) == features


@pytest.mark.parametrize("value", ["QUERIES", "FORMS,NONE", ",", "forms;tables"])
def test_given_a_feature_textract_does_not_have_here_then_start_up_refuses_it(value: str) -> None:
    with pytest.raises(ConfigurationError, match="TEXTRACT_FEATURES"):
        textract_features(value)


def test_given_features_when_an_image_is_read_then_analyze_document_gives_its_form() -> None:
    client = textract()
    with Stubber(client) as stub:
        stub.add_response(
            "analyze_document",
            analyze_document_response(intake_form()),
            {"Document": DOCUMENT, "FeatureTypes": ALL},
        )
        log = ResponseLog()
        detection = TextractDetector(client, ALL).detect(SCAN, "image/png", log)

    page = detection.pages[0]
    fields = {f.key.text: f.value.text for f in page.fields}
    assert fields["Allergies:"] == "Sulfamethoxazole"
    assert fields["Tobacco use:"] == "never"
    assert [(f.key.text, f.selection) for f in page.fields if f.selection] == [
        ("Diabetes", SelectionStatus.SELECTED),
        ("Hypertension", SelectionStatus.NOT_SELECTED),
    ]
    letterhead = page.layout[0]
    assert letterhead.kind.value == "HEADER"
    assert [page.lines[i].text for i in letterhead.lines][:2] == [
        "Riverside Family Clinic",
        "400 Harbor Road, Springfield",
    ]
    assert log.responses[0][0] == "AnalyzeDocument"


def test_given_a_genuine_analysis_response_then_the_detector_keeps_its_checkboxes() -> None:
    client = textract()
    with Stubber(client) as stub:
        stub.add_response("analyze_document", recorded("energy_assistance_form"))
        detection = TextractDetector(client, ALL).detect(SCAN, "image/png", ResponseLog())

    page = detection.pages[0]
    assert (len(page.fields), len(page.tables), len(page.selections)) == (61, 2, 53)


def test_given_no_features_when_an_image_is_read_then_detect_document_text_is_called() -> None:
    client = textract()
    with Stubber(client) as stub:
        stub.add_response(
            "detect_document_text", recorded("textractor_test_page1"), {"Document": DOCUMENT}
        )
        log = ResponseLog()
        detection = TextractDetector(client, []).detect(SCAN, "image/png", log)

    assert detection.pages[0].lines
    assert detection.pages[0].fields == []
    assert log.responses[0][0] == "DetectDocumentText"


def test_given_features_when_a_pdf_is_read_then_the_analysis_job_is_gathered_page_by_page() -> (
    None
):
    client = textract()
    results = document_analysis_pages(*lab_report(), per_response=60)
    assert len(results) >= 3  # several NextToken pages
    detector = TextractAsyncDetector(client, ALL)
    with Stubber(client) as stub:
        stub.add_response(
            "start_document_analysis",
            {"JobId": "job-9"},
            {
                "DocumentLocation": {
                    "S3Object": {"Bucket": UPLOADS, "Name": "labs.pdf", "Version": "v-1"}
                },
                "ClientRequestToken": "tok-9",
                "FeatureTypes": ALL,
            },
        )
        stub.add_response(
            "get_document_analysis",
            {"JobStatus": "IN_PROGRESS"},
            {"JobId": "job-9", "MaxResults": 1000},
        )
        for index, result in enumerate(results):
            expected: dict[str, Any] = {"JobId": "job-9", "MaxResults": 1000}
            if index:
                expected["NextToken"] = f"analysis-token-{index}"
            stub.add_response("get_document_analysis", result, expected)
        log = ResponseLog()
        assert detector.start(ObjectRef(UPLOADS, "labs.pdf", "v-1"), "tok-9", log) == "job-9"
        assert collect_all(detector, "job-9", log) is None
        detection = collect_all(detector, "job-9", log)
        stub.assert_no_pending_responses()

    assert detection is not None
    rows = [
        [c.text for c in table.row(r)]
        for page in detection.pages
        for table in page.tables
        for r in range(2, table.rows + 1)
    ]
    assert rows == LAB_ROWS
    assert [c.text for c in detection.pages[1].tables[0].row(1)] == LAB_HEADER
    assert [api for api, _ in log.responses] == ["StartDocumentAnalysis"] + [
        "GetDocumentAnalysis"
    ] * len(results)
