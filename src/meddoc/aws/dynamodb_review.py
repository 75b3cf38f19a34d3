"""ReviewStore on the documents table (the single-table design of dynamodb_store.py):
search through the indexes (dynamodb_search.py), and what reviewers did as more items
in the document's partition, in time order:

  pk         sk
  DOC#<id>   AUDIT#<at>#<seq>#<event id>         an audit event (JSON in `data`)
  DOC#<id>   CORRECTION#<at>#<seq>#<id>          a correction (JSON in `data`)

<seq> is the writer's clock in nanoseconds: events with the same `at` keep the order
they were written in, as the local store's row order does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from meddoc import serialization
from meddoc.aws.clients import resource, service_errors
from meddoc.aws.dynamodb_counters import LostRace, delete_counted, status_counts
from meddoc.aws.dynamodb_search import DocumentSearch
from meddoc.aws.dynamodb_store import document_key
from meddoc.errors import ServiceUnavailable
from meddoc.model import AuditEvent, Correction
from meddoc.ports import DocumentQuery, RecordPage

AUDIT = "AUDIT#"
CORRECTION = "CORRECTION#"
SERVICE = "Amazon DynamoDB"
ATTEMPTS = 8


def _utc_now() -> datetime:
    return datetime.now(UTC)


def audit_item(event: AuditEvent) -> dict[str, Any]:
    return _item(event.document_id, AUDIT, event.at, event.id, serialization.dumps(event))


def correction_item(correction: Correction) -> dict[str, Any]:
    return _item(
        correction.document_id,
        CORRECTION,
        correction.at,
        correction.id,
        serialization.dumps(correction),
    )


def _item(document_id: str, kind: str, at: datetime, item_id: str, data: str) -> dict[str, Any]:
    moment = serialization.to_dict(at)
    return {
        "pk": f"DOC#{document_id}",
        "sk": f"{kind}{moment}#{time.time_ns():020d}#{item_id}",
        "data": data,
    }


class DynamoReviewStore:
    def __init__(
        self, table_name: str, dynamodb: Any = None, now: Callable[[], datetime] = _utc_now
    ) -> None:
        dynamodb = dynamodb or resource("dynamodb")
        self.table = dynamodb.Table(table_name)
        self.finder = DocumentSearch(dynamodb, table_name, now)

    def search(self, query: DocumentQuery) -> RecordPage:
        with service_errors(SERVICE):
            return self.finder.page(query)

    def count_by_status(self) -> dict[str, int]:
        """From the status counters the record writes keep (not the index: O(1) reads)."""
        return status_counts(self.table)

    def add_audit(self, event: AuditEvent) -> None:
        self._put(audit_item(event))

    def audit(self, document_id: str) -> list[AuditEvent]:
        return [
            serialization.loads(AuditEvent, item["data"])
            for item in self._partition(document_id, AUDIT)
        ]

    def add_correction(self, correction: Correction) -> None:
        self._put(correction_item(correction))

    def corrections(self, document_id: str) -> list[Correction]:
        return [
            serialization.loads(Correction, item["data"])
            for item in self._partition(document_id, CORRECTION)
        ]

    def delete(self, document_id: str) -> None:
        """Every item of the partition: the record (with its count), its terms, audit and
        corrections."""
        self._delete_record(document_id)
        keys = [
            {"pk": item["pk"], "sk": item["sk"]}
            for item in self._partition(document_id, "", keys_only=True)
        ]
        with service_errors(SERVICE), self.table.batch_writer() as batch:
            for key in keys:
                batch.delete_item(Key=key)

    def _delete_record(self, document_id: str) -> None:
        key = document_key(document_id)
        for _ in range(ATTEMPTS):
            with service_errors(SERVICE):
                item = self.table.get_item(Key=key, ConsistentRead=True).get("Item")
            if item is None:
                return
            try:
                delete_counted(self.table, key, str(item["status"]), int(item["version"]))
                return
            except LostRace:
                continue  # a step changed the record meanwhile: read it again
        raise ServiceUnavailable("the document record changed concurrently too many times")

    def _put(self, item: dict[str, Any]) -> None:
        with service_errors(SERVICE):
            self.table.put_item(Item=item)

    def _partition(
        self, document_id: str, prefix: str, keys_only: bool = False
    ) -> list[dict[str, Any]]:
        condition = Key("pk").eq(f"DOC#{document_id}")
        if prefix:
            condition &= Key("sk").begins_with(prefix)
        request: dict[str, Any] = {"KeyConditionExpression": condition, "ConsistentRead": True}
        if keys_only:
            request["ProjectionExpression"] = "pk, sk"
        items: list[dict[str, Any]] = []
        with service_errors(SERVICE):
            while True:
                answer = self.table.query(**request)
                items += answer.get("Items", [])
                if "LastEvaluatedKey" not in answer:
                    return items
                request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
