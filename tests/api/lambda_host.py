"""The API Lambda as a test host: inside moto (buckets and table made from template.yaml,
the pipeline's state machine from the real ASL), each request becomes the API Gateway
HTTP API (payload 2.0) event that functions/api/app.py's handler receives.

API Gateway's own part is played here, as the template configures it:
- routes: GET, POST and DELETE on /api/{proxy+}; anything else is API Gateway's 404;
- the JWT authorizer: each test token stands for a valid Cognito ID token (its claims
  go into requestContext.authorizer.jwt, array claims as API Gateway writes them,
  "[a b]"): an admin's, a reviewer's, and one of a user in no group; no or another
  token is API Gateway's 401, {"message":"Unauthorized"}, and the Lambda is never called;
- CORS: preflights are answered by the gateway, and the configured headers are put on
  responses to the site's origin.
"""

from __future__ import annotations

import base64
import importlib.util
import json as jsonlib
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from meddoc.aws import api_wiring, clients
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.aws.s3_blobs import S3BlobStore
from meddoc.local.server import to_event
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.runner import Pipeline
from tests.api.hosts import TOKEN, Response, fake_pipeline, outgoing
from tests.api.seed import ScriptedTextDetector, Seeded, SeedMedicalAnalyzer, seed
from tests.aws import cloud
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS, create_stack_resources
from tests.fakes import FakeLanguageAnalyzer, FakeLanguageDetector
from tests.workflow import shim
from tests.workflow.shim import ACCOUNT, LambdaContext

ROOT = Path(__file__).resolve().parents[2]
SITE_ORIGIN = "https://d111111abcdef8.cloudfront.net"
ADMIN = "admin@example.org"
REVIEWER = "reviewer@example.org"
REVIEWER_TOKEN = "test-reviewer-token-41c2"
NO_GROUP_TOKEN = "test-no-group-token-9d0e"


def claims(email: str, subject: str, groups: str | None) -> dict[str, str]:
    """A Cognito ID token's claims as the JWT authorizer passes them on."""
    given = {"sub": subject, "email": email, "cognito:username": subject, "token_use": "id"}
    return given | ({"cognito:groups": groups} if groups is not None else {})


CLAIMS = {
    TOKEN: claims(ADMIN, "0f6e2a52-1d2b-4c9e-9a0e-5b8d2f1c7e11", "[meddoc-admins]"),
    REVIEWER_TOKEN: claims(
        REVIEWER, "5b1d7c0e-9a3f-4e2b-8c6d-1f0a2b3c4d5e", "[meddoc-reviewers other-app]"
    ),
    NO_GROUP_TOKEN: claims("nobody@example.org", "7a8b9c0d-1e2f-4a5b-9c6d-7e8f9a0b1c2d", None),
}
ROUTED_METHODS = ("GET", "POST", "DELETE")
EXPORT_FUNCTION = "meddoc-export"
CORS_HEADERS = {
    "access-control-allow-origin": SITE_ORIGIN,
    "access-control-expose-headers": "content-disposition",
}
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
# template.yaml parsed once per test process, not once per look-up (it is large).
template = cache(cloud.template)


def api_environment(state_machine_arn: str) -> dict[str, str]:
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_DEV": "false",
        **cloud.lambda_environment(),
        "UPLOAD_BUCKET": UPLOADS,
        "STATE_MACHINE_ARN": state_machine_arn,
        "SITE_ORIGIN": SITE_ORIGIN,
        "EXPORT_FUNCTION": EXPORT_FUNCTION,
    }


