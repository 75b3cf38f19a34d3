"""BlobStore on Amazon S3."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from meddoc.aws.clients import client, error_code, service_errors
from meddoc.errors import DocumentNotFound
from meddoc.model import ObjectRef

_MISSING = ("NoSuchKey", "404", "NotFound")


class S3BlobStore:
    def __init__(self, s3: Any = None) -> None:
        self.s3 = s3 or client("s3")

    def size(self, ref: ObjectRef) -> int:
        try:
            head = self.s3.head_object(Bucket=ref.bucket, Key=ref.key)
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise DocumentNotFound(f"no object at {ref}") from exc
            raise
        return int(head["ContentLength"])

    def read(self, ref: ObjectRef) -> bytes:
        return b"".join(self.read_chunks(ref))

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            body = self.s3.get_object(Bucket=ref.bucket, Key=ref.key)["Body"]
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise DocumentNotFound(f"no object at {ref}") from exc
            raise
        yield from body.iter_chunks(chunk_size)

    def write(self, ref: ObjectRef, data: bytes, content_type: str) -> None:
        with service_errors("Amazon S3"):
            self.s3.put_object(Bucket=ref.bucket, Key=ref.key, Body=data, ContentType=content_type)

    def delete_prefix(self, bucket: str, prefix: str) -> int:
        deleted = 0
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
                deleted += len(keys)
        return deleted
