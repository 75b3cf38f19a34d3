"""The template's hardening, checked on what CloudFormation deploys (the SAM transform,
run offline by sam_transform.py): each function's role allows what its code calls and
no more; the backfill starts only the pipeline; a customer managed key reaches every
place PHI rests; CloudFront requires TLS 1.2 on a custom domain; sign-in needs MFA and
knows the two roles; every checkov skip says why."""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.aws.cloud import template

ROOT = Path(__file__).resolve().parents[2]
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"
RESULTS_STEP = {"s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "dynamodb:GetItem"}
READ_ORIGINALS = {"s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket"}
IDEMPOTENCY = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
}
# The status counters, moved with each status change (dynamodb_counters.py) and read.
COUNTERS = {"dynamodb:UpdateItem", "dynamodb:BatchGetItem"}
# What each function's code calls (handler, pipeline step, adapters), by AWS action.
EXPECTED = {
    "ValidateFunction": READ_ORIGINALS | COUNTERS | {"dynamodb:GetItem", "dynamodb:PutItem"},
    "DetectTextFunction": READ_ORIGINALS
    | RESULTS_STEP
    | COUNTERS
    | IDEMPOTENCY
    | {"textract:AnalyzeDocument"},
    "StartTextDetectionFunction": READ_ORIGINALS
    | RESULTS_STEP
    | COUNTERS
    | {"dynamodb:PutItem", "textract:StartDocumentAnalysis"},
    "GetTextDetectionFunction": RESULTS_STEP | {"s3:GetObject", "textract:GetDocumentAnalysis"},
    "AnalyzeLanguageFunction": RESULTS_STEP
    | IDEMPOTENCY
    | {"s3:GetObject", "comprehend:DetectDominantLanguage", "translate:TranslateText"},
    "AnalyzeTextFunction": RESULTS_STEP
    | IDEMPOTENCY
    | {
        "s3:GetObject",
        "comprehend:DetectKeyPhrases",
        "comprehend:DetectEntities",
        "comprehend:DetectPiiEntities",
        "comprehend:DetectSentiment",
    },
    "AnalyzeMedicalFunction": RESULTS_STEP
    | IDEMPOTENCY
    | {
        "s3:GetObject",
        "comprehendmedical:DetectEntitiesV2",
        "comprehendmedical:DetectPHI",
        "comprehendmedical:InferICD10CM",
        "comprehendmedical:InferRxNorm",
        "comprehendmedical:InferSNOMEDCT",
    },
    "StoreFunction": RESULTS_STEP
    | COUNTERS
    | {"s3:GetObject", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:BatchWriteItem"},
    "RecordFailureFunction": READ_ORIGINALS | RESULTS_STEP | COUNTERS | {"dynamodb:PutItem"},
    "FailStuckFunction": RESULTS_STEP
    | COUNTERS
    | {"dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"},
    "ApiKeyAuthorizerFunction": {"secretsmanager:GetSecretValue"},
}


@functools.cache
def deployed() -> dict[str, Any]:
    """The CloudFormation template the SAM transform makes of template.yaml."""
    assert SAM_PYTHON.exists(), "AWS SAM CLI is missing: `make test` installs it into .venv-sam"
    run = subprocess.run(
        [str(SAM_PYTHON), str(ROOT / "tests" / "aws" / "sam_transform.py"), "template.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        env={"AWS_DEFAULT_REGION": "us-east-1", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    loaded: dict[str, Any] = json.loads(run.stdout)
    return loaded


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def statements(policy: dict[str, Any]) -> list[dict[str, Any]]:
    return as_list(policy.get("Statement", []))


def role_statements(role: str) -> list[dict[str, Any]]:
    """Every statement of a role's inline policies and of this stack's managed policies
    it has (AWS's own, for logs and X-Ray, are named by ARN; the key's policy, behind
    the UseKms condition, holds only kms: actions on the key)."""
    resources = deployed()["Resources"]
    props = resources[role]["Properties"]
    found = [s for p in props.get("Policies", []) for s in statements(p["PolicyDocument"])]
    for arn in props.get("ManagedPolicyArns", []):
        if isinstance(arn, dict) and arn.get("Ref") in resources:
            found += statements(resources[arn["Ref"]]["Properties"]["PolicyDocument"])
    return found


def chosen(value: Any, parameters: dict[str, str]) -> Any:
    """A value with its Fn::If resolved as a stack with these parameters (the rest at
    their defaults) would have it."""
    if isinstance(value, dict) and "Fn::If" in value:
        condition, yes, no = value["Fn::If"]
        return chosen(yes if holds(condition, parameters) else no, parameters)
    return value


def holds(condition: str, parameters: dict[str, str]) -> bool:
    return bool(evaluate(deployed()["Conditions"][condition], parameters))


def evaluate(expression: Any, parameters: dict[str, str]) -> Any:
    if not isinstance(expression, dict):
        return expression
    ((function, arguments),) = expression.items()
    if function == "Ref":
        default = deployed()["Parameters"][arguments].get("Default")
        return str(parameters.get(arguments, default))
    if function == "Condition":
        return holds(arguments, parameters)
    values = [evaluate(argument, parameters) for argument in as_list(arguments)]
    results = {
        "Fn::Not": lambda: not values[0],
        "Fn::Equals": lambda: str(values[0]) == str(values[1]),
        "Fn::And": lambda: all(values),
        "Fn::Or": lambda: any(values),
    }
    return results[function]()


def actions(role: str, parameters: dict[str, str] | None = None) -> set[str]:
    return {
        a
        for s in role_statements(role)
        if s["Effect"] == "Allow"
        for a in as_list(chosen(s["Action"], parameters or {}))
        if not a.startswith("kms:")
    }


def test_the_transformed_template_passes_cfn_lint(tmp_path: Path) -> None:
    path = tmp_path / "deployed.json"
    path.write_text(json.dumps(deployed()))
    # W1020: the transform resolves the API's CORS origin with the parameters' defaults
    # (an empty SiteDomainName leaves a Sub without variables); a deploy passes the values.
    lint = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), str(path), "--ignore-checks", "W1020"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize("function", sorted(EXPECTED))
def test_each_function_may_call_exactly_what_its_code_calls(function: str) -> None:
    assert actions(f"{function}Role") == EXPECTED[function]
    for statement in role_statements(f"{function}Role"):
        wildcard = statement["Resource"] == "*"
        assert not wildcard or all(
            a.split(":")[0] in ("textract", "comprehend", "comprehendmedical", "translate")
            for a in as_list(chosen(statement["Action"], {}))
        ), statement  # only the AI services, whose APIs take no resource


def test_in_the_cheap_mode_the_text_steps_may_call_only_text_detection() -> None:
    cheap = {"TextractFeatures": "NONE"}
    textract = {
        function: {a for a in actions(f"{function}Role", cheap) if a.startswith("textract:")}
        for function in (
            "DetectTextFunction",
            "StartTextDetectionFunction",
            "GetTextDetectionFunction",
        )
    }

    assert textract == {
        "DetectTextFunction": {"textract:DetectDocumentText"},
        "StartTextDetectionFunction": {"textract:StartDocumentTextDetection"},
        "GetTextDetectionFunction": {"textract:GetDocumentTextDetection"},
    }
    assert (
        actions("DetectTextFunctionRole", {"TextractFeatures": "FORMS,TABLES"})
        == EXPECTED["DetectTextFunction"]
    )


def test_the_backfill_may_queue_documents_and_start_only_its_own_distributed_map() -> None:
    statements = role_statements("BackfillStateMachineRole")

    def granted(action: str) -> list[Any]:
        return [s["Resource"] for s in statements if action in as_list(s["Action"])]

    started, queued = granted("states:StartExecution"), granted("sqs:SendMessage")
    own = (
        "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}"
        ":stateMachine:${AWS::StackName}-backfill"
    )
    # The pipeline is started by the starter only, under the in-flight limit.
    assert started == [{"Fn::Sub": own}]
    assert queued == [{"Fn::GetAtt": ["AdmissionQueue", "Arn"]}]
    assert template()["Resources"]["BackfillStateMachine"]["Properties"]["Name"] == {
        "Sub": "${AWS::StackName}-backfill"
    }


def key_or(default: Any) -> dict[str, Any]:
    return {"If": ["UseKms", {"Ref": "KmsKeyArn"}, default]}


def test_a_customer_managed_key_reaches_every_place_phi_rests() -> None:
    resources = template()["Resources"]
    assert template()["Parameters"]["KmsKeyArn"]["Default"] == ""
    for bucket in ("UploadBucket", "ResultsBucket"):
        (rule,) = resources[bucket]["Properties"]["BucketEncryption"][
            "ServerSideEncryptionConfiguration"
        ]
        condition, with_key, without = rule["ServerSideEncryptionByDefault"]["If"]
        assert condition == "UseKms"
        assert with_key == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "KmsKeyArn"}}
        assert without == {"SSEAlgorithm": "AES256"}
    for table in ("DocumentsTable", "IdempotencyTable"):
        condition, with_key, _ = resources[table]["Properties"]["SSESpecification"]["If"]
        assert with_key["KMSMasterKeyId"] == {"Ref": "KmsKeyArn"}
    no_value = {"Ref": "AWS::NoValue"}
    assert resources["StartFailuresQueue"]["Properties"]["KmsMasterKeyId"] == key_or(no_value)
    for group in ("FunctionLogGroup", "PipelineLogGroup", "ApiAccessLogGroup"):
        assert resources[group]["Properties"]["KmsKeyId"] == key_or(no_value)
    assert resources["ApiKeySecret"]["Properties"]["KmsKeyId"] == key_or(no_value)
    assert template()["Globals"]["Function"]["KmsKeyArn"] == key_or(no_value)
    key_use = statements(resources["KeyUsePolicy"]["Properties"]["PolicyDocument"])
    assert {a for s in key_use for a in s["Action"]} >= {"kms:Decrypt", "kms:GenerateDataKey"}
    # Textract reads the originals with the caller's rights: the OCR steps hold the key.
    for function in ("DetectTextFunction", "StartTextDetectionFunction"):
        policies = resources[function]["Properties"]["Policies"]
        assert {"If": ["UseKms", {"Ref": "KeyUsePolicy"}, no_value]} in policies