def load_handler(folder: str) -> Handler:
    """A function's app.py imported afresh, as a cold start does."""
    name = f"lambda_host_{folder}"
    spec = importlib.util.spec_from_file_location(name, ROOT / "functions" / folder / "app.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    handler: Handler = module.handler
    return handler


def aws_pipeline() -> Pipeline:
    """The pipeline over the AWS stores (S3, DynamoDB), with the engines faked."""
    blobs = S3BlobStore(boto3.client("s3", region_name=REGION))
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    pipeline = Pipeline(
        blobs=blobs,
        store=store,
        artifacts=Artifacts(blobs, ResultsLayout(RESULTS)),
        detector=ScriptedTextDetector(),
        language_detector=FakeLanguageDetector(),
        translator=None,
        language_analyzer=FakeLanguageAnalyzer(),
        medical_analyzer=SeedMedicalAnalyzer(),
    )
    return fake_pipeline(pipeline)


def create_state_machine() -> str:
    stepfunctions = boto3.client("stepfunctions", region_name=REGION)
    created = stepfunctions.create_state_machine(
        name="meddoc-pipeline",
        definition=shim.definition(),
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/meddoc-pipeline",
    )
    arn: str = created["stateMachineArn"]
    return arn


class LambdaHost:
    kind = "lambda"
    reviewer_token = REVIEWER_TOKEN

    def __init__(
        self, handler: Handler, seeded: Seeded, state_machine_arn: str, pipeline: Pipeline
    ) -> None:
        self.handler = handler
        self.seeded = seeded
        self.state_machine_arn = state_machine_arn
        self.invocations = 0
        self.pipeline = pipeline
        self.uploads = UPLOADS

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = TOKEN,
        json: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent, body = outgoing(token, json, body, headers)
        method = method.upper()
        if method == "OPTIONS":
            return self._preflight(sent)
        route_path = path.split("?", 1)[0]
        if method not in ROUTED_METHODS or not route_path.startswith("/api/"):
            return _gateway_answer(404, "Not Found")
        if token not in CLAIMS:
            return _gateway_answer(401, "Unauthorized")
        event = to_event(method, path, sent, body or b"", "198.51.100.7")
        event["routeKey"] = event["requestContext"]["routeKey"] = f"{method} /api/{{proxy+}}"
        jwt = {"claims": CLAIMS[token], "scopes": None}
        event["requestContext"]["authorizer"] = {"jwt": jwt}
        self.invocations += 1
        reply = self.handler(event, LambdaContext(f"arn:aws:lambda:{REGION}:{ACCOUNT}:api"))
        return _response(reply, sent.get("origin"))

    def reprocess_requests(self) -> list[dict[str, Any]]:
        """The inputs of the pipeline executions the API started."""
        stepfunctions = boto3.client("stepfunctions", region_name=REGION)
        executions = stepfunctions.list_executions(stateMachineArn=self.state_machine_arn)
        return [
            jsonlib.loads(
                stepfunctions.describe_execution(executionArn=e["executionArn"])["input"]
            )
            for e in executions["executions"]
        ]

    def _preflight(self, sent: dict[str, str]) -> Response:
        headers = {"content-length": "0"}
        if sent.get("origin") == SITE_ORIGIN and sent.get("access-control-request-method"):
            headers |= {
                "access-control-allow-origin": SITE_ORIGIN,
                "access-control-allow-methods": "DELETE,GET,OPTIONS,POST",
                "access-control-allow-headers": "authorization,content-type,x-api-key",
                "access-control-max-age": "600",
            }
        return Response(204, headers, b"")


def _gateway_answer(status: int, message: str) -> Response:
    body = jsonlib.dumps({"message": message}).encode()
    headers = {"content-type": "application/json"}
    if status == 401:
        headers["www-authenticate"] = "Bearer"
    return Response(status, headers, body)


def _response(reply: dict[str, Any], origin: str | None) -> Response:
    headers = {str(k).lower(): str(v) for k, v in (reply.get("headers") or {}).items()}
    for name, values in (reply.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = ", ".join(values)
    # With CORS configured, API Gateway replaces the integration's CORS headers.
    headers = {k: v for k, v in headers.items() if not k.startswith("access-control-")}
    if origin == SITE_ORIGIN:
        headers |= CORS_HEADERS
    payload = reply.get("body") or ""
    data = base64.b64decode(payload) if reply.get("isBase64Encoded") else payload.encode()
    return Response(int(reply["statusCode"]), headers, data)


class InProcessInvoke:
    """Lambda's asynchronous invoke of the export function, run here at once: the
    function's own handler, as a cold start imports it (moto would need Docker)."""

    invoked: list[str] = []

    def __init__(self, function_name: str, lambda_client: Any) -> None:
        assert function_name == EXPORT_FUNCTION

    def start(self, export_id: str) -> None:
        InProcessInvoke.invoked.append(export_id)
        context = LambdaContext(f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{EXPORT_FUNCTION}")
        load_handler("export")({"export_id": export_id}, context)


def _clear_caches() -> None:
    clients.client.cache_clear()
    clients.resource.cache_clear()
    api_wiring.api_app.cache_clear()


@contextmanager
def lambda_host(data_dir: Path | None = None) -> Iterator[LambdaHost]:
    """`data_dir` is unused (everything lives in moto); it matches local_host's shape."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        patch.setattr(cloud, "template", template)
        patch.setattr(shim, "template", template)
        for key, value in api_environment("").items():
            patch.setenv(key, value)
        patch.setattr(api_wiring, "LambdaExportRunner", InProcessInvoke)
        create_stack_resources()
        boto3.client("s3", region_name=REGION).put_bucket_versioning(
            Bucket=UPLOADS, VersioningConfiguration={"Status": "Enabled"}
        )
        state_machine_arn = create_state_machine()
        patch.setenv("STATE_MACHINE_ARN", state_machine_arn)
        _clear_caches()
        try:
            pipeline = aws_pipeline()
            seeded = seed(pipeline, UPLOADS)
            yield LambdaHost(load_handler("api"), seeded, state_machine_arn, pipeline)
        finally:
            _clear_caches()
