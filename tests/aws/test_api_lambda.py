"""The API Lambda's handler refuses what reached it unchecked (defense in depth behind
API Gateway's authorizer); the API-key authorizer lets the right key in, keeps every
other one out, and never writes a key to its logs."""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from boto3.dynamodb.conditions import Key

from meddoc.aws import api_key, api_wiring, clients
from meddoc.aws.api_key import ApiKeyVerifier
from meddoc.aws.events import job_from_event
from tests.api.lambda_host import (
    ADMIN,
    SITE_ORIGIN,
    create_state_machine,
    lambda_host,
    load_handler,
)
from tests.aws.cloud import REGION, RESULTS, TABLE, UPLOADS
from tests.workflow.shim import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
KEY = "k3y-Of-the-Stack-7Hs9Qw2ZmT4xV8bN1cR5yL0pJ6dF3gA"


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return loaded


def lambda_context() -> LambdaContext:
    return LambdaContext(f"arn:aws:lambda:{REGION}:123456789012:function:test")


@pytest.fixture
def api(cloud: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("UPLOAD_BUCKET", UPLOADS)
    monkeypatch.setenv("STATE_MACHINE_ARN", create_state_machine())
    monkeypatch.setenv("SITE_ORIGIN", "https://d111111abcdef8.cloudfront.net")
    clients.client.cache_clear()
    clients.resource.cache_clear()
    api_wiring.api_app.cache_clear()
    yield load_handler("api")
    api_wiring.api_app.cache_clear()


def answer(reply: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body: dict[str, Any] = json.loads(reply["body"])
    return int(reply["statusCode"]), body


def test_the_sample_event_with_verified_claims_is_answered(api: Any) -> None:
    status, body = answer(api(sample("api"), lambda_context()))
    assert status == 200
    assert body == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    "authorizer",
    [None, {}, {"jwt": {"claims": {}, "scopes": None}}, {"lambda": {"actor": ""}}],
    ids=["none", "empty", "no-claims", "no-actor"],
)
def test_a_request_that_reached_the_handler_without_a_verified_identity_is_refused(
    api: Any, authorizer: dict[str, Any] | None
) -> None:
    event = copy.deepcopy(sample("api"))
    if authorizer is None:
        del event["requestContext"]["authorizer"]
    else:
        event["requestContext"]["authorizer"] = authorizer
    status, body = answer(api(event, lambda_context()))
    assert status == 401
    assert body["error"]["code"] == "NotAuthenticated"


@pytest.mark.parametrize(
    ("context", "status", "roles"),
    [
        ({"actor": "records-office", "role": "reviewer"}, 200, ["reviewer"]),
        ({"actor": "ops", "role": "admin"}, 200, ["admin"]),
        ({"actor": "api-key"}, 403, None),  # an authorizer that names no role
        ({"actor": "ops", "role": "superuser"}, 403, None),
    ],
    ids=["reviewer", "admin", "no-role", "unknown-role"],
)
def test_the_api_key_authorizers_context_names_the_actor_and_its_role(
    api: Any, context: dict[str, str], status: int, roles: list[str] | None
) -> None:
    event = copy.deepcopy(sample("api"))
    event["requestContext"]["authorizer"] = {"lambda": context}
    answered, body = answer(api(event, lambda_context()))
    assert answered == status
    if roles is None:
        assert body["error"]["code"] == "NotAllowed"
        return
    me = copy.deepcopy(event)
    me["rawPath"] = me["requestContext"]["http"]["path"] = "/api/me"
    me["rawQueryString"], me["queryStringParameters"] = "", None
    answered, body = answer(api(me, lambda_context()))
    assert (answered, body["name"], body["roles"]) == (200, context["actor"], roles)


# --- the API-key authorizer ------------------------------------------------------------


@pytest.fixture
def authorizer(cloud: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets.create_secret(Name="meddoc-api-key", SecretString=KEY)["ARN"]
    monkeypatch.setenv("API_KEY_SECRET_ARN", arn)
    clients.client.cache_clear()
    api_key.api_key_verifier.cache_clear()
    yield load_handler("api_key_authorizer")
    api_key.api_key_verifier.cache_clear()


class Kept(logging.Handler):
    """Every record the handler's logger emits, with all its fields."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[dict[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(dict(record.__dict__, message=record.getMessage()))

    def text(self) -> str:
        return repr(self.records)


@pytest.fixture
def logged() -> Iterator[Kept]:
    kept = Kept()
    logger = logging.getLogger("meddoc")  # POWERTOOLS_SERVICE_NAME
    logger.addHandler(kept)
    yield kept
    logger.removeHandler(kept)


def with_key(key: str | None) -> dict[str, Any]:
    event = copy.deepcopy(sample("api_key_authorizer"))
    if key is None:
        del event["headers"]["x-api-key"]
        event["identitySource"] = []
    else:
        event["headers"]["x-api-key"] = key
        event["identitySource"] = [key]
    return event


def test_a_bare_key_secret_is_one_admin_key_named_api_key(
    authorizer: Any, logged: Kept, capsys: pytest.CaptureFixture[str]
) -> None:
    assert authorizer(with_key(KEY), lambda_context()) == {
        "isAuthorized": True,
        "context": {"actor": "api-key", "role": "admin"},
    }
    assert [r["allowed"] for r in logged.records if "allowed" in r] == [True]
    assert KEY not in logged.text()
    assert KEY not in "".join(capsys.readouterr())


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        KEY[:-1],
        KEY + "A",
        KEY[:-1] + "B",
        KEY.upper(),
        " " + KEY,
        "k",
        "clé-" + KEY[4:],
        "\ud800" + KEY,
    ],
    ids=[
        "missing",
        "empty",
        "prefix",
        "longer",
        "last-char",
        "case",
        "space",
        "one-char",
        "non-ascii",
        "lone-surrogate",
    ],
)
def test_any_other_key_is_kept_out_and_no_key_is_logged(
    authorizer: Any, logged: Kept, capsys: pytest.CaptureFixture[str], key: str | None
) -> None:
    assert authorizer(with_key(key), lambda_context()) == {"isAuthorized": False, "context": {}}
    assert [r["allowed"] for r in logged.records if "allowed" in r] == [False]
    printed = "".join(capsys.readouterr())
    for text in (logged.text(), printed):
        assert KEY not in text
        if key and len(key) > 3:
            assert key not in text


def test_the_sample_authorizer_event_is_refused(authorizer: Any) -> None:
    assert authorizer(sample("api_key_authorizer"), lambda_context())["isAuthorized"] is False


OFFICE_KEY = "office-Qm4x7Vb2Nc9Lz3Hd8Ks1Tw6"
OPS_KEY = "ops-Jr5Gy0Pf7Ua2Xe9Bn4Wc8Sm3"
NAMED = json.dumps(
    {
        "keys": [
            {"name": "records-office", "role": "reviewer", "key": OFFICE_KEY},
            {"name": "ops", "role": "admin", "key": OPS_KEY},
        ]
    }
)


@pytest.fixture
def named_keys(cloud: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    arn = secrets.create_secret(Name="meddoc-api-keys", SecretString=NAMED)["ARN"]
    monkeypatch.setenv("API_KEY_SECRET_ARN", arn)
    clients.client.cache_clear()
    api_key.api_key_verifier.cache_clear()
    yield load_handler("api_key_authorizer")
    api_key.api_key_verifier.cache_clear()


@pytest.mark.parametrize(
    ("key", "context"),
    [
        (OFFICE_KEY, {"actor": "records-office", "role": "reviewer"}),
        (OPS_KEY, {"actor": "ops", "role": "admin"}),
    ],
)
def test_named_keys_each_let_in_their_own_name_and_role(
    named_keys: Any, logged: Kept, key: str, context: dict[str, str]
) -> None:
    assert named_keys(with_key(key), lambda_context()) == {
        "isAuthorized": True,
        "context": context,
    }
    assert named_keys(with_key(key[:-1]), lambda_context())["isAuthorized"] is False
    assert key not in logged.text()


@pytest.mark.parametrize(
    "secret",
    [
        '{"keys": [{"name": "ops", "role": "admin", "key": "' + OPS_KEY + '"',  # cut short
        '{"keys": [{"name": "ops", "role": "owner", "key": "' + OPS_KEY + '"}]}',
        '{"keys": [{"name": "ops", "role": "admin", "key": "short-' + OPS_KEY[:5] + '"}]}',
        '{"keys": [{"name": "a b", "role": "admin", "key": "' + OPS_KEY + '"}]}',
        json.dumps({"keys": [{"name": "ops", "role": "admin", "key": OPS_KEY}] * 2}),
        json.dumps({"key": OPS_KEY}),
    ],
    ids=["not-json", "unknown-role", "short-key", "bad-name", "twice", "no-keys"],
)
def test_a_secret_meddoc_cannot_read_lets_nobody_in_and_says_so_without_quoting_it(
    logged: Kept, secret: str
) -> None:
    verifier = ApiKeyVerifier("arn", Secrets(secret))
    assert verifier.identify(OPS_KEY) is None
    assert verifier.identify(secret) is None  # JSON is never taken for a bare key
    errors = [r for r in logged.records if r["levelno"] >= logging.ERROR]
    assert len(errors) == 1
    assert "API key secret" in errors[0]["message"]
    assert OPS_KEY[:8] not in logged.text()


class Secrets:
    """Secrets Manager holding one key that can be rotated; counts the look-ups."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls = 0

    def get_secret_value(self, SecretId: str) -> dict[str, str]:  # noqa: N803 (boto3's name)
        self.calls += 1
        return {"SecretString": self.value}


def test_the_secret_is_cached_for_minutes_so_a_rotated_key_takes_over_within_them() -> None:
    secrets = Secrets("old-key")
    now = [1000.0]
    verifier = ApiKeyVerifier("arn", secrets, cache_seconds=300, clock=lambda: now[0])
    assert verifier.allows("old-key")
    secrets.value = "new-key"
    now[0] += 299
    assert verifier.allows("old-key")
    assert not verifier.allows("new-key")
    assert secrets.calls == 1
    now[0] += 2
    assert verifier.allows("new-key")
    assert not verifier.allows("old-key")
    assert secrets.calls == 2


def test_an_empty_secret_lets_nobody_in() -> None:
    verifier = ApiKeyVerifier("arn", Secrets("   "))
    assert not verifier.allows("")
    assert not verifier.allows("   ")
    assert not verifier.allows("anything")


# --- end to end through the API Lambda host ---------------------------------------------


def test_reprocess_and_delete_through_the_api_reach_step_functions_s3_and_dynamodb(
    tmp_path: Path,
) -> None:
    with lambda_host(tmp_path) as host:
        failed, note = host.seeded.failed_id, host.seeded.note_id
        assert host.request("POST", f"/api/documents/{failed}/reprocess").status == 200
        (request,) = host.reprocess_requests()
        job = job_from_event(request)
        assert (job.source.key, job.resume) == ("scans/broken.png", True)

        s3 = boto3.client("s3", region_name=REGION)
        original = "notes/visit note.png"
        # Another document's bytes under the same key: they are not this document's.
        s3.put_object(Bucket=UPLOADS, Key=original, Body=b"another document")
        reply = host.request("DELETE", f"/api/documents/{note}")
        assert reply.status == 200
        versions = s3.list_object_versions(Bucket=UPLOADS, Prefix=original)["Versions"]
        assert len(versions) == 1
        kept = s3.get_object(Bucket=UPLOADS, Key=original, VersionId=versions[0]["VersionId"])
        assert kept["Body"].read() == b"another document"
        assert s3.list_objects_v2(Bucket=RESULTS, Prefix=f"documents/{note}/")["KeyCount"] == 0
        table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
        left = table.query(KeyConditionExpression=Key("pk").eq(f"DOC#{note}"))["Items"]
        assert [json.loads(str(i["data"]))["action"] for i in left] == ["DELETE"]
        assert json.loads(str(left[0]["data"]))["actor"] == ADMIN


def test_the_gateway_answers_what_never_reaches_the_lambda(tmp_path: Path) -> None:
    with lambda_host(tmp_path) as host:
        before = host.invocations
        refused = host.request("GET", "/api/health", token="forged")
        assert (refused.status, refused.json()) == (401, {"message": "Unauthorized"})
        assert host.request("PUT", "/api/uploads/x", body=b"x").status == 404
        preflight = host.request(
            "OPTIONS",
            "/api/documents",
            token=None,
            headers={"Origin": SITE_ORIGIN, "Access-Control-Request-Method": "DELETE"},
        )
        assert preflight.status == 204
        assert preflight.headers["access-control-allow-origin"] == SITE_ORIGIN
        assert host.invocations == before
        answered = host.request("GET", "/api/health", headers={"Origin": SITE_ORIGIN})
        assert answered.headers["access-control-allow-origin"] == SITE_ORIGIN
        assert host.invocations == before + 1
