"""The AWS side of the review API: presigned S3 POSTs into the upload bucket (whose
event starts the workflow), a document's own versions of its originals deleted, and
reprocessing through the pipeline state machine."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from typing import Any

from meddoc import serialization
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
    document deletes the object versions it came from (the bucket is versioned)."""

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
        """How many stored object versions of the document's originals were deleted:
        exactly the versions the document came from (its source and other sources).
        Other versions of the same keys are other documents' bytes and stay."""
        deleted = 0
        with service_errors(S3):
            for ref in dict.fromkeys([record.source, *record.other_sources]):
                versions = [ref.version] if ref.version else self._versions_of(ref, record.id)
                deleted += self._delete_versions(ref.bucket, ref.key, versions)
        return deleted

    def _versions_of(self, ref: ObjectRef, document_id: str) -> list[str]:
        """A ref stored before refs carried versions: the versions of its key whose
        bytes are this document's (its id is their SHA-256)."""
        found = []
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=ref.bucket, Prefix=ref.key
        )
        for page in pages:
            for entry in page.get("Versions", []):
                # The prefix also matches longer keys.
                if (
                    entry["Key"] == ref.key
                    and self._sha256(ref, entry["VersionId"]) == document_id
                ):
                    found.append(str(entry["VersionId"]))
        return found

    def _sha256(self, ref: ObjectRef, version: str) -> str:
        digest = hashlib.sha256()
        body = self.s3.get_object(Bucket=ref.bucket, Key=ref.key, VersionId=version)["Body"]
        for chunk in body.iter_chunks(1 << 20):
            digest.update(chunk)
        return digest.hexdigest()

    def _delete_versions(self, bucket: str, key: str, versions: list[str]) -> int:
        deleted = 0
        for start in range(0, len(versions), 1000):
            objects = [{"Key": key, "VersionId": v} for v in versions[start : start + 1000]]
            answer = self.s3.delete_objects(
                Bucket=bucket, Delete={"Objects": objects, "Quiet": False}
            )
            errors = [e for e in answer.get("Errors", []) if e.get("Code") != "NoSuchVersion"]
            if errors:
                codes = sorted({str(e.get("Code", "")) for e in errors})
                raise ServiceRejected(f"{S3} kept some versions of an original ({codes})")
            deleted += len(answer.get("Deleted", []))
        return deleted


class StepFunctionsReprocessor:
    """Reprocessing starts the pipeline with the request meddoc.aws.events.job_from_event
    reads; the execution's name carries no file name (it could be PHI)."""

    def __init__(self, state_machine_arn: str, stepfunctions: Any) -> None:
        self.state_machine_arn = state_machine_arn
        self.stepfunctions = stepfunctions

    def reprocess(self, record: DocumentRecord) -> None:
        request = {
            # The version too: the run reads the bytes this document came from.
            "source": serialization.to_dict(record.source),
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
