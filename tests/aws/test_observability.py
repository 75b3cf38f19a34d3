"""Alarms and the dashboard watch metrics the code really emits (names read from
meddoc.aws.instrumentation), an email gets them only when AlarmEmail is set, and a
service's throttling becomes its metric."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from meddoc.aws import dynamodb_counters
from meddoc.aws.clients import service_errors
from meddoc.aws.document_cost import document_cost
from meddoc.aws.metric_names import NAMESPACE, SERVICE, Metric
from meddoc.aws.settings import AwsSettings
from meddoc.errors import ServiceThrottled
from meddoc.pricing.estimate import Analyses, DocumentShape, WorkflowShape, estimate
from tests.aws.cloud import TEMPLATE, template

ROOT = Path(__file__).resolve().parents[2]
# Where metrics are emitted (metric_names.py only names them).
CODE = [
    *ROOT.glob("functions/*/app.py"),
    *(p for p in ROOT.glob("src/meddoc/aws/*.py") if p.name != "metric_names.py"),
]


def resources_of(kind: str) -> dict[str, dict[str, Any]]:
    return {n: r for n, r in template()["Resources"].items() if r["Type"] == kind}


def alarm_metrics(alarm: dict[str, Any]) -> list[dict[str, Any]]:
    props = alarm["Properties"]
    if "MetricName" in props:
        return [props]
    return [q["MetricStat"]["Metric"] for q in props["Metrics"] if "MetricStat" in q]


def emitted() -> set[str]:
    """Metric names the handlers and adapters emit: `Metric.X` members used in the code,
    and members built from an f-string prefix there (Metric(f"Upload_{action}"))."""
    source = "\n".join(path.read_text() for path in CODE)
    used = set(re.findall(r"\bMetric\.([A-Z0-9_]+)\b", source))
    prefixes = re.findall(r'\bMetric\(f"(\w+)\{', source)
    return {
        m.value for m in Metric if m.name in used or any(m.value.startswith(p) for p in prefixes)
    }


def every_function() -> set[str]:
    """Every function of the template but the API-key authorizer (it exists only with
    ApiAuth=ApiKey, and API Gateway reports its failures as 401s/500s)."""
    functions = resources_of("AWS::Serverless::Function")
    return set(functions) - {"ApiKeyAuthorizerFunction"}


def dashboard() -> dict[str, Any]:
    (resource,) = resources_of("AWS::CloudWatch::Dashboard").values()
    body = resource["Properties"]["DashboardBody"]["Sub"]
    loaded: dict[str, Any] = json.loads(re.sub(r"\$\{[^}]+\}", "x", body))
    return loaded


def test_every_metric_the_code_names_is_emitted_somewhere() -> None:
    assert emitted() == {m.value for m in Metric}


def test_the_template_emits_metrics_under_the_namespace_and_service_the_module_names() -> None:
    variables = template()["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == NAMESPACE
    assert variables["POWERTOOLS_SERVICE_NAME"] == SERVICE


def test_every_alarm_on_a_meddoc_metric_watches_one_the_code_emits(
    instrumentation: ModuleType,
) -> None:
    alarms = resources_of("AWS::CloudWatch::Alarm")
    own = [m for a in alarms.values() for m in alarm_metrics(a) if m["Namespace"] == NAMESPACE]
    assert {m["MetricName"] for m in own} == {
        Metric.DOCUMENTS_FAILED,
        Metric.DOCUMENTS_TIMED_OUT,
        *instrumentation.THROTTLED.values(),
    }
    assert {m["MetricName"] for m in own} <= emitted()
    for metric in own:
        assert metric["Dimensions"] == [{"Name": "service", "Value": SERVICE}]


def test_alarms_cover_the_queue_the_workflow_and_each_function() -> None:
    watched = {
        (m["Namespace"], m["MetricName"], json.dumps(m.get("Dimensions", []), sort_keys=True))
        for a in resources_of("AWS::CloudWatch::Alarm").values()
        for m in alarm_metrics(a)
    }
    names = {(namespace, name) for namespace, name, _ in watched}
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible") in names
    for name in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"):
        assert ("AWS/States", name) in names
    assert ("AWS/SQS", "ApproximateAgeOfOldestMessage") in names  # admission waits
    for function in every_function():
        dimension = json.dumps([{"Name": "FunctionName", "Value": {"Ref": function}}])
        assert ("AWS/Lambda", "Errors", dimension) in watched, function
        assert ("AWS/Lambda", "Throttles", dimension) in watched, function


def test_the_counters_policy_reaches_only_the_counter_items() -> None:
    (statement,) = template()["Resources"]["StatusCountersPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    leading = statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"]
    assert leading == [f"{dynamodb_counters.PARTITION}*"]
    assert set(statement["Action"]) == {"dynamodb:UpdateItem", "dynamodb:BatchGetItem"}


def test_an_email_topic_exists_only_when_alarm_email_is_set_and_is_encrypted() -> None:
    resources = template()["Resources"]
    topic = resources["AlarmTopic"]
    assert topic["Condition"] == "HasAlarmEmail"
    assert topic["Properties"]["KmsMasterKeyId"] == {"Ref": "AlarmTopicKey"}
    assert resources["AlarmTopicKey"]["Properties"]["EnableKeyRotation"] is True
    subscription = resources["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}
    assert template()["Conditions"]["HasAlarmEmail"] == {
        "Not": [{"Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    for name, alarm in resources_of("AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == {
            "If": ["HasAlarmEmail", [{"Ref": "AlarmTopic"}], {"Ref": "AWS::NoValue"}]
        }, name


def test_the_dashboard_shows_only_metrics_the_code_emits_and_every_promised_view() -> None:
    widgets = [w for w in dashboard()["widgets"] if w["type"] == "metric"]
    own = {
        metric[1]
        for w in widgets
        for metric in w["properties"]["metrics"]
        if isinstance(metric[0], str) and metric[0] == NAMESPACE
    }
    searched = [
        m[0]["expression"] for w in widgets for m in w["properties"]["metrics"] if "id" in m[0]
    ]
    assert own <= emitted()
    assert {Metric.DOCUMENTS_DONE, Metric.DOCUMENT_COST} <= own
    assert any(f'MetricName="{Metric.DOCUMENTS}"' in e for e in searched)
    titles = " ".join(w["properties"]["title"] for w in widgets).lower()
    for view in ("by status", "throughput", "latency per step", "cost per document"):
        assert view in titles


@pytest.fixture
def instrumentation(aws_environment: None) -> ModuleType:
    """Imported as a handler imports it: under the functions' environment (its logger,
    tracer and metrics are made at import)."""
    return importlib.import_module("meddoc.aws.instrumentation")


def flushed(instrumentation: ModuleType, capsys: pytest.CaptureFixture[str]) -> list[Any]:
    instrumentation.metrics.flush_metrics()
    lines = capsys.readouterr().out.splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def throttling(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "slow down"}}, "AnalyzeDocument")


def test_a_throttled_textract_call_counts_as_textract_throttled(
    instrumentation: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    instrumentation.metrics.clear_metrics()
    with pytest.raises(ServiceThrottled), service_errors("Amazon Textract"):
        raise throttling("ProvisionedThroughputExceededException")
    with pytest.raises(ServiceThrottled), service_errors("Amazon DynamoDB"):
        raise throttling("ThrottlingException")  # not an AI service: no metric

    (record,) = flushed(instrumentation, capsys)
    assert record[Metric.TEXTRACT_THROTTLED] == [1.0]
    names = {m["Name"] for d in record["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}
    assert names == {Metric.TEXTRACT_THROTTLED}


def test_documents_by_status_are_sent_with_their_status_dimension(
    instrumentation: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    instrumentation.count_documents({"DONE": 7, "QUEUED": 0})

    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    by_status = {r["status"]: r[Metric.DOCUMENTS] for r in records}
    assert by_status == {"DONE": [7.0], "QUEUED": [0.0]}
    for record in records:
        (directive,) = record["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        assert ["service", "status"] in [sorted(d) for d in directive["Dimensions"]]


def test_the_cost_metric_prices_a_document_as_the_pricing_estimate_does() -> None:
    settings = AwsSettings(results_bucket="r", table_name="t")
    shape = WorkflowShape.from_files(ROOT / "statemachine" / "pipeline.asl.json", TEMPLATE)
    for pages, multi_page in ((1, False), (12, True)):
        whole = estimate([DocumentShape(pages, multi_page)], shape, Analyses())
        services = whole.by_service()
        expected = sum(
            services.get(s, 0.0) for s in ("Textract", "Comprehend", "Comprehend Medical")
        )

        assert document_cost(pages, multi_page, settings) == pytest.approx(expected)
        assert expected > 0
