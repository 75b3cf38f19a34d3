"""`make deploy`'s site step under moto (S3, CloudFront), with the stack's outputs given
by botocore's Stubber (moto's CloudFormation would need the whole stack)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from meddoc.aws import deploy_site
from meddoc.errors import ConfigurationError

REGION = "eu-west-1"
SITE_BUCKET = "meddoc-site-bucket"


def outputs(auth: str = "Cognito", distribution: str = "E123") -> dict[str, str]:
    found = {
        "SiteUrl": "https://d111111abcdef8.cloudfront.net/",
        "ApiUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com",
        "ApiAuth": auth,
        "SiteBucketName": SITE_BUCKET,
        "DistributionId": distribution,
        "UserPoolId": "eu-west-1_AbCdEf",
        "UserPoolClientId": "client123",
        "CognitoDomain": "meddoc-123456789012.auth.eu-west-1.amazoncognito.com",
    }
    if auth == "ApiKey":
        found["ApiKeySecretArn"] = "arn:aws:secretsmanager:eu-west-1:1:secret:key"
    return found


class Session:
    """boto3 clients in moto, except CloudFormation, which answers with given outputs."""

    def __init__(self, given: dict[str, str]) -> None:
        self.cloudformation = boto3.client("cloudformation", region_name=REGION)
        self.stubber = Stubber(self.cloudformation)
        stack = {
            "StackName": "meddoc",
            "CreationTime": "2026-11-26T09:00:00Z",
            "StackStatus": "UPDATE_COMPLETE",
            "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in given.items()],
        }
        self.stubber.add_response("describe_stacks", {"Stacks": [stack]}, {"StackName": "meddoc"})
        self.stubber.activate()

    def client(self, service: str) -> Any:
        if service == "cloudformation":
            return self.cloudformation
        return boto3.client(service, region_name=REGION)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket=SITE_BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        created = boto3.client("cloudfront", region_name=REGION).create_distribution(
            DistributionConfig={
                "CallerReference": "test",
                "Comment": "meddoc review site",
                "Enabled": True,
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "site",
                            "DomainName": f"{SITE_BUCKET}.s3.{REGION}.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "site",
                    "ViewerProtocolPolicy": "redirect-to-https",
                },
            }
        )
        yield created["Distribution"]["Id"]


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "js").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>meddoc</title>")
    (tmp_path / "js" / "api.js").write_text("export const x = 1;")
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "site.css").write_text("body{}")
    (tmp_path / "config.json").write_text('{"mode": "local"}')  # a developer's, not shipped
    (tmp_path / ".DS_Store").write_bytes(b"\0")
    return tmp_path


def objects() -> dict[str, dict[str, Any]]:
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=SITE_BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=SITE_BUCKET, Key=o["Key"]) for o in listed}


def test_deploy_publishes_the_site_with_a_config_from_the_stack_and_invalidates_the_cache(
    aws: str, site: Path
) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(Bucket=SITE_BUCKET, Key="js/removed-last-release.js", Body=b"old")
    out = io.StringIO()
    config = deploy_site.deploy("meddoc", site, Session(outputs(distribution=aws)), out)
    stored = objects()
    assert sorted(stored) == ["config.json", "css/site.css", "index.html", "js/api.js"]
    assert (
        json.loads(stored["config.json"]["Body"].read())
        == config
        == {
            "mode": "aws",
            "apiBase": "https://abc123.execute-api.eu-west-1.amazonaws.com",
            "auth": "cognito",
            "cognito": {
                "domain": "https://meddoc-123456789012.auth.eu-west-1.amazoncognito.com",
                "clientId": "client123",
                "redirectUri": "https://d111111abcdef8.cloudfront.net/",
                "scopes": ["openid", "email", "profile"],
            },
        }
    )
    assert stored["index.html"]["ContentType"] == "text/html; charset=utf-8"
    assert stored["js/api.js"]["ContentType"] == "text/javascript; charset=utf-8"
    assert stored["css/site.css"]["ContentType"] == "text/css; charset=utf-8"
    assert stored["index.html"]["CacheControl"] == "no-cache"
    assert stored["config.json"]["CacheControl"] == "no-store"
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    invalidations = cloudfront.list_invalidations(DistributionId=aws)["InvalidationList"]
    assert invalidations["Quantity"] == 1
    assert "https://d111111abcdef8.cloudfront.net/" in out.getvalue()
    assert "admin-create-user" in out.getvalue()


def test_api_key_mode_says_so_in_the_config_and_tells_where_the_key_is(
    aws: str, site: Path
) -> None:
    out = io.StringIO()
    config = deploy_site.deploy("meddoc", site, Session(outputs("ApiKey", aws)), out)
    assert config["auth"] == "apikey"
    assert "arn:aws:secretsmanager:eu-west-1:1:secret:key" in out.getvalue()


def test_a_stack_without_the_site_outputs_is_refused_before_anything_is_uploaded(
    aws: str, site: Path
) -> None:
    given = outputs(distribution=aws)
    del given["SiteBucketName"]
    with pytest.raises(ConfigurationError, match="SiteBucketName"):
        deploy_site.deploy("meddoc", site, Session(given), io.StringIO())
    assert objects() == {}


def test_the_command_needs_a_site_folder_with_an_index(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        deploy_site.main(["--stack", "meddoc", "--site", str(tmp_path)])
    assert stopped.value.code == 2
