"""DocumentStore on one DynamoDB table. A record is one item (its JSON plus the keys of
the indexes); each search term is one more item under the document's partition.

  pk         sk                   index ByStatus / ByTerm / ByMonth (partition, sort)
  DOC#<id>   RECORD               ByStatus (STATUS#<status>, <t>#<id>)
                                  ByMonth  (MONTH#<yyyy-mm>, <t>#<id>)
                                  ByTerm   (TYPE#<document type>, <t>#<id>), once typed
  DOC#<id>   TERM#<kind>#<value>  ByTerm   (<kind>#<value>, <t>#<id>)

(<t> is the record's created_at, so every index pages by date.) A processed record is in
ByTerm under its document type too: a list filtered by type reads only documents of that
type, and the entry changes with the record in the same write. A write that changes a
record's status moves the status counters in the same transaction (dynamodb_counters.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from meddoc import serialization
from meddoc.aws.clients import resource, service_errors
from meddoc.aws.dynamodb_counters import LostRace, put_counted
from meddoc.errors import DocumentNotFound, ServiceUnavailable
from meddoc.model import DocumentRecord
from meddoc.ports import IndexTerm, RecordChange

RECORD = "RECORD"
TERM = "TERM#"
TYPE_PARTITION = "TYPE#"  # beside the term partitions "<kind>#<value>" in ByTerm
_ATTEMPTS = 8


def document_key(document_id: str) -> dict[str, str]:
    return {"pk": f"DOC#{document_id}", "sk": RECORD}


def record_item(record: DocumentRecord, version: int) -> dict[str, Any]:
    created = serialization.to_dict(record.created_at)
    return {
        **document_key(record.id),
        "data": serialization.dumps(record),
        "version": version,
        "status": record.status.value,
        "created_at": created,
        "updated_at": serialization.to_dict(record.updated_at),
        "gsi1pk": f"STATUS#{record.status.value}",
        "gsi1sk": f"{created}#{record.id}",
        "gsi3pk": f"MONTH#{created[:7]}",
        "gsi3sk": f"{created}#{record.id}",
        **type_keys(record),
    }


def type_keys(record: DocumentRecord) -> dict[str, str]:
    """The record's place in ByTerm under its document type (none until typed)."""
    document_type = record.summary.document_type if record.summary else ""
    if not document_type:
        return {}
    created = serialization.to_dict(record.created_at)
    return {"gsi2pk": f"{TYPE_PARTITION}{document_type}", "gsi2sk": f"{created}#{record.id}"}


class DynamoDocumentStore:
    def __init__(self, table_name: str, dynamodb: Any = None) -> None:
        self.table = (dynamodb or resource("dynamodb")).Table(table_name)

    def get(self, document_id: str) -> DocumentRecord | None:
        item = self._item(document_id)
        return _record(item) if item else None

    def create(self, record: DocumentRecord) -> bool:
        """False if the record exists already. The status counters count it in the same
        transaction (dynamodb_counters)."""
        new = {"ConditionExpression": "attribute_not_exists(pk)"}
        for _ in range(_ATTEMPTS):
            try:
                put_counted(self.table, record_item(record, version=1), None, new)
                return True
            except LostRace:
                if self._item(record.id) is not None:
                    return False
        raise ServiceUnavailable("the status counters were busy too many times")

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        for _ in range(_ATTEMPTS):
            item = self._item(document_id)
            if item is None:
                raise DocumentNotFound(f"no document {document_id}")
            record = _record(item)
            if not change(record):
                return record
            version = int(item["version"])
            guard = {
                "ConditionExpression": "version = :v",
                "ExpressionAttributeValues": {":v": version},
            }
            try:
                put_counted(self.table, record_item(record, version + 1), item["status"], guard)
                return record
            except LostRace:
                continue
        raise ServiceUnavailable("the document record changed concurrently too many times")

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str = "") -> None:
        """Terms only: DynamoDB has no free-text search, so on AWS text queries are
        answered from the entity terms (the full text stays in the results bucket). No
        terms clears the index, also of a record deleted meanwhile."""
        wanted = {term_sk(t): t for t in terms}
        items = []
        if wanted:
            record = self.get(document_id)
            if record is None:
                raise DocumentNotFound(f"no document {document_id}")
            items = [term_item(record, term) for term in wanted.values()]
        existing = set(term_keys(self.table, document_id))
        with service_errors("Amazon DynamoDB"), self.table.batch_writer() as batch:
            for sk in existing - wanted.keys():
                batch.delete_item(Key={"pk": f"DOC#{document_id}", "sk": sk})
            for item in items:
                batch.put_item(Item=item)

    def _item(self, document_id: str) -> dict[str, Any] | None:
        with service_errors("Amazon DynamoDB"):
            response = self.table.get_item(Key=document_key(document_id), ConsistentRead=True)
        item: dict[str, Any] | None = response.get("Item")
        return item


def term_sk(term: IndexTerm) -> str:
    return f"{TERM}{term.kind}#{term.value}#{term.category}"


def term_item(record: DocumentRecord, term: IndexTerm) -> dict[str, Any]:
    """A search term's item, in the document's partition and the ByTerm index."""
    return {
        "pk": f"DOC#{record.id}",
        "sk": term_sk(term),
        "kind": term.kind,
        "value": term.value,
        "category": term.category,
        "gsi2pk": f"{term.kind}#{term.value}",
        "gsi2sk": f"{serialization.to_dict(record.created_at)}#{record.id}",
    }


def term_keys(table: Any, document_id: str) -> list[str]:
    """The sort keys of the document's term items."""
    keys: list[str] = []
    query: dict[str, Any] = {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :term)",
        "ExpressionAttributeValues": {":pk": f"DOC#{document_id}", ":term": TERM},
        "ProjectionExpression": "sk",
        "ConsistentRead": True,
    }
    with service_errors("Amazon DynamoDB"):
        while True:
            page = table.query(**query)
            keys += [item["sk"] for item in page.get("Items", [])]
            if "LastEvaluatedKey" not in page:
                return keys
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _record(item: dict[str, Any]) -> DocumentRecord:
    return serialization.loads(DocumentRecord, item["data"])
