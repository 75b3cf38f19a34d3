"""Reading and writing what the steps hand each other: model objects as JSON in the
results store, and the raw service responses beside them."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from meddoc import serialization
from meddoc.pipeline.job import Job, ResultsLayout
from meddoc.ports import BlobStore, ResponseLog

T = TypeVar("T")
JSON = "application/json"


class Artifacts:
    def __init__(self, blobs: BlobStore, layout: ResultsLayout) -> None:
        self.blobs = blobs
        self.layout = layout

    def save(self, job: Job, name: str, value: Any) -> str:
        ref = self.layout.artifact(job.document_id, name)
        self.blobs.write(ref, serialization.dumps(value).encode("utf-8"), JSON)
        job.artifacts[name] = ref.key
        return ref.key

    def load(self, job: Job, name: str, cls: type[T]) -> T:
        ref = self.layout.artifact(job.document_id, name)
        return serialization.loads(cls, self.blobs.read(ref))

    def save_raw(self, job: Job, step: str, log: ResponseLog) -> None:
        """Keep every raw response (numbered in call order) for audit and reparsing."""
        for number, (api, response) in enumerate(log.responses, start=1):
            ref = self.layout.raw(job.document_id, f"{step}-{number:04d}-{api}")
            body = json.dumps(response, ensure_ascii=False, default=str).encode("utf-8")
            self.blobs.write(ref, body, JSON)
