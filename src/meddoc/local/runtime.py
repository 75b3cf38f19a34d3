"""The composition root of local mode: the file and SQLite stores and the offline
engines, wired into the same Pipeline the AWS functions run step by step."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

from meddoc.local.database import connect
from meddoc.local.engines import OfflineLanguage, OfflineMedical, OfflineTextDetector
from meddoc.local.files import FileBlobStore
from meddoc.local.jobs import JobQueue
from meddoc.local.settings import RESULTS, LocalSettings
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.local.sqlite_tombstones import SqliteTombstones
from meddoc.pipeline.artifacts import Artifacts
from meddoc.pipeline.deletion import Deletions
from meddoc.pipeline.job import ResultsLayout
from meddoc.pipeline.runner import Pipeline

if TYPE_CHECKING:
    from meddoc.local.host import HostState


class LocalRuntime:
    def __init__(self, settings: LocalSettings) -> None:
        self.settings = settings
        self.connection = connect(settings.database)
        # Set by `meddoc serve`: its worker host's state, for health.
        self.host_state: Callable[[], HostState] | None = None

    @cached_property
    def blobs(self) -> FileBlobStore:
        return FileBlobStore(self.settings.data_dir)

    @cached_property
    def store(self) -> SqliteDocumentStore:
        return SqliteDocumentStore(self.connection)

    @cached_property
    def queue(self) -> JobQueue:
        return JobQueue(self.connection)

    @cached_property
    def layout(self) -> ResultsLayout:
        return ResultsLayout(RESULTS)

    @cached_property
    def tombstones(self) -> SqliteTombstones:
        return SqliteTombstones(self.store)

    @cached_property
    def deletions(self) -> Deletions:
        return Deletions(self.store, self.tombstones, self.blobs, self.layout)

    @cached_property
    def pipeline(self) -> Pipeline:
        language = OfflineLanguage()
        return Pipeline(
            blobs=self.blobs,
            store=self.store,
            artifacts=Artifacts(self.blobs, self.layout, self.deletions),
            detector=OfflineTextDetector(
                self.blobs, self.settings.engine_threads, structure=self.settings.structure
            ),
            language_detector=language,
            translator=None,  # no offline translator: the engines read Spanish directly
            language_analyzer=language,
            medical_analyzer=OfflineMedical(),
            deletions=self.deletions,
        )
