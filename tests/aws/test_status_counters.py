"""The status counters under moto: whatever the records go through (transitions, retried
steps, lost races, review units, deletes), the counts /api/health reads equal a full
count of the records, and reading them touches no index."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from meddoc.aws import dynamodb_counters
from meddoc.aws.dynamodb_counters import SHARDS, moves, recount
from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_store import DynamoDocumentStore, record_item
from meddoc.aws.dynamodb_unit_of_work import DynamoReviewUnitOfWork
from meddoc.model import DocumentRecord, Failure, ObjectRef, Status, Summary
from meddoc.pipeline import records
from tests.aws.cloud import REGION, TABLE

NOW = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
FAILURE = Failure("analyze_medical", "Amazon Comprehend Medical refused the request", "X")


@pytest.fixture
def table(cloud: None) -> Any:
    return boto3.resource("dynamodb", region_name=REGION).Table(TABLE)


@pytest.fixture
def store(table: Any) -> DynamoDocumentStore:
    return DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))


@pytest.fixture
def reviews(table: Any) -> DynamoReviewStore:
    return DynamoReviewStore(TABLE, boto3.resource("dynamodb", region_name=REGION))


def document_id(number: int) -> str:
    return f"{number:04x}" + "cd" * 30


def new_record(number: int, status: Status = Status.RECEIVED) -> DocumentRecord:
    return DocumentRecord(
        id=document_id(number),
        source=ObjectRef("meddoc-uploads", f"uploads/{number}.png"),
        name=f"{number}.png",
        content_type="image/png",
        size=10,
        created_at=NOW,
        updated_at=NOW,
        status=status,
    )


def full_count(table: Any) -> dict[str, int]:
    """What the counters must say: every record item, counted."""
    counts: Counter[str] = Counter()
    request: dict[str, Any] = {}
    while True:
        answer = table.scan(**request)
        counts.update(i["status"] for i in answer["Items"] if i["sk"] == "RECORD")
        if "LastEvaluatedKey" not in answer:
            return dict(sorted(counts.items()))
        request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def finish(record: DocumentRecord) -> bool:
    return records.finish(Summary(pages=1), record.source, [], NOW)(record)


def test_given_documents_moving_through_the_pipeline_when_counted_then_counters_equal_a_full_count(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    for number in range(40):
        assert store.create(new_record(number))
    for number in range(30):
        store.update(document_id(number), records.start(NOW))
    for number in range(20):
        store.update(document_id(number), finish)
    for number in range(20, 25):
        store.update(document_id(number), records.fail(FAILURE, NOW))

    assert reviews.count_by_status() == {"DONE": 20, "FAILED": 5, "PROCESSING": 5, "RECEIVED": 10}
    assert reviews.count_by_status() == full_count(table)


def test_given_retried_steps_when_the_same_transition_repeats_then_nothing_counts_twice(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    for number in range(6):
        assert store.create(new_record(number))
        assert not store.create(new_record(number))  # the same upload's event again
    for _ in range(3):  # a step retried by the workflow marks PROCESSING again
        for number in range(6):
            store.update(document_id(number), records.start(NOW))
    for _ in range(2):  # the catch reports the same failure twice (an enclosing state)
        store.update(document_id(0), records.fail(FAILURE, NOW))
    store.update(document_id(1), finish)
    store.update(document_id(1), finish)  # Store retried after a timeout: DONE again
    store.update(document_id(1), records.fail(FAILURE, NOW))  # a late failure: stays DONE

    assert reviews.count_by_status() == {"DONE": 1, "FAILED": 1, "PROCESSING": 4}
    assert reviews.count_by_status() == full_count(table)


def test_given_a_step_that_loses_a_race_when_it_retries_then_only_the_winner_counts(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    assert store.create(new_record(1))
    raced = []

    def start_while_another_fails_it(record: DocumentRecord) -> bool:
        if not raced:  # between this read and its write, another writer fails the document
            raced.append(True)
            store.update(record.id, records.fail(FAILURE, NOW))
        return records.start(NOW)(record)

    store.update(document_id(1), start_while_another_fails_it)

    assert store.get(document_id(1)).status == Status.PROCESSING  # type: ignore[union-attr]
    assert reviews.count_by_status() == {"PROCESSING": 1}
    assert reviews.count_by_status() == full_count(table)


def test_given_deleted_documents_when_counted_then_they_no_longer_count(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    for number in range(8):
        assert store.create(new_record(number))
        store.update(document_id(number), records.start(NOW))
    for number in range(4):
        store.update(document_id(number), finish)
    for number in (0, 1, 5):
        reviews.delete(document_id(number))
    reviews.delete(document_id(0))  # deleting again (a retried request) changes nothing
    reviews.delete(document_id(99))  # never there

    assert reviews.count_by_status() == {"DONE": 2, "PROCESSING": 3}
    assert reviews.count_by_status() == full_count(table)
    assert store.create(new_record(0))  # the same bytes uploaded again count afresh
    assert reviews.count_by_status() == {"DONE": 2, "PROCESSING": 3, "RECEIVED": 1}


def test_given_a_delete_racing_a_step_when_the_step_wins_then_the_delete_counts_its_new_status(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    assert store.create(new_record(3))
    original = dynamodb_counters.delete_counted
    raced = []

    def delete_after_a_step_moved_it(*args: Any) -> None:
        if not raced:
            raced.append(True)
            store.update(document_id(3), records.start(NOW))
        original(*args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("meddoc.aws.dynamodb_review.delete_counted", delete_after_a_step_moved_it)
        reviews.delete(document_id(3))

    assert store.get(document_id(3)) is None
    assert reviews.count_by_status() == {}
    assert full_count(table) == {}


def test_given_a_review_unit_that_changes_statuses_when_committed_then_counters_follow(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    numbers = range(SHARDS + 3)  # more records than shards: some share a counter item
    for number in numbers:
        assert store.create(new_record(number, Status.FAILED))
    unit = DynamoReviewUnitOfWork(TABLE, boto3.resource("dynamodb", region_name=REGION))
    with unit:
        for number in numbers:
            unit.update(document_id(number), records.restart(NOW))
        unit.commit()

    assert reviews.count_by_status() == {"RECEIVED": len(numbers)}
    assert reviews.count_by_status() == full_count(table)


def test_given_any_status_value_when_counted_then_it_is_counted_without_knowing_it(
    table: Any, reviews: DynamoReviewStore
) -> None:
    """A status added later (e.g. QUEUED) needs no change here."""
    item = record_item(new_record(7), version=1)
    item["status"] = "QUEUED"
    dynamodb_counters.put_counted(
        table, item, None, {"ConditionExpression": "attribute_not_exists(pk)"}
    )

    assert reviews.count_by_status() == {"QUEUED": 1}


def test_given_records_written_before_the_counters_when_recounted_then_counts_are_full(
    table: Any, store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    for number, status in enumerate([Status.DONE] * 3 + [Status.FAILED] * 2):
        table.put_item(Item=record_item(new_record(number, status), version=1))  # uncounted
    assert reviews.count_by_status() == {}

    assert recount(table, [s.value for s in Status]) == {"DONE": 3, "FAILED": 2}
    store.update(document_id(0), records.fail(FAILURE, NOW))  # DONE stays DONE
    store.update(document_id(3), records.restart(NOW))

    assert reviews.count_by_status() == {"DONE": 3, "FAILED": 1, "RECEIVED": 1}
    assert reviews.count_by_status() == full_count(table)


def test_given_moves_in_one_shard_when_built_then_one_update_per_counter_item() -> None:
    same_shard = [n for n in range(200) if _shard(n) == _shard(0)][:3]
    changes = [(document_id(n), "FAILED", "RECEIVED") for n in same_shard]
    changes.append((document_id(same_shard[0]), "RECEIVED", "RECEIVED"))  # no move

    actions = moves(TABLE, changes)

    assert len(actions) == 1
    update = actions[0]["Update"]
    by_status = {
        update["ExpressionAttributeNames"][f"#s{i}"]: update["ExpressionAttributeValues"][f":n{i}"]
        for i in range(2)
    }
    assert by_status == {"FAILED": -3, "RECEIVED": 3}


def test_given_counters_when_read_then_no_index_is_queried(
    store: DynamoDocumentStore, reviews: DynamoReviewStore
) -> None:
    for number in range(5):
        assert store.create(new_record(number))
    calls: list[str] = []
    events = reviews.table.meta.client.meta.events
    events.register("before-call.dynamodb.*", _record_operation(calls))

    reviews.count_by_status()

    assert calls == ["BatchGetItem"]


def _record_operation(calls: list[str]) -> Any:
    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    return record


def _shard(number: int) -> str:
    return dynamodb_counters.shard_key(document_id(number))["pk"]
