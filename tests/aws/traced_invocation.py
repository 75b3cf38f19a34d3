"""Run by test_tracing.py in a process of its own (X-Ray patches botocore for good): the
validate function invoked as Lambda runs it with tracing on, inside moto, on an upload
whose key is a patient's name. Prints every X-Ray entity the SDK would send, one JSON
document a line, then a line saying which modules were patched."""

from __future__ import annotations

import http.client
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import boto3
import botocore.client
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.core.emitters.udp_emitter import UDPEmitter
from moto import mock_aws

from tests.aws.cloud import UPLOADS, create_stack_resources
from tests.documents import png_bytes
from tests.workflow.shim import LambdaContext

ROOT = Path(__file__).resolve().parents[2]
KEY = "scans/Jane Doe referral.png"


class Captured(UDPEmitter):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def send_entity(self, entity: Any) -> None:
        self.sent.append(entity.serialize())


def main() -> None:
    emitter = Captured()
    xray_recorder.configure(emitter=emitter)
    with mock_aws():
        create_stack_resources()
        put = boto3.client("s3").put_object(Bucket=UPLOADS, Key=KEY, Body=png_bytes(text="x"))
        spec = importlib.util.spec_from_file_location("app", ROOT / "functions/validate/app.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        event = json.loads((ROOT / "events" / "validate.json").read_text())
        event["detail"]["bucket"]["name"] = UPLOADS
        event["detail"]["object"]["key"] = "scans/Jane+Doe+referral.png"
        event["detail"]["object"]["version-id"] = put["VersionId"]
        module.handler(event, LambdaContext("arn:aws:lambda:us-east-1:1:function:validate"))
    for entity in emitter.sent:
        print(entity)
    patched = {
        "botocore": hasattr(botocore.client, "_xray_enabled"),
        "httplib": bool(getattr(http.client, "_xray_enabled", False)),
    }
    print(json.dumps({"patched": patched}))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
