"""The stuck-document detector: anything RECEIVED or PROCESSING for longer than a
threshold is marked FAILED "timed out", so no upload waits forever unnoticed; and
tombstones past their grace go, with whatever their deleted runs left. Run by a
schedule on AWS and at every start of the local worker host."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from meddoc.model import DocumentRecord, Status
from meddoc.pipeline import records
from meddoc.pipeline.deletion import Deletions
from meddoc.ports import DocumentQuery, DocumentStore, ReviewStore

UNSETTLED = (Status.RECEIVED, Status.PROCESSING)


def unsettled(reviews: ReviewStore) -> Iterator[DocumentRecord]:
    for status in UNSETTLED:
        cursor: str | None = None
        while True:
            page = reviews.search(DocumentQuery(status=status, limit=100, cursor=cursor))
            yield from page.records
            if not page.next_cursor:
                break
            cursor = page.next_cursor


def fail_stuck(
    reviews: ReviewStore,
    store: DocumentStore,
    now: Callable[[], datetime],
    older_than: timedelta,
    keep: frozenset[str] = frozenset(),
) -> list[str]:
    """Ids of the documents marked FAILED; `keep` are documents known to be in hand
    (local jobs about to resume them)."""
    moment = now()
    stuck = [
        r.id for r in unsettled(reviews) if r.id not in keep and moment - r.updated_at > older_than
    ]
    failed = []
    for document_id in stuck:
        if store.update(document_id, records.time_out(moment, older_than)).status == Status.FAILED:
            failed.append(document_id)
    return failed


def sweep_tombstones(deletions: Deletions, now: Callable[[], datetime]) -> list[str]:
    """Ids of the deleted documents whose tombstones (and leftovers) were cleared."""
    return deletions.sweep(now())
