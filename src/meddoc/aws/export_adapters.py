"""Export jobs on AWS: the export function invoked asynchronously (Lambda queues the
event and retries it), and finished exports fetched through presigned GETs."""

from __future__ import annotations

import json
from typing import Any

from meddoc.model import ObjectRef


class LambdaExportRunner:
    def __init__(self, function_name: str, lambda_client: Any) -> None:
        self.function_name = function_name
        self.client = lambda_client

    def start(self, export_id: str) -> None:
        payload = json.dumps({"export_id": export_id}).encode("utf-8")
        self.client.invoke(
            FunctionName=self.function_name, InvocationType="Event", Payload=payload
        )


class PresignedDownloads:
    def __init__(self, s3: Any, seconds: int) -> None:
        self.s3 = s3
        self.seconds = seconds

    def url(self, ref: ObjectRef, export_id: str, filename: str, content_type: str) -> str:
        params = {
            "Bucket": ref.bucket,
            "Key": ref.key,
            "ResponseContentDisposition": f'attachment; filename="{filename}"',
            "ResponseContentType": content_type,
        }
        url: str = self.s3.generate_presigned_url(
            "get_object", Params=params, ExpiresIn=self.seconds
        )
        return url
