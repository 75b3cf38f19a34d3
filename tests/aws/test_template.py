"""template.yaml and the workflow definition hold together: linters pass, every
placeholder is substituted, every function's code and sample event exist."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from meddoc.aws.deploy_site import REQUIRED
from meddoc.aws.events import failure_request, job_from_event
from meddoc.local.server import SECURITY_HEADERS
from tests.aws.cloud import template

ROOT = Path(__file__).resolve().parents[2]
ASL = ROOT / "statemachine" / "pipeline.asl.json"
KEY_USE = {"If": ["UseKms", {"Ref": "KeyUsePolicy"}, {"Ref": "AWS::NoValue"}]}
API_FUNCTIONS = ("ApiFunction", "ApiKeyAuthorizerFunction")


def functions() -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template()["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def tasks(states: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found = {}
    for name, state in states.items():
        if state["Type"] == "Task":
            found[name] = state
        for branch in state.get("Branches", []):
            found.update(tasks(branch["States"]))
    return found


def test_cfn_lint_passes() -> None:
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "cfn-lint"), str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sam_validate_lint_passes() -> None:
    sam = ROOT / ".venv-sam" / "bin" / "sam"
    executable = str(sam) if sam.exists() else shutil.which("sam")
    assert executable, "AWS SAM CLI is missing: `make test` installs it into .venv-sam"
    result = subprocess.run(
        [executable, "validate", "--lint", "--template", str(ROOT / "template.yaml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            "SAM_CLI_TELEMETRY": "0",
            "PATH": "/usr/bin:/bin",
            "HOME": str(ROOT),
            "AWS_DEFAULT_REGION": "us-east-1",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_placeholder_in_the_workflow_is_substituted_and_every_substitution_used() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", ASL.read_text()))
    substitutions = template()["Resources"]["PipelineStateMachine"]["Properties"][
        "DefinitionSubstitutions"
    ]
    assert placeholders == set(substitutions)
    for value in substitutions.values():
        if "Ref" in value:  # the admission table the Release states give slots back to
            assert template()["Resources"][value["Ref"]]["Type"] == "AWS::DynamoDB::Table"
            continue
        assert value["GetAtt"].split(".")[0] in functions()


def test_every_function_has_its_handler_and_a_sample_event_that_parses() -> None:
    for name, props in functions().items():
        code = ROOT / props["CodeUri"] / "app.py"
        assert code.exists(), name
        assert "def handler(" in code.read_text(), name
        event = json.loads((ROOT / "events" / f"{Path(props['CodeUri']).name}.json").read_text())
        if name == "RecordFailureFunction":
            assert job_from_event(failure_request(event).job).source.bucket
        elif name in API_FUNCTIONS:
            # API Gateway HTTP API (payload 2.0) events: a request, or an authorizer's.
            assert event["version"] == "2.0"
            assert event["requestContext"]["http"]["method"] in ("GET", "POST", "DELETE")
            assert event["rawPath"].startswith("/api/")
        elif name == "ExportFunction":
            assert len(event["export_id"]) == 32  # invoked by the API (api/export_jobs.py)
        elif name == "StartWorkflowsFunction":
            # An SQS batch of the admission queue: an upload's event, a reprocess request.
            bodies = [json.loads(r["body"]) for r in event["Records"]]
            assert [job_from_event(b).source.key for b in bodies]
        elif name == "FailStuckFunction":
            assert event["detail-type"] == "Scheduled Event"
            schedule = props["Events"]["Every15Minutes"]
            assert schedule["Properties"]["Schedule"] == "rate(15 minutes)"
        else:
            assert job_from_event(event).source.key


def test_every_task_retries_throttling_with_jitter_and_catches_everything() -> None:
    definition = json.loads(ASL.read_text())
    for name, state in tasks(definition["States"]).items():
        if "lambda" not in state["Resource"]:
            continue  # the Release states (DynamoDB) have their own, tested with admission
        retried = {e for r in state["Retry"] for e in r["ErrorEquals"]}
        assert {"ServiceThrottled", "ServiceUnavailable", "Lambda.ServiceException"} <= retried
        assert all(r["JitterStrategy"] == "FULL" for r in state["Retry"]), name
        # A document deleted under the run ends it quietly, never as a failure to record.
        assert state["Catch"][0]["ErrorEquals"] == ["DocumentDeleted"], name
        if not name.startswith("Record"):
            assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name


@pytest.mark.parametrize("resource", ["UploadBucket", "ResultsBucket", "SiteBucket"])
def test_buckets_are_private_encrypted_and_tls_only(resource: str) -> None:
    props = template()["Resources"][resource]["Properties"]
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    policy = template()["Resources"][f"{resource}Policy"]["Properties"]["PolicyDocument"]
    assert any(
        s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Statement"]
        if s["Effect"] == "Deny"
    )


# --- the review API, sign-in and the site ----------------------------------------------


def resources() -> dict[str, Any]:
    found: dict[str, Any] = template()["Resources"]
    return found


SITE_ORIGIN = {
    "If": [
        "HasSiteDomain",
        {"Sub": "https://${SiteDomainName}"},
        {"Sub": "https://${SiteDistribution.DomainName}"},
    ]
}
SITE_URL = {
    "If": [
        "HasSiteDomain",
        {"Sub": "https://${SiteDomainName}/"},
        {"Sub": "https://${SiteDistribution.DomainName}/"},
    ]
}


def test_the_site_is_served_only_through_cloudfront_with_origin_access_control() -> None:
    policy = resources()["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allowed = [s for s in policy if s["Effect"] == "Allow"]
    assert len(allowed) == 1
    assert allowed[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allowed[0]["Action"] == "s3:GetObject"
    source = allowed[0]["Condition"]["StringEquals"]["AWS:SourceArn"]["Sub"]
    assert source.endswith(":distribution/${SiteDistribution}")
    config = resources()["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultRootObject"] == "index.html"
    (origin,) = config["Origins"]
    assert origin["OriginAccessControlId"] == {"GetAtt": "SiteOriginAccessControl.Id"}
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["ResponseHeadersPolicyId"] == {"Ref": "SiteHeadersPolicy"}
    access = resources()["SiteOriginAccessControl"]["Properties"]["OriginAccessControlConfig"]
    assert access["SigningBehavior"] == "always"


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_the_site_headers_are_the_local_servers_plus_the_aws_endpoints_and_hsts() -> None:
    config = resources()["SiteHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    security = config["SecurityHeadersConfig"]
    csp_text, variables = security["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Sub"]
    aws = directives(csp_text)
    local = directives(SECURITY_HEADERS["Content-Security-Policy"])
    assert set(aws) >= set(local)
    for name, values in local.items():
        assert set(aws[name]) >= set(values), name
        extra = set(aws[name]) - set(values)
        if name not in ("img-src", "connect-src"):
            assert not extra, name
    assert aws["default-src"] == ["'none'"]
    assert aws["script-src"] == ["'self'"]
    assert "https://${SignIn}.auth.${AWS::Region}.amazoncognito.com" in aws["connect-src"]
    assert "https://*.execute-api.${AWS::Region}.${AWS::URLSuffix}" in aws["connect-src"]
    assert "https://*.s3.${AWS::Region}.${AWS::URLSuffix}" in aws["img-src"]
    assert not any(v in ("*", "https:", "'unsafe-inline'") for vs in aws.values() for v in vs)
    assert "SignIn" in variables
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["FrameOptions"]["FrameOption"] == "DENY"
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "no-referrer"


def test_cors_and_sign_in_callbacks_name_only_the_sites_own_origin() -> None:
    api_cors = resources()["ReviewApi"]["Properties"]["CorsConfiguration"]
    assert api_cors["AllowOrigins"] == [SITE_ORIGIN]
    (upload_rule,) = resources()["UploadBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    assert upload_rule["AllowedOrigins"] == [SITE_ORIGIN]
    assert {"POST", "PUT", "GET"} <= set(upload_rule["AllowedMethods"])
    client = resources()["UserPoolClient"]["Properties"]
    assert client["CallbackURLs"] == client["LogoutURLs"] == [SITE_URL]
    assert client["GenerateSecret"] is False  # a browser app: PKCE, no secret
    assert client["AllowedOAuthFlows"] == ["code"]
    environment = resources()["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert environment["SITE_ORIGIN"] == SITE_ORIGIN
    outputs = template()["Outputs"]
    assert outputs["SiteUrl"]["Value"] == SITE_URL


def test_every_api_route_is_behind_cognito_or_the_api_key_authorizer() -> None:
    api = resources()["ReviewApi"]["Properties"]
    body = api["DefinitionBody"]
    schemes = body["components"]["securitySchemes"]
    jwt = schemes["CognitoAuthorizer"]["x-amazon-apigateway-authorizer"]
    assert jwt["type"] == "jwt"
    assert jwt["jwtConfiguration"]["audience"] == [{"Ref": "UserPoolClient"}]
    condition, key_scheme, absent = schemes["ApiKeyAuthorizer"]["If"]
    assert condition == "UseApiKey"
    assert absent == {"Ref": "AWS::NoValue"}
    lambda_authorizer = key_scheme["x-amazon-apigateway-authorizer"]
    assert lambda_authorizer["identitySource"] == "$request.header.x-api-key"
    assert lambda_authorizer["enableSimpleResponses"] is True
    events = resources()["ApiFunction"]["Properties"]["Events"]
    routes = {
        (e["Properties"]["Method"].lower(), e["Properties"]["Path"]) for e in events.values()
    }
    # No ANY route: a CORS preflight must reach API Gateway's CORS answer, not an authorizer.
    assert routes == {(m, "/api/{proxy+}") for m in ("get", "post", "delete")}
    for method, path in routes:
        security = body["paths"][path][method]["security"]["If"]
        assert security == [
            "UseApiKey",
            [{"ApiKeyAuthorizer": []}],
            [{"CognitoAuthorizer": []}],
        ]
    parameter = template()["Parameters"]["ApiAuth"]
    assert parameter["Default"] == "Cognito"
    assert set(parameter["AllowedValues"]) == {"Cognito", "ApiKey"}
    for name in ("ApiKeySecret", "ApiKeyAuthorizerFunction", "ApiKeyAuthorizerPermission"):
        assert resources()[name]["Condition"] == "UseApiKey"


def test_the_api_function_may_do_only_what_the_review_service_needs() -> None:
    counters, policy, key_use = resources()["ApiFunction"]["Properties"]["Policies"]
    assert counters == {"Ref": "StatusCountersPolicy"}  # its own items only (test_observability)
    assert key_use == KEY_USE
    actions = {
        action
        for statement in policy["Statement"]
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    assert actions == {
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "dynamodb:DeleteItem",
        "dynamodb:Query",
        "dynamodb:BatchGetItem",
        "dynamodb:BatchWriteItem",
        "s3:GetObject",
        "s3:GetObjectVersion",
        "s3:DeleteObject",
        "s3:ListBucket",
        "s3:PutObject",
        "s3:DeleteObjectVersion",
        "s3:ListBucketVersions",
        "lambda:InvokeFunction",
        "sqs:SendMessage",  # reprocessing joins the admission queue
    }
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert statement["Resource"] != "*"
    uploads = next(s for s in policy["Statement"] if s["Action"] == "s3:PutObject")
    assert uploads["Resource"] == {"Sub": "${UploadBucket.Arn}/uploads/*"}
    # Export jobs: only under exports/ of the results, and only the export function.
    jobs = next(s for s in policy["Statement"] if s["Sid"] == "ExportJobs")
    assert jobs["Resource"] == {"Sub": "${ResultsBucket.Arn}/exports/*"}
    invoke = next(s for s in policy["Statement"] if s["Action"] == "lambda:InvokeFunction")
    assert invoke["Resource"] == {"GetAtt": "ExportFunction.Arn"}


def test_export_files_expire_and_the_export_function_writes_only_exports() -> None:
    rules = resources()["ResultsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert {
        "Id": "ExportsExpire",
        "Status": "Enabled",
        "Prefix": "exports/",
        "ExpirationInDays": 1,
    } in rules
    policy, _ = resources()["ExportFunction"]["Properties"]["Policies"]
    writes = [s for s in policy["Statement"] if "s3:PutObject" in s["Action"]]
    assert [w["Resource"] for w in writes] == [{"Sub": "${ResultsBucket.Arn}/exports/*"}]
    assert not [s for s in policy["Statement"] if "dynamodb:PutItem" in s["Action"]]


def test_the_deploy_step_finds_every_output_it_reads() -> None:
    outputs = template()["Outputs"]
    assert set(REQUIRED) <= set(outputs)
    assert {"ApiAuth", "CognitoDomain", "UserPoolId", "ApiKeySecretArn"} <= set(outputs)
    assert outputs["ApiKeySecretArn"]["Condition"] == "UseApiKey"
