"""The review unit of work on DynamoDB: writes are staged, then sent as one
TransactWriteItems (all or nothing). Records read through the unit are guarded by their
version: each is put back (changed or not) with the next version on condition that its
version is still the one read, so two units that read the same record cannot both
commit (the loser writes nothing and may try again)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

from botocore.exceptions import ClientError

from meddoc import serialization
from meddoc.aws.clients import error_code, service_errors
from meddoc.aws.dynamodb_counters import moves
from meddoc.aws.dynamodb_review import audit_item, correction_item
from meddoc.aws.dynamodb_store import (
    document_key,
    record_item,
    term_item,
    term_keys,
    term_sk,
)
from meddoc.errors import ConcurrentChange, DocumentNotFound, ServiceRejected
from meddoc.model import AuditEvent, Correction, DocumentRecord
from meddoc.ports import IndexTerm, RecordChange

SERVICE = "Amazon DynamoDB"
MAX_ITEMS = 100  # TransactWriteItems' limit of actions per transaction


@dataclass
class _Read:
    record: DocumentRecord
    version: int
    status: str  # as read: a change of status moves the status counters at commit


class DynamoReviewUnitOfWork:
    def __init__(self, table_name: str, dynamodb: Any) -> None:
        self.table = dynamodb.Table(table_name)
        self.table_name = table_name
        self._reads: dict[str, _Read] = {}
        self._writes: list[dict[str, Any]] = []  # audit events and corrections
        self._index: list[tuple[str, dict[str, Any]]] = []  # ("put", item) / ("delete", key)

    def __enter__(self) -> Self:
        self._reads, self._writes, self._index = {}, [], []
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._reads, self._writes, self._index = {}, [], []  # nothing staged is sent

    def get(self, document_id: str) -> DocumentRecord | None:
        read = self._read(document_id)
        return read.record if read else None

    def update(self, document_id: str, change: RecordChange) -> DocumentRecord:
        read = self._read(document_id)
        if read is None:
            raise DocumentNotFound(f"no document {document_id}")
        change(read.record)  # put back at commit in any case, under the version guard
        return read.record

    def add_audit(self, event: AuditEvent) -> None:
        self._writes.append({"Put": self._put(audit_item(event))})

    def add_correction(self, correction: Correction) -> None:
        self._writes.append({"Put": self._put(correction_item(correction))})

    def index(self, document_id: str, terms: Iterable[IndexTerm], text: str = "") -> None:
        """Only the terms that change are written (a correction changes a few, so the
        transaction stays small); as in DynamoDocumentStore.index, no text is kept."""
        read = self._read(document_id)
        if read is None:
            raise DocumentNotFound(f"no document {document_id}")
        wanted = {term_sk(t): t for t in terms}
        existing = set(term_keys(self.table, document_id))
        for sk in sorted(existing - wanted.keys()):
            self._index.append(("delete", {"pk": f"DOC#{document_id}", "sk": sk}))
        for sk in sorted(wanted.keys() - existing):
            self._index.append(("put", term_item(read.record, wanted[sk])))

    def commit(self) -> None:
        """One transaction of the guarded records, the review items and as many index
        changes as fit; index changes beyond MAX_ITEMS (only when the stored index was
        out of date before this unit) follow in batches: the index is derived data, and
        the next write of the document's terms computes the difference again."""
        actions = [*self._guards(), *self._counters(), *self._writes]
        if len(actions) > MAX_ITEMS:
            raise ServiceRejected(f"{SERVICE}: more than {MAX_ITEMS} review writes at once")
        room = MAX_ITEMS - len(actions)
        actions += [self._action(kind, item) for kind, item in self._index[:room]]
        overflow = self._index[room:]
        if actions:
            self._transact(actions)
        if overflow:
            self._write_batches(overflow)
        self._reads, self._writes, self._index = {}, [], []

    # --- helpers ------------------------------------------------------------------------

    def _read(self, document_id: str) -> _Read | None:
        if document_id not in self._reads:
            with service_errors(SERVICE):
                answer = self.table.get_item(Key=document_key(document_id), ConsistentRead=True)
            item = answer.get("Item")
            if item is None:
                return None
            record = serialization.loads(DocumentRecord, item["data"])
            self._reads[document_id] = _Read(record, int(item["version"]), str(item["status"]))
        return self._reads[document_id]

    def _guards(self) -> list[dict[str, Any]]:
        """Each record read, put back (changed or not) with the next version, if its
        version is still the one read. A Put like DocumentStore.update's: the API needs
        no UpdateItem permission."""
        return [
            {
                "Put": {
                    **self._put(record_item(read.record, read.version + 1)),
                    "ConditionExpression": "version = :read",
                    "ExpressionAttributeValues": {":read": read.version},
                }
            }
            for read in self._reads.values()
        ]

    def _counters(self) -> list[dict[str, Any]]:
        changes = [(i, r.status, r.record.status.value) for i, r in self._reads.items()]
        return moves(self.table_name, changes)

    def _put(self, item: dict[str, Any]) -> dict[str, Any]:
        return {"TableName": self.table_name, "Item": item}

    def _transact(self, actions: list[dict[str, Any]]) -> None:
        # The Table's own client: it takes plain Python values, as the Table does.
        client = self.table.meta.client
        try:
            client.transact_write_items(TransactItems=actions)
        except ClientError as exc:
            if _lost_a_race(exc):
                raise ConcurrentChange(
                    "the document changed while this change was being saved; try again"
                ) from exc
            with service_errors(SERVICE):
                raise

    def _action(self, kind: str, item: dict[str, Any]) -> dict[str, Any]:
        if kind == "put":
            return {"Put": self._put(item)}
        return {"Delete": {"TableName": self.table_name, "Key": item}}

    def _write_batches(self, changes: list[tuple[str, dict[str, Any]]]) -> None:
        with service_errors(SERVICE), self.table.batch_writer() as batch:
            for kind, item in changes:
                if kind == "put":
                    batch.put_item(Item=item)
                else:
                    batch.delete_item(Key=item)


def _lost_a_race(exc: ClientError) -> bool:
    """A guard's condition failed, or another transaction held one of the items."""
    code = error_code(exc)
    if code == "TransactionConflictException":
        return True
    if code != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    codes = {str(reason.get("Code", "")) for reason in reasons}
    return bool(codes & {"ConditionalCheckFailed", "TransactionConflict"})
