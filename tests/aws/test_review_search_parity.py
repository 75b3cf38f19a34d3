"""The DynamoDB review store and the local SQLite one, filled with the same records,
answer the same searches with the same pages (where both stores share a meaning: status,
review, dates, whole entity terms and codes, paging)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from moto import mock_aws

from meddoc.model import ReviewStatus, Status
from meddoc.ports import DocumentQuery
from tests.aws.cloud import REGION, create_stack_resources
from tests.aws.test_review_store import (
    START,
    Stores,
    all_ids,
    dynamo_stores,
    every_page,
    fill,
    sqlite_stores,
)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stores, Stores]]:
    """One moto world for the read-only comparisons (filling it is the slow part)."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        for key, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
        }.items():
            patch.setenv(key, value)
        create_stack_resources()
        dynamo, sqlite = dynamo_stores(), sqlite_stores(tmp_path_factory.mktemp("sqlite"))
        fill(dynamo)
        fill(sqlite)
        yield dynamo, sqlite


SHARED_QUERIES = [
    DocumentQuery(limit=7),
    DocumentQuery(limit=1),
    DocumentQuery(limit=100),
    DocumentQuery(status=Status.DONE, limit=4),
    DocumentQuery(status=Status.RECEIVED, review=ReviewStatus.FLAGGED, limit=2),
    DocumentQuery(review=ReviewStatus.APPROVED, limit=5),
    DocumentQuery(since=START + timedelta(days=20), until=START + timedelta(days=60), limit=3),
    DocumentQuery(since=START + timedelta(days=40), limit=4),
    DocumentQuery(until=START + timedelta(days=50), limit=6),
    DocumentQuery(since=START - timedelta(days=3000), limit=9),
    DocumentQuery(since=START + timedelta(days=100), until=START + timedelta(days=100, hours=1)),
    DocumentQuery(status=Status.DONE, since=START + timedelta(days=30), limit=2),
    DocumentQuery(entity="Diabetes", limit=2),
    DocumentQuery(entity="  chest   PAIN ", limit=3),
    DocumentQuery(entity="cold", category="TEST_TREATMENT_PROCEDURE"),
    DocumentQuery(entity="cold", category="MEDICAL_CONDITION", limit=1),
    DocumentQuery(code="e11.9", limit=4),
    DocumentQuery(code="860975", status=Status.DONE),
    DocumentQuery(entity="diabetes", code="860975", limit=1),
    DocumentQuery(entity="metformin", until=START + timedelta(days=60), limit=2),
    DocumentQuery(entity="nothing like it"),
    DocumentQuery(code="Z99", review=ReviewStatus.APPROVED),
    DocumentQuery(document_type="LAB_REPORT", limit=2),
    DocumentQuery(document_type="INTAKE_FORM", review=ReviewStatus.APPROVED),
    DocumentQuery(document_type="INTAKE_FORM", since=START + timedelta(days=30), limit=3),
    DocumentQuery(document_type="LAB_REPORT", entity="diabetes", limit=1),
    DocumentQuery(document_type="LAB_REPORT", status=Status.FAILED),
    DocumentQuery(document_type="CONSENT"),
]


@pytest.mark.parametrize("query", SHARED_QUERIES, ids=range(len(SHARED_QUERIES)))
def test_dynamodb_search_pages_like_the_sqlite_store(
    both: tuple[Stores, Stores], query: DocumentQuery
) -> None:
    dynamo, sqlite = both
    expected = all_ids(sqlite.reviews, query)
    found = all_ids(dynamo.reviews, query)
    assert found == expected
    assert len(set(found)) == len(found)


def test_a_type_filter_finds_exactly_the_documents_of_that_type(
    both: tuple[Stores, Stores],
) -> None:
    dynamo, sqlite = both
    everything = [
        r for p in every_page(sqlite.reviews, DocumentQuery(limit=100)) for r in p.records
    ]
    labs = [r.id for r in everything if r.summary and r.summary.document_type == "LAB_REPORT"]
    assert len(labs) >= 4

    for stores in (dynamo, sqlite):
        assert all_ids(stores.reviews, DocumentQuery(document_type="LAB_REPORT", limit=3)) == labs


def test_counts_match_the_sqlite_store(both: tuple[Stores, Stores]) -> None:
    dynamo, sqlite = both
    assert dynamo.reviews.count_by_status() == sqlite.reviews.count_by_status()
