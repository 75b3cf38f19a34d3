"""Tombstones on the documents table, apart from the document's own partition (deleting
the document deletes that partition) and listed by age through the ByStatus index:

  pk               sk         index ByStatus (partition, sort)
  TOMBSTONE#<id>   TOMBSTONE  (TOMBSTONES, <at>#<id>)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from meddoc import serialization
from meddoc.aws.clients import resource, service_errors
from meddoc.ports import Tombstone

SERVICE = "Amazon DynamoDB"
PARTITION = "TOMBSTONES"


def _key(document_id: str) -> dict[str, str]:
    return {"pk": f"TOMBSTONE#{document_id}", "sk": "TOMBSTONE"}


class DynamoTombstones:
    def __init__(self, table_name: str, dynamodb: Any = None) -> None:
        self.table = (dynamodb or resource("dynamodb")).Table(table_name)

    def bury(self, tombstone: Tombstone) -> None:
        at = serialization.to_dict(tombstone.at)
        item = {
            **_key(tombstone.document_id),
            "document_id": tombstone.document_id,
            "attempts": tombstone.attempts,
            "at": at,
            "gsi1pk": PARTITION,
            "gsi1sk": f"{at}#{tombstone.document_id}",
        }
        with service_errors(SERVICE):
            self.table.put_item(Item=item)

    def find(self, document_id: str) -> Tombstone | None:
        with service_errors(SERVICE):
            item = self.table.get_item(Key=_key(document_id), ConsistentRead=True).get("Item")
        return _tombstone(item) if item else None

    def lift(self, document_id: str) -> None:
        with service_errors(SERVICE):
            self.table.delete_item(Key=_key(document_id))

    def older_than(self, moment: datetime) -> list[Tombstone]:
        request: dict[str, Any] = {
            "IndexName": "ByStatus",
            "KeyConditionExpression": Key("gsi1pk").eq(PARTITION)
            & Key("gsi1sk").lt(serialization.to_dict(moment)),
        }
        found: list[Tombstone] = []
        with service_errors(SERVICE):
            while True:
                page = self.table.query(**request)
                found += [_tombstone(item) for item in page.get("Items", [])]
                if "LastEvaluatedKey" not in page:
                    return found
                request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _tombstone(item: dict[str, Any]) -> Tombstone:
    return Tombstone(
        document_id=str(item["document_id"]),
        attempts=int(item["attempts"]),
        at=datetime.fromisoformat(str(item["at"])),
    )
