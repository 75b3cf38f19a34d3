"""The deployed stack: uploads into its upload bucket (multipart for big files), the
batch prefix listed once, and documents' records read from its DynamoDB table."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from boto3.exceptions import S3UploadFailedError
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from pushlib.target import UPLOADED, Known, Sent, Stored, TargetRefused, Upload, UploadFailed

MULTIPART_BYTES = 16 * 1024 * 1024
BATCH_GET = 100  # DynamoDB BatchGetItem's most keys per call
REFUSING = {
    "AccessDenied",
    "AccessDeniedException",
    "AllAccessDisabled",
    "ExpiredToken",
    "InvalidAccessKeyId",
    "InvalidToken",
    "NoSuchBucket",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
}


class S3Target:
    uses_keys = True

    def __init__(self, s3: Any, bucket: str, dynamodb: Any = None, table: str = "") -> None:
        self.s3 = s3
        self.bucket = bucket
        self.dynamodb = dynamodb
        self.table = table
        self.description = f"s3://{bucket}"
        self.transfer = TransferConfig(
            multipart_threshold=MULTIPART_BYTES,
            multipart_chunksize=MULTIPART_BYTES,
            max_concurrency=4,  # per big file; --concurrency files run side by side
        )

    @property
    def can_lookup(self) -> bool:
        return bool(self.table and self.dynamodb is not None)

    def listing(self, prefix: str) -> dict[str, Stored]:
        """Every object under the prefix, in one paginated listing (1,000 per call)."""
        stored: dict[str, Stored] = {}
        with _errors("list the bucket"):
            pages = self.s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"]
                    stored[key] = Stored(key, int(item["Size"]), item["ETag"].strip('"'))
        return stored

    def stored_sha256(self, key: str) -> str | None:
        with _errors("read an object's metadata"):
            head = self.s3.head_object(Bucket=self.bucket, Key=key)
        found = head.get("Metadata", {}).get("sha256")
        return str(found) if found else None

    def upload(self, item: Upload, progress: Callable[[int], None]) -> Sent:
        metadata = {"sha256": item.sha256}
        with _errors("upload"):
            if item.size < MULTIPART_BYTES:
                with item.path.open("rb") as body:
                    self.s3.put_object(
                        Bucket=self.bucket,
                        Key=item.key,
                        Body=body,
                        ContentType=item.content_type,
                        Metadata=metadata,
                        # S3 refuses the upload if the bytes are not those hashed.
                        ContentMD5=base64.b64encode(bytes.fromhex(item.md5)).decode(),
                    )
                progress(item.size)
            else:
                self.s3.upload_file(
                    str(item.path),
                    self.bucket,
                    item.key,
                    ExtraArgs={"ContentType": item.content_type, "Metadata": metadata},
                    Config=self.transfer,
                    Callback=progress,
                )
        return Sent(UPLOADED)

    def lookup(self, ids: Sequence[str]) -> dict[str, Known]:
        """Records of these document ids (pk DOC#<id>, sk RECORD), 100 per call."""
        if not self.can_lookup:
            return {}
        known: dict[str, Known] = {}
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), BATCH_GET):
            keys = [
                {"pk": {"S": f"DOC#{i}"}, "sk": {"S": "RECORD"}}
                for i in unique[start : start + BATCH_GET]
            ]
            for item in self._batch_get(keys):
                document_id = item["pk"]["S"].removeprefix("DOC#")
                known[document_id] = _known(item)
        return known

    def _batch_get(self, keys: list[dict[str, Any]]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        request: dict[str, Any] = {
            self.table: {
                "Keys": keys,
                "ProjectionExpression": "pk, #s, #d",
                "ExpressionAttributeNames": {"#s": "status", "#d": "data"},
            }
        }
        for attempt in range(8):
            with _errors("read the documents table"):
                reply = self.dynamodb.batch_get_item(RequestItems=request)
            items += reply.get("Responses", {}).get(self.table, [])
            request = reply.get("UnprocessedKeys") or {}
            if not request:
                return items
            time.sleep(min(0.05 * 2**attempt, 2.0))  # throttled: back off, then the rest
        raise UploadFailed("the documents table kept throttling; try again later")


def _known(item: dict[str, Any]) -> Known:
    status = item.get("status", {}).get("S", "")
    try:
        record = json.loads(item.get("data", {}).get("S", "{}"))
    except ValueError:
        record = {}
    failure = record.get("failure") or {}
    return Known(
        status or record.get("status", ""), failure.get("reason", ""), failure.get("step", "")
    )


@contextmanager
def _errors(doing: str) -> Iterator[None]:
    """boto3's errors as the uploader's: refusals stop the run, the rest fail one file."""
    try:
        yield
    except NoCredentialsError as exc:
        raise TargetRefused("no AWS credentials found (aws configure, or AWS_PROFILE)") from exc
    except S3UploadFailedError as exc:
        cause = exc.__context__
        if isinstance(cause, ClientError):
            raise _client_error(doing, cause) from exc
        raise UploadFailed(f"could not {doing}: {exc}") from exc
    except ClientError as exc:
        raise _client_error(doing, exc) from exc
    except BotoCoreError as exc:
        raise UploadFailed(f"could not {doing}: {exc}") from exc


def _client_error(doing: str, exc: ClientError) -> Exception:
    error = exc.response.get("Error", {})
    code, message = error.get("Code", ""), error.get("Message", "")
    if code in REFUSING:
        return TargetRefused(f"AWS refused to {doing}: {code} {message}".strip())
    return UploadFailed(f"could not {doing}: {code} {message}".strip())
