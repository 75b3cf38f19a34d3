"""BlobStore on Amazon S3. A ref with a version reads exactly that object version (the
upload bucket is versioned, and a key can be overwritten with another document)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from botocore.exceptions import ClientError

from meddoc.aws.clients import client, error_code, service_errors
from meddoc.errors import DocumentNotFound
from meddoc.model import ObjectRef

_MISSING = ("NoSuchKey", "NoSuchVersion", "404", "NotFound")
_GONE = "the object is not there (deleted, or never uploaded)"  # keys may be PHI


def object_address(ref: ObjectRef) -> dict[str, str]:
    """Bucket, Key and (when pinned) VersionId, as S3's object calls take them."""
    address = {"Bucket": ref.bucket, "Key": ref.key}
    if ref.version:
        address["VersionId"] = ref.version
    return address


class S3BlobStore:
    def __init__(self, s3: Any = None) -> None:
        self.s3 = s3 or client("s3")

    def size(self, ref: ObjectRef) -> int:
        return int(self._head(ref)["ContentLength"])

    def pinned(self, ref: ObjectRef) -> ObjectRef:
        """The ref to the version current now (a ref from a listing has none), so that
        every later read sees the same bytes even if the key is overwritten."""
        if ref.version:
            return ref
        version = str(self._head(ref).get("VersionId") or "")
        return ObjectRef(ref.bucket, ref.key, "" if version == "null" else version)

    def read(self, ref: ObjectRef) -> bytes:
        return b"".join(self.read_chunks(ref))

    def read_chunks(self, ref: ObjectRef, chunk_size: int = 1 << 20) -> Iterator[bytes]:
        try:
            body = self.s3.get_object(**object_address(ref))["Body"]
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise DocumentNotFound(_GONE) from exc
            raise
        yield from body.iter_chunks(chunk_size)

    def read_range(self, ref: ObjectRef, start: int, length: int) -> bytes:
        if length <= 0:
            return b""
        try:
            response = self.s3.get_object(
                **object_address(ref), Range=f"bytes={start}-{start + length - 1}"
            )
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise DocumentNotFound(_GONE) from exc
            if error_code(exc) == "InvalidRange":  # starts at or beyond the end
                return b""
            raise
        data: bytes = response["Body"].read()
        return data

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

    def _head(self, ref: ObjectRef) -> dict[str, Any]:
        try:
            head: dict[str, Any] = self.s3.head_object(**object_address(ref))
        except ClientError as exc:
            if error_code(exc) in _MISSING:
                raise DocumentNotFound(_GONE) from exc
            raise
        return head
