"""The cost estimate: a known batch priced by hand with the price table, and the
workflow's shape read from the real ASL and template."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from meddoc.aws.comprehend_medical import MedicalOptions
from meddoc.aws.settings import AwsSettings
from meddoc.pricing.estimate import (
    Analyses,
    Assumptions,
    DocumentShape,
    WorkflowShape,
    estimate,
    units,
)
from meddoc.pricing.table import PRICES
from meddoc.pricing.workflow import (
    Functions,
    Route,
    WorkflowError,
    execution_route,
    load_asl,
    loop_route,
    template_functions,
)
from tests.aws.cloud import TEMPLATE, template

ASL = Path(__file__).resolve().parents[2] / "statemachine" / "pipeline.asl.json"


@pytest.mark.parametrize(
    ("characters", "chunk", "minimum", "expected"),
    [
        (1_800, 5_000, 3, (1, 18)),
        (50, 5_000, 3, (1, 3)),  # Comprehend bills at least 3 units a request
        (50, 20_000, 1, (1, 1)),  # Comprehend Medical at least 1
        (12_000, 5_000, 3, (3, 120)),
        (0, 5_000, 3, (0, 0)),
    ],
)
def test_units_follow_the_chunks_and_the_minimum(
    characters: int, chunk: int, minimum: int, expected: tuple[int, int]
) -> None:
    assert units(characters, chunk, minimum) == expected


def test_a_known_batch_costs_what_the_price_table_says() -> None:
    shape = WorkflowShape(
        single_page=Route(
            (
                ("Validate", "ValidateFunction"),
                ("Route", ""),
                ("Detect", "DetectFunction"),
                ("Done", ""),
            )
        ),
        multi_page=Route(
            (
                ("Validate", "ValidateFunction"),
                ("Start", "StartFunction"),
                ("Wait", ""),
                ("Get", "GetFunction"),
                ("Done", ""),
            )
        ),
        poll=Route((("Wait", ""), ("Get", "GetFunction"))),
        functions=Functions({"ValidateFunction": 1024}, default_mb=512, architecture="arm64"),
    )
    assumptions = Assumptions(
        characters_per_page=1_000,
        translated_share=0.5,
        pages_per_poll=2,
        step_seconds={
            "ValidateFunction": 1.0,
            "DetectFunction": 2.0,
            "StartFunction": 1.0,
            "GetFunction": 1.0,
        },
    )
    batch = [DocumentShape(pages=1), DocumentShape(pages=3, multi_page=True)]

    words_only = Analyses(textract_features=())  # DetectDocumentText
    result = estimate(batch, shape, words_only, assumptions, PRICES)

    # By hand, with the table's prices (4,000 characters in all: 40 units per API):
    # Textract 4 pages x 0.0015; Comprehend 5 APIs x 40 units x 0.0001;
    # Comprehend Medical 40 x (0.01 + 0.0005 + 0.00025); Translate 2,000 x 0.000015;
    # Step Functions (4 + 5 + 2) x 0.000025; Lambda 6 requests x 0.0000002 and
    # (1.0 + 1.0) + (1.0 + 0.5 + 0.5 + 0.5) GB-s x 0.0000133334; X-Ray 2 x 0.000005;
    # S3 2 x (10 x 0.000005 + 12 x 0.0000004); DynamoDB 2 x (40 x 0.000000625 + 10 x
    # 0.000000125).
    expected = {
        "Textract": 0.006,
        "Comprehend": 0.02,
        "Translate": 0.03,
        "Comprehend Medical": 0.43,
        "Step Functions": 0.000275,
        "Lambda": 0.0000012 + 4.5 * 0.0000133334,
        "X-Ray": 0.00001,
        "S3": 0.0001096,
        "DynamoDB": 0.0000525,
    }
    assert result.by_service() == pytest.approx(expected, rel=1e-9)
    assert result.total == pytest.approx(0.4865083003, rel=1e-9)
    assert (result.documents, result.pages) == (2, 4)


def test_the_optional_analyses_add_their_apis_only_when_on() -> None:
    shape = WorkflowShape.from_files(ASL, TEMPLATE)
    off = Analyses(pii=False, icd10cm=False, rxnorm=False, snomedct=False, detect_phi=False)

    items_off = {line.item for line in estimate([DocumentShape()], shape, off).lines}
    items_on = {line.item for line in estimate([DocumentShape()], shape, Analyses.all_on()).lines}

    optional = {"DetectPiiEntities", "InferICD10CM", "InferRxNorm", "InferSNOMEDCT", "DetectPHI"}
    assert items_off & optional == set()
    assert optional <= items_on
    assert "DetectEntitiesV2" in items_off


def test_the_real_workflow_routes_an_image_and_a_pdf() -> None:
    asl = load_asl(ASL)
    image = {"action": "process", "content_type": "image/png", "page_count": 1}
    pdf = {"action": "process", "content_type": "application/pdf", "page_count": 4}

    single = execution_route(asl, image)
    multi = execution_route(asl, {**pdf, "text_status": "SUCCEEDED"})
    poll = loop_route(asl, {**pdf, "text_status": "IN_PROGRESS"})

    assert single.states == (
        "Validate",
        "Route",
        "DetectText",
        "AnalyzeLanguage",
        "Analyze",
        "AnalyzeText",
        "AnalyzeMedical",
        "Store",
        "ReleaseDone",
    )
    assert single.functions == (
        "ValidateFunction",
        "DetectTextFunction",
        "AnalyzeLanguageFunction",
        "AnalyzeTextFunction",
        "AnalyzeMedicalFunction",
        "StoreFunction",
    )
    assert multi.transitions == single.transitions + 3  # start, wait, poll, then on
    assert "StartTextDetectionFunction" in multi.functions
    assert poll.states == ("WaitForText", "GetTextDetection", "TextReady")
    assert execution_route(asl, {**image, "action": "skip"}).states[-1] == "AlreadyKnown"


def test_a_choice_the_reader_cannot_follow_is_an_error_not_a_guess() -> None:
    asl: dict[str, Any] = {
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.name", "StringMatches": "a*", "Next": "End"}],
                "Default": "End",
            },
            "End": {"Type": "Succeed"},
        },
    }
    looping: dict[str, Any] = {
        "StartAt": "Again",
        "States": {"Again": {"Type": "Pass", "Next": "Again"}},
    }

    with pytest.raises(WorkflowError, match="unsupported Choice rule"):
        execution_route(asl, {"name": "abc"})
    with pytest.raises(WorkflowError, match="loops"):
        execution_route(looping, {})


def test_choice_rules_and_parallel_branches_are_followed() -> None:
    asl: dict[str, Any] = {
        "StartAt": "Pick",
        "States": {
            "Pick": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$.job.pages", "NumericLessThan": 5},
                            {"Not": {"Variable": "$.job.urgent", "BooleanEquals": True}},
                            {"Variable": "$.job.kind", "IsPresent": True},
                        ],
                        "Next": "Both",
                    }
                ],
                "Default": "Done",
            },
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}},
                    {
                        "StartAt": "B1",
                        "States": {
                            "B1": {"Type": "Pass", "Next": "B2"},
                            "B2": {"Type": "Pass", "End": True},
                        },
                    },
                ],
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }

    taken = execution_route(asl, {"job": {"pages": 2, "urgent": False, "kind": "x"}})
    skipped = execution_route(asl, {"job": {"pages": 2, "urgent": True, "kind": "x"}})

    assert taken.states == ("Pick", "Both", "A", "B1", "B2", "Done")
    assert skipped.states == ("Pick", "Done")


def test_the_template_reader_agrees_with_a_yaml_parser() -> None:
    loaded = template()
    functions = template_functions(TEMPLATE.read_text())
    default = loaded["Globals"]["Function"]["MemorySize"]
    serverless = {
        name: resource.get("Properties", {}).get("MemorySize", default)
        for name, resource in loaded["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }

    assert {name: functions.memory(name) for name in serverless} == serverless
    assert functions.architecture == loaded["Globals"]["Function"]["Architectures"][0]


def test_the_default_analyses_are_the_templates_and_the_pipelines() -> None:
    parameters = template()["Parameters"]
    defaults = {name: p["Default"] for name, p in parameters.items() if name.endswith("Enabled")}
    settings = AwsSettings.from_environ({"RESULTS_BUCKET": "r", "TABLE_NAME": "t"})

    assert Analyses.from_parameters({}) == Analyses.from_parameters(defaults) == Analyses()
    assert (Analyses().icd10cm, Analyses().rxnorm, Analyses().snomedct) == (
        settings.medical.icd10cm,
        settings.medical.rxnorm,
        settings.medical.snomedct,
    )
    assert Analyses().detect_phi == MedicalOptions().detect_phi
    assert Analyses().pii == settings.pii
    assert Analyses.from_parameters(
        {"SnomedCtEnabled": "true", "PiiEnabled": "false"}
    ) == Analyses(pii=False, snomedct=True)


def test_the_pricing_command_prints_the_breakdown(capsys: pytest.CaptureFixture[str]) -> None:
    from meddoc.pricing.__main__ import main

    assert main(["--documents", "2", "--pages", "3", "--all-analyses"]) == 0

    printed = capsys.readouterr().out
    assert printed.startswith("estimated cost on AWS: $")
    assert "for 2 documents, 6 pages" in printed
    assert "StartDocumentAnalysis (FORMS+TABLES+LAYOUT)" in printed
    assert "Textract features: FORMS+TABLES+LAYOUT" in printed
    assert "InferSNOMEDCT" in printed


@pytest.mark.parametrize(
    ("features", "multi_page", "item", "per_page"),
    [
        (("FORMS", "TABLES", "LAYOUT"), False, "AnalyzeDocument (FORMS+TABLES+LAYOUT)", 0.069),
        (("FORMS", "TABLES"), True, "StartDocumentAnalysis (FORMS+TABLES)", 0.065),
        ((), False, "DetectDocumentText", 0.0015),
        ((), True, "StartDocumentTextDetection", 0.0015),
    ],
)
def test_textract_is_priced_per_page_and_feature(
    features: tuple[str, ...], multi_page: bool, item: str, per_page: float
) -> None:
    shape = WorkflowShape.from_files(ASL, TEMPLATE)
    document = DocumentShape(pages=3, multi_page=multi_page)

    result = estimate([document], shape, Analyses(textract_features=features))

    (textract,) = [line for line in result.lines if line.service == "Textract"]
    assert (textract.item, textract.quantity, textract.unit) == (item, 3, "page")
    assert textract.unit_price == pytest.approx(per_page, rel=1e-12)
    assert result.by_service()["Textract"] == pytest.approx(3 * per_page, rel=1e-12)


def test_the_feature_prices_are_the_tables_per_feature_figures() -> None:
    assert (PRICES.textract_forms_page, PRICES.textract_tables_page) == (0.05, 0.015)
    assert PRICES.textract_layout_page == 0.004
    assert PRICES.textract_analysis_page(("TABLES",)) == 0.015
    assert PRICES.textract_analysis_page(()) == PRICES.textract_page == 0.0015


def test_the_default_textract_features_are_the_templates_and_the_functions() -> None:
    parameter = template()["Parameters"]["TextractFeatures"]
    settings = AwsSettings.from_environ({"RESULTS_BUCKET": "r", "TABLE_NAME": "t"})

    assert Analyses().textract_features == settings.textract_features
    assert ",".join(Analyses().textract_features) == parameter["Default"]
    assert Analyses.from_parameters({}).textract_features == ("FORMS", "TABLES", "LAYOUT")
    assert Analyses.from_parameters({"TextractFeatures": "NONE"}).textract_features == ()
    for value in parameter["AllowedValues"]:  # every deployable value can be priced
        Analyses.from_parameters({"TextractFeatures": value})


def test_the_pricing_command_prices_the_cheap_mode(capsys: pytest.CaptureFixture[str]) -> None:
    from meddoc.pricing.__main__ import main

    assert main(["--documents", "1", "--textract-features", "NONE"]) == 0

    printed = capsys.readouterr().out
    assert "DetectDocumentText" in printed
    assert "AnalyzeDocument" not in printed
    assert "Textract features: NONE" in printed