def test_access_logs_and_data_events_are_there_when_asked_for() -> None:
    resources = template()["Resources"]
    for bucket in ("UploadBucket", "ResultsBucket"):
        condition, logging, _ = resources[bucket]["Properties"]["LoggingConfiguration"]["If"]
        assert condition == "LogAccess"
        assert logging["DestinationBucketName"] == {"Ref": "AuditLogBucket"}
    trail = resources["PhiDataEventsTrail"]
    assert trail["Condition"] == "TrailDataEvents"
    (selector,) = trail["Properties"]["EventSelectors"]
    (data,) = selector["DataResources"]
    assert data["Type"] == "AWS::S3::Object"
    assert data["Values"] == [
        {"Sub": "${UploadBucket.Arn}/"},
        {"Sub": "${ResultsBucket.Arn}/"},
    ]
    assert trail["Properties"]["EnableLogFileValidation"] is True
    for name in ("AccessLogging", "CloudTrailDataEvents"):
        assert template()["Parameters"][name]["Default"] == "false"


def test_a_custom_domain_gets_its_certificate_and_tls_1_2_at_least() -> None:
    config = template()["Resources"]["SiteDistribution"]["Properties"]["DistributionConfig"]
    condition, custom, default = config["ViewerCertificate"]["If"]
    assert condition == "HasSiteDomain"
    assert custom["MinimumProtocolVersion"] == "TLSv1.2_2021"
    assert custom["AcmCertificateArn"] == {"Ref": "SiteCertificateArn"}
    assert custom["SslSupportMethod"] == "sni-only"
    assert default == {"CloudFrontDefaultCertificate": True}


def test_sign_in_requires_mfa_by_default_and_knows_the_two_roles() -> None:
    parameter = template()["Parameters"]["MfaConfiguration"]
    assert parameter["Default"] == "ON"
    assert set(parameter["AllowedValues"]) == {"ON", "OPTIONAL", "OFF"}
    pool = template()["Resources"]["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == {"Ref": "MfaConfiguration"}
    groups = {
        r["Properties"]["GroupName"]
        for r in template()["Resources"].values()
        if r["Type"] == "AWS::Cognito::UserPoolGroup"
    }
    assert groups == {"meddoc-admins", "meddoc-reviewers"}


def test_every_checkov_skip_says_why_in_one_line() -> None:
    skips = [
        skip
        for resource in template()["Resources"].values()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert len(skips) > 10
    for skip in skips:
        assert skip["id"].startswith(("CKV_AWS_", "CKV2_AWS_"))
        assert 10 < len(skip["comment"]) <= 120
        assert "\n" not in skip["comment"]
