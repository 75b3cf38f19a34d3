"""Reading and writing what the steps hand each other: model objects as JSON in the
results store, and the raw service responses beside them. Every write is followed by a
check that the document was not deleted meanwhile (see deletion.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from meddoc import serialization
from meddoc.model import Document, ObjectRef
from meddoc.pipeline.checkpoints import Checkpoints
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.job import Job, ResultsLayout
from meddoc.ports import BlobStore, ResponseLog

T = TypeVar("T")
JSON = "application/json"


class Artifacts:
    def __init__(
        self, blobs: BlobStore, layout: ResultsLayout, deletions: Deletions | None = None
    ) -> None:
        self.blobs = blobs
        self.layout = layout
        self.deletions = deletions

    def save(self, job: Job, name: str, value: Any) -> str:
        ref = self.layout.artifact(job.document_id, name)
        self.blobs.write(ref, serialization.dumps(value).encode("utf-8"), JSON)
        self.stop_if_deleted(job)
        job.artifacts[name] = ref.key
        return ref.key

    def load(self, job: Job, name: str, cls: type[T]) -> T:
        ref = self.layout.artifact(job.document_id, name)
        return serialization.loads(cls, self.blobs.read(ref))

    def response_log(self, job: Job, step: str) -> ResponseLog:
        """A log whose billable calls are checkpointed for this step of this attempt."""
        return ResponseLog(checkpoints=Checkpoints(self.blobs, self.layout, job, step))

    def save_raw(self, job: Job, step: str, log: ResponseLog) -> None:
        """Keep every raw response (numbered in call order) for audit and reparsing."""
        for number, (api, response) in enumerate(log.responses, start=1):
            ref = self.layout.raw(job.document_id, f"{step}-{number:04d}-{api}")
            body = json.dumps(response, ensure_ascii=False, default=str).encode("utf-8")
            self.blobs.write(ref, body, JSON)
        if log.responses:
            self.stop_if_deleted(job)

    def save_raw_page(self, job: Job, step: str, number: int, api: str, response: Any) -> None:
        """One raw response stored as soon as it arrives (as save_raw would number it)."""
        ref = self.layout.raw(job.document_id, f"{step}-{number:04d}-{api}")
        body = json.dumps(response, ensure_ascii=False, default=str).encode("utf-8")
        self.blobs.write(ref, body, JSON)

    def raw_pages(self, job: Job, step: str, api: str, count: int) -> RawPages:
        """The raw responses save_raw_page stored, read back one at a time (each time
        the result is iterated)."""
        refs = [
            self.layout.raw(job.document_id, f"{step}-{number:04d}-{api}")
            for number in range(1, count + 1)
        ]
        return RawPages(self.blobs, refs)

    def save_document(self, job: Job, document: Document) -> ObjectRef:
        ref = self.layout.document(job.document_id)
        self.blobs.write(ref, serialization.dumps(document).encode("utf-8"), JSON)
        self.stop_if_deleted(job)
        return ref

    def stop_if_deleted(self, job: Job, indexed: bool = False) -> None:
        """Raise DocumentDeleted (after removing what the run wrote) if the document was
        deleted while this run worked on it."""
        if self.deletions is not None:
            self.deletions.stop_if_deleted(job, indexed)


@dataclass(frozen=True, slots=True)
class RawPages:
    blobs: BlobStore
    refs: list[ObjectRef]

    def __iter__(self) -> Iterator[Any]:
        for ref in self.refs:
            yield json.loads(self.blobs.read(ref))
