"""The AWS side of the review API: presigned S3 POSTs into the upload bucket (whose
event starts the workflow), short-lived URLs of the originals for page images, every
version of an original deleted, and reprocessing through the pipeline state machine."""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

from meddoc.api.views import UploadIntent
from meddoc.aws.clients import service_errors
from meddoc.errors import InvalidRequest, ServiceRejected
from meddoc.limits import Limits
from meddoc.model import DocumentRecord, ObjectRef

UPLOAD_PREFIX = "uploads/"
MAX_NAME_BYTES = 255
S3 = "Amazon S3"


class S3Uploads:
    """Uploads straight from the browser to the upload bucket: each intent is a presigned
    POST for one key under its own prefix, of exactly the announced size. Deleting a
    document deletes every version of its originals (the bucket is versioned)."""

    def __init__(self, bucket: str, s3: Any, limits: Limits, expires_in: int = 300) -> None:
        self.bucket = bucket
        self.s3 = s3
        self.limits = limits
        self.expires_in = expires_in

    def intent(self, name: str, size: int, content_type: str) -> UploadIntent:
        if size > self.limits.max_document_bytes:
            raise InvalidRequest("the file is larger than the largest document accepted")
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise InvalidRequest(f"the file name is longer than {MAX_NAME_BYTES} bytes")
        # A prefix per upload keeps two files of the same name apart.
        key = f"{UPLOAD_PREFIX}{secrets.token_hex(8)}/{name}"
        with service_errors(S3):
            post = self.s3.generate_presigned_post(
                Bucket=self.bucket,
                Key=key,
                Conditions=[["content-length-range", size, size]],
                ExpiresIn=self.expires_in,
            )
        fields = {str(k): str(v) for k, v in post["fields"].items()}
        return UploadIntent(
            "POST", post["url"], key, fields, max_bytes=self.limits.max_document_bytes
        )

    def delete_original(self, record: DocumentRecord) -> int:
        """How many of the document's originals had stored versions (all now gone)."""
        deleted = 0
        for ref in dict.fromkeys([record.source, *record.other_sources]):
            deleted += self._delete_versions(ref)
        return deleted

    def _delete_versions(self, ref: ObjectRef) -> int:
        versions: list[dict[str, str]] = []
        stored = False
        with service_errors(S3):
            pages = self.s3.get_paginator("list_object_versions").paginate(
                Bucket=ref.bucket, Prefix=ref.key
            )
            for page in pages:
                for kind in ("Versions", "DeleteMarkers"):
                    for entry in page.get(kind, []):
                        if entry["Key"] != ref.key:  # the prefix also matches longer keys
                            continue
                        stored = stored or kind == "Versions"
                        versions.append({"Key": entry["Key"], "VersionId": entry["VersionId"]})
            for start in range(0, len(versions), 1000):
                answer = self.s3.delete_objects(
                    Bucket=ref.bucket,
                    Delete={"Objects": versions[start : start + 1000], "Quiet": True},
                )
                if answer.get("Errors"):
                    codes = sorted({str(e.get("Code", "")) for e in answer["Errors"]})
                    raise ServiceRejected(f"{S3} kept some versions of an original ({codes})")
        return 1 if stored else 0


class StepFunctionsReprocessor:
    """Reprocessing starts the pipeline with the request meddoc.aws.events.job_from_event
    reads; the execution's name carries no file name (it could be PHI)."""

    def __init__(self, state_machine_arn: str, stepfunctions: Any) -> None:
        self.state_machine_arn = state_machine_arn
        self.stepfunctions = stepfunctions

    def reprocess(self, record: DocumentRecord) -> None:
        request = {
            "source": {"bucket": record.source.bucket, "key": record.source.key},
            "name": record.name,
            # The service has set the record RECEIVED: this execution owns it.
            "resume": True,
        }
        with service_errors("AWS Step Functions"):
            self.stepfunctions.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=f"reprocess-{record.id[:16]}-{uuid.uuid4().hex[:16]}",
                input=json.dumps(request),
            )
