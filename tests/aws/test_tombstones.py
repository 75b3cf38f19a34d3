"""Both tombstone stores (SQLite, and DynamoDB in moto) keep, find, list by age and lift
tombstones; on DynamoDB they live outside the document's partition (deleting the
document must not delete its tombstone) and are never counted or listed as documents."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest

from meddoc.aws.dynamodb_review import DynamoReviewStore
from meddoc.aws.dynamodb_tombstones import DynamoTombstones
from meddoc.local.database import connect
from meddoc.local.sqlite_store import SqliteDocumentStore
from meddoc.local.sqlite_tombstones import SqliteTombstones
from meddoc.ports import DocumentQuery, Tombstone, Tombstones
from tests.aws.cloud import REGION, TABLE

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
def tombstones(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Tombstones]:
    if request.param == "sqlite":
        yield SqliteTombstones(SqliteDocumentStore(connect(tmp_path / "meddoc.db")))
    else:
        request.getfixturevalue("cloud")
        yield DynamoTombstones(TABLE, boto3.resource("dynamodb", region_name=REGION))


def test_a_tombstone_is_kept_found_listed_by_age_and_lifted(tombstones: Tombstones) -> None:
    assert tombstones.find("d1") is None
    tombstones.bury(Tombstone("d1", 2, NOW))
    tombstones.bury(Tombstone("d2", 1, NOW + timedelta(hours=1)))
    assert tombstones.find("d1") == Tombstone("d1", 2, NOW)
    tombstones.bury(Tombstone("d1", 3, NOW))  # deleted again, after a new upload
    assert tombstones.find("d1") == Tombstone("d1", 3, NOW)
    assert tombstones.older_than(NOW + timedelta(minutes=30)) == [Tombstone("d1", 3, NOW)]
    assert len(tombstones.older_than(NOW + timedelta(hours=2))) == 2
    tombstones.lift("d1")
    assert tombstones.find("d1") is None
    assert [t.document_id for t in tombstones.older_than(NOW + timedelta(hours=2))] == ["d2"]


def test_on_dynamodb_tombstones_survive_the_documents_delete_and_are_no_documents(
    cloud: None,
) -> None:
    dynamodb = boto3.resource("dynamodb", region_name=REGION)
    tombstones = DynamoTombstones(TABLE, dynamodb)
    reviews = DynamoReviewStore(TABLE, dynamodb)
    tombstones.bury(Tombstone("d1", 1, NOW))
    reviews.delete("d1")
    assert tombstones.find("d1") == Tombstone("d1", 1, NOW)
    assert reviews.count_by_status() == {}
    assert reviews.search(DocumentQuery()).records == []
