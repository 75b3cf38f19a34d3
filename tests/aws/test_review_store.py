"""DynamoReviewStore under moto, held to the local SQLite store's behaviour: the same
records searched both ways give the same pages, newest first, until exhausted."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from meddoc.aws import dynamodb_search
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.errors import InvalidRequest
from meddoc.local.database import connect
from meddoc.local.sqlite_review import SqliteReviewStore
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.model import (
    AuditEvent,
    Correction,
    CorrectionKind,
    DocumentRecord,
    MedicalEntity,
    ObjectRef,
    ReviewStatus,
    Status,
    Summary,
)
from meddoc.ports import DocumentQuery, DocumentStore, IndexTerm, RecordPage, ReviewStore
from tests.aws.cloud import REGION, TABLE, UPLOADS

START = datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 1, tzinfo=UTC)
STATUSES = [Status.DONE, Status.DONE, Status.FAILED, Status.PROCESSING, Status.RECEIVED]
DOCUMENT_TYPES = ["LAB_REPORT", "INTAKE_FORM", ""]  # of the DONE records ("": not typed)
REVIEWS = [ReviewStatus.UNREVIEWED, ReviewStatus.APPROVED, ReviewStatus.FLAGGED]
DIABETES = IndexTerm("entity", "diabetes", "MEDICAL_CONDITION")
CHEST_PAIN = IndexTerm("entity", "chest pain", "MEDICAL_CONDITION")
METFORMIN = IndexTerm("entity", "metformin", "MEDICATION")
E11 = IndexTerm("ICD-10-CM", "E11.9", "MEDICAL_CONDITION")
RX = IndexTerm("RxNorm", "860975", "MEDICATION")
COLD = IndexTerm("entity", "cold", "MEDICAL_CONDITION")
COLD_AS_TEST = IndexTerm("entity", "cold", "TEST_TREATMENT_PROCEDURE")


@dataclass
class Stores:
    documents: DocumentStore
    reviews: ReviewStore


def dynamo_stores() -> Stores:
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    return Stores(
        DynamoDocumentStore(TABLE, dynamodb), DynamoReviewStore(TABLE, dynamodb, lambda: LATER)
    )


def sqlite_stores(path: Path) -> Stores:
    store = SqliteDocumentStore(connect(path / "m.db"))
    return Stores(store, SqliteReviewStore(store))


def document_id(number: int) -> str:
    return f"{number:02d}" + "ab" * 31


def terms_of(number: int) -> list[IndexTerm]:
    terms = []
    if number % 3 == 0:
        terms += [DIABETES, E11]
    if number % 4 == 0:
        terms += [METFORMIN, RX]
    if number % 5 == 0:
        terms.append(CHEST_PAIN)
    if number % 7 == 0:
        terms.append(COLD_AS_TEST if number % 14 == 0 else COLD)
    return terms


def fill(stores: Stores, count: int = 36) -> list[str]:
    """`count` documents about every 9 days from START (three share one instant), with
    statuses, reviews, document types and terms that vary with their number."""
    ids = []
    for number in range(count):
        created = START + timedelta(days=9 * (number // 3) * (number % 3 != 2), hours=number)
        if number in (30, 31, 32):
            created = START + timedelta(days=100)
        record = DocumentRecord(
            id=document_id(number),
            source=ObjectRef(UPLOADS, f"uploads/{number}.png"),
            name=f"{number}.png",
            content_type="image/png",
            size=10,
            created_at=created,
            updated_at=created,
            status=STATUSES[number % len(STATUSES)],
        )
        record.review.status = REVIEWS[number % len(REVIEWS)]
        if record.status == Status.DONE:
            record.summary = Summary(document_type=DOCUMENT_TYPES[number % len(DOCUMENT_TYPES)])
        assert stores.documents.create(record)
        stores.documents.index(record.id, terms_of(number), f"note {number}")
        ids.append(record.id)
    return ids


def every_page(reviews: ReviewStore, query: DocumentQuery) -> Iterator[RecordPage]:
    cursor = None
    for _ in range(100):
        page = reviews.search(dataclasses.replace(query, cursor=cursor))
        yield page
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
    raise AssertionError("the pages never ended")


def all_ids(reviews: ReviewStore, query: DocumentQuery) -> list[str]:
    pages = list(every_page(reviews, query))
    assert all(len(p.records) <= query.limit for p in pages)
    return [r.id for p in pages for r in p.records]


def newest_first(records: list[DocumentRecord]) -> list[str]:
    ordered = sorted(records, key=lambda r: (r.created_at, r.id), reverse=True)
    return [r.id for r in ordered]


@pytest.fixture
def dynamo(cloud: None) -> Stores:
    stores = dynamo_stores()
    fill(stores)
    return stores


def test_listing_everything_pages_newest_first_until_exhausted(dynamo: Stores) -> None:
    pages = list(every_page(dynamo.reviews, DocumentQuery(limit=5)))
    assert [len(p.records) for p in pages] == [5] * 7 + [1]
    records = [r for p in pages for r in p.records]
    assert [r.id for r in records] == newest_first(records)
    assert len({r.id for r in records}) == 36
    assert len({r.created_at.strftime("%Y-%m") for r in records}) >= 4


def test_status_search_uses_the_current_status_after_a_review_and_a_status_change(
    dynamo: Stores,
) -> None:
    target = document_id(0)  # DONE, UNREVIEWED

    def approve(record: DocumentRecord) -> bool:
        record.review.status = ReviewStatus.APPROVED
        return True

    def fail(record: DocumentRecord) -> bool:
        record.status = Status.FAILED
        return True

    dynamo.documents.update(target, approve)
    done = all_ids(dynamo.reviews, DocumentQuery(status=Status.DONE, limit=50))
    approved = all_ids(
        dynamo.reviews, DocumentQuery(status=Status.DONE, review=ReviewStatus.APPROVED)
    )
    assert target in done
    assert target in approved
    dynamo.documents.update(target, fail)
    assert target not in all_ids(dynamo.reviews, DocumentQuery(status=Status.DONE, limit=50))
    assert target in all_ids(dynamo.reviews, DocumentQuery(status=Status.FAILED, limit=50))
    assert dynamo.reviews.count_by_status()["FAILED"] == 8


def test_free_text_on_aws_finds_entity_terms_and_codes_by_phrase_or_by_every_word(
    dynamo: Stores,
) -> None:
    def found(text: str) -> set[int]:
        ids = all_ids(dynamo.reviews, DocumentQuery(text=text, limit=10))
        return {int(i[:2]) for i in ids}

    assert found("diabetes") == {n for n in range(36) if n % 3 == 0}
    assert found("CHEST pain") == {n for n in range(36) if n % 5 == 0}
    assert found("E11.9") == found("diabetes")
    assert found("metformin 860975") == {n for n in range(36) if n % 4 == 0}
    assert found("diabetes metformin") == {n for n in range(36) if n % 12 == 0}
    assert found("diabetes aspirin") == set()
    assert found("   ") == set(range(36))


def test_a_cursor_the_server_never_gave_is_refused(dynamo: Stores) -> None:
    for cursor in ("not base64!", "bm90IGpzb24", "WzEsIDJd"):
        with pytest.raises(InvalidRequest):
            dynamo.reviews.search(DocumentQuery(cursor=cursor))


def test_a_rare_review_status_returns_short_pages_within_the_read_budget_and_loses_nothing(
    dynamo: Stores, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dynamodb_search, "MAX_EXAMINED", 4)
    query = DocumentQuery(review=ReviewStatus.FLAGGED, limit=3)
    pages = list(every_page(dynamo.reviews, query))
    ids = [r.id for p in pages for r in p.records]
    assert any(len(p.records) < 3 and p.next_cursor for p in pages)
    assert len(ids) == len(set(ids)) == 12
    assert ids == [i for i in all_ids_unbudgeted(dynamo) if int(i[:2]) % 3 == 2]


def all_ids_unbudgeted(stores: Stores) -> list[str]:
    return all_ids(stores.reviews, DocumentQuery(limit=100))


def test_audit_and_corrections_come_back_in_time_order_even_when_written_out_of_order(
    dynamo: Stores,
) -> None:
    target = document_id(3)
    times = [START + timedelta(minutes=m) for m in (5, 1, 3)]
    for number, at in enumerate(times):
        dynamo.reviews.add_audit(AuditEvent(f"e{number}", target, "NOTE", "ana", at, note="n"))
    same = START + timedelta(minutes=9)
    for name in ("z-first", "a-second", "m-third"):
        dynamo.reviews.add_audit(AuditEvent(name, target, "FLAG", "ana", same))
    entity = MedicalEntity("diabetes", 0, 8, 1.0, id=7)
    for number, at in enumerate(reversed(times)):
        dynamo.reviews.add_correction(
            Correction(f"c{number}", target, CorrectionKind.CORRECT, "ana", at, 7, entity)
        )
    audit = dynamo.reviews.audit(target)
    assert [e.id for e in audit] == ["e1", "e2", "e0", "z-first", "a-second", "m-third"]
    assert audit[0].at == times[1]
    corrections = dynamo.reviews.corrections(target)
    assert [c.id for c in corrections] == ["c1", "c0", "c2"]
    assert corrections[0].entity == entity
    assert dynamo.reviews.audit(document_id(4)) == []


def table_items() -> list[dict[str, Any]]:
    table = boto3.resource("dynamodb", region_name=REGION).Table(TABLE)
    items: list[dict[str, Any]] = []
    request: dict[str, Any] = {}
    while True:
        answer = table.scan(**request)
        items += answer["Items"]
        if "LastEvaluatedKey" not in answer:
            return items
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def test_delete_removes_every_item_of_the_document_and_nothing_of_the_others(
    dynamo: Stores,
) -> None:
    target, other = document_id(12), document_id(24)
    for document in (target, other):
        dynamo.reviews.add_audit(AuditEvent("a" + document[:4], document, "NOTE", "x", START))
        dynamo.reviews.add_correction(
            Correction("c" + document[:4], document, CorrectionKind.REMOVE, "x", START, 1)
        )
    before = table_items()
    # the record, four terms (diabetes, E11.9, metformin, RxNorm), an audit event, a correction
    assert sum(i["pk"] == f"DOC#{target}" for i in before) == 7
    dynamo.reviews.delete(target)
    after = table_items()
    assert sorted(map(_key, after)) == sorted(
        _key(i) for i in before if i["pk"] != f"DOC#{target}"
    )
    assert dynamo.documents.get(target) is None
    assert target not in all_ids(dynamo.reviews, DocumentQuery(entity="diabetes", limit=50))
    assert other in all_ids(dynamo.reviews, DocumentQuery(entity="diabetes", limit=50))
    assert len(dynamo.reviews.audit(other)) == 1


def _key(item: dict[str, Any]) -> tuple[str, str]:
    return str(item["pk"]), str(item["sk"])


def test_count_by_status_counts_only_the_statuses_present(dynamo: Stores) -> None:
    assert dynamo.reviews.count_by_status() == {
        "DONE": 15,
        "FAILED": 7,
        "PROCESSING": 7,
        "RECEIVED": 7,
    }
