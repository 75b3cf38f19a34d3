"""template.yaml through the AWS SAM transform, offline: the CloudFormation that
CloudFormation itself would deploy (for checkov, and the template tests). Run it with
the SAM CLI's Python, which has samtranslator:

    .venv-sam/bin/python tests/aws/sam_transform.py template.yaml > transformed.json

Local code and workflow paths become placeholder S3 URIs, as `sam validate` does; no
AWS call is made (managed policies named in Policies would need IAM: none are used)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from samtranslator.translator.transform import transform  # type: ignore[import-not-found]
from samtranslator.yaml_helper import yaml_parse  # type: ignore[import-not-found]

LOCAL_PATHS = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
    "AWS::Serverless::StateMachine": "DefinitionUri",
}


class NoManagedPolicies:
    """The loader samtranslator asks for managed policies named in Policies."""

    def load(self) -> dict[str, str]:
        return {}


def transformed(template: dict[str, Any]) -> dict[str, Any]:
    for name, resource in template.get("Resources", {}).items():
        key = LOCAL_PATHS.get(resource.get("Type", ""))
        properties = resource.get("Properties", {})
        if key and isinstance(properties.get(key), str):
            properties[key] = f"s3://meddoc-artifacts/{name}"
    result: dict[str, Any] = transform(template, {}, NoManagedPolicies())
    return result


def main(path: str) -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = yaml_parse(Path(path).read_text())
    json.dump(transformed(template), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml")
