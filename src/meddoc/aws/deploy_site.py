"""`make deploy`'s last step: read the stack's outputs, write the site's config.json from
them, upload site/ to the site bucket (removing files no longer there) and have
CloudFront drop its cached copies. Run as `python -m meddoc.aws.deploy_site --stack X`."""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import boto3

from meddoc.errors import ConfigurationError

CONFIG = "config.json"
SCOPES = ["openid", "email", "profile"]
REQUIRED = ("SiteUrl", "ApiUrl", "SiteBucketName", "DistributionId", "UserPoolClientId")
# No build step and no hashed file names: browsers revalidate every file (ETag).
CACHE_CONTROL = "no-cache"


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}
    missing = [name for name in REQUIRED if not outputs.get(name)]
    if missing:
        raise ConfigurationError(f"stack {stack} has no output {', '.join(missing)}")
    return outputs


def site_config(outputs: dict[str, str]) -> dict[str, Any]:
    """What the site reads at start-up: where the API is and how to sign in."""
    api_key = outputs.get("ApiAuth") == "ApiKey"
    domain = outputs.get("CognitoDomain", "")
    return {
        "mode": "aws",
        "apiBase": outputs["ApiUrl"].rstrip("/"),
        "auth": "apikey" if api_key else "cognito",
        "cognito": {
            "domain": f"https://{domain}" if domain and "://" not in domain else domain,
            "clientId": outputs["UserPoolClientId"],
            "redirectUri": outputs["SiteUrl"],
            "scopes": SCOPES,
        },
    }


def site_files(site_dir: Path) -> dict[str, Path]:
    """The files to publish, by object key; hidden files and a stale config.json stay."""
    files = {}
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir)
        if path.is_file() and not any(p.startswith(".") for p in relative.parts):
            files[relative.as_posix()] = path
    files.pop(CONFIG, None)
    return files


def content_type(key: str) -> str:
    guessed = mimetypes.guess_type(key)[0] or "application/octet-stream"
    if key.endswith((".js", ".mjs")):
        guessed = "text/javascript"
    if guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml"):
        guessed += "; charset=utf-8"
    return guessed


def upload_site(s3: Any, bucket: str, site_dir: Path, config: dict[str, Any]) -> list[str]:
    """Upload every file and config.json; delete objects the site no longer has."""
    files = site_files(site_dir)
    for key, path in files.items():
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(key),
            CacheControl=CACHE_CONTROL,
        )
    s3.put_object(
        Bucket=bucket,
        Key=CONFIG,
        Body=json.dumps(config, indent=2).encode(),
        ContentType=content_type(CONFIG),
        CacheControl="no-store",
    )
    published = {*files, CONFIG}
    stale = [
        {"Key": item["Key"]}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in published
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale[start : start + 1000]})
    return sorted(published)


def invalidate(cloudfront: Any, distribution_id: str) -> str:
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"meddoc-deploy-{time.time_ns()}",
        },
    )
    invalidation_id: str = answer["Invalidation"]["Id"]
    return invalidation_id


def deploy(stack: str, site_dir: Path, session: Any, out: TextIO = sys.stdout) -> dict[str, Any]:
    outputs = stack_outputs(session.client("cloudformation"), stack)
    config = site_config(outputs)
    keys = upload_site(session.client("s3"), outputs["SiteBucketName"], site_dir, config)
    invalidate(session.client("cloudfront"), outputs["DistributionId"])
    print(f"published {len(keys)} files to s3://{outputs['SiteBucketName']}/", file=out)
    print(f"review site: {outputs['SiteUrl']}", file=out)
    if config["auth"] == "apikey":
        print(
            "API key: aws secretsmanager get-secret-value --query SecretString"
            f" --output text --secret-id {outputs.get('ApiKeySecretArn', '<ApiKeySecretArn>')}",
            file=out,
        )
    else:
        print(
            "add reviewers: aws cognito-idp admin-create-user --user-pool-id"
            f" {outputs.get('UserPoolId', '<UserPoolId>')} --username <email>",
            file=out,
        )
    return config


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", required=True, help="the CloudFormation stack's name")
    parser.add_argument("--site", type=Path, default=Path("site"), help="the site folder")
    parser.add_argument("--region", default=None, help="the stack's region")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html")
    deploy(args.stack, args.site, boto3.session.Session(region_name=args.region))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
