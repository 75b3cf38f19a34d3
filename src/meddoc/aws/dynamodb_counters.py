"""Documents per status as counters on the documents table, moved in the same transaction
as the record whose status changes, so /api/health reads a few items instead of the index:

  pk                    sk      attributes
  STATUS_COUNTS#<n>     COUNTS  <status>: documents of that status in shard n (any status)

A document always counts in the shard its id hashes to; shards spread the writes of a
burst over SHARDS items (one BatchGetItem reads them all back).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Iterable
from typing import Any

from boto3.dynamodb.conditions import Key
from botocore.exceptions import ClientError

from meddoc.aws.clients import error_code, service_errors

SERVICE = "Amazon DynamoDB"
PARTITION = "STATUS_COUNTS#"
SORT_KEY = "COUNTS"
SHARDS = 16
# Why a write lost: the record's version moved (ConditionalCheckFailed) or another
# transaction held the record or its counter item at that moment (TransactionConflict).
RACES = frozenset({"ConditionalCheckFailed", "TransactionConflict"})


class LostRace(Exception):
    """The counted write did not happen: read again and retry."""


def shard_key(document_id: str) -> dict[str, str]:
    shard = zlib.crc32(document_id.encode()) % SHARDS
    return {"pk": f"{PARTITION}{shard}", "sk": SORT_KEY}


def moves(table_name: str, changes: Iterable[tuple[str, str | None, str | None]]) -> list[Any]:
    """TransactWriteItems updates for (document id, status before, status after) changes;
    None is no record (created or deleted). One update per shard: a transaction may not
    touch an item twice."""
    deltas: dict[str, Counter[str]] = {}
    for document_id, before, after in changes:
        if before == after:
            continue
        shard = deltas.setdefault(shard_key(document_id)["pk"], Counter())
        if before is not None:
            shard[before] -= 1
        if after is not None:
            shard[after] += 1
    actions = []
    for pk, delta in sorted(deltas.items()):
        moved = sorted((status, n) for status, n in delta.items() if n)
        if not moved:
            continue
        names = {f"#s{i}": status for i, (status, _) in enumerate(moved)}
        values = {f":n{i}": n for i, (_, n) in enumerate(moved)}
        adds = ", ".join(f"#s{i} :n{i}" for i in range(len(moved)))
        actions.append(
            {
                "Update": {
                    "TableName": table_name,
                    "Key": {"pk": pk, "sk": SORT_KEY},
                    "UpdateExpression": f"ADD {adds}",
                    "ExpressionAttributeNames": names,
                    "ExpressionAttributeValues": values,
                }
            }
        )
    return actions


def transact(table: Any, actions: list[Any]) -> None:
    """TransactWriteItems through the Table's client (plain Python values); LostRace when a
    condition failed or another transaction held an item."""
    try:
        table.meta.client.transact_write_items(TransactItems=actions)
    except ClientError as exc:
        if lost_race(exc):
            raise LostRace from exc
        with service_errors(SERVICE):
            raise


def lost_race(exc: ClientError) -> bool:
    code = error_code(exc)
    if code in ("ConditionalCheckFailedException", "TransactionConflictException"):
        return True
    if code != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    return bool({str(reason.get("Code", "")) for reason in reasons} & RACES)


def put_counted(
    table: Any, item: dict[str, Any], before: str | None, condition: dict[str, Any]
) -> None:
    """Put a record item on its condition; if its status is not `before` (None: a new
    record), the counters move in the same transaction. LostRace if the condition failed."""
    after = str(item["status"])
    if before == after:
        try:
            table.put_item(Item=item, **condition)
        except ClientError as exc:
            if lost_race(exc):
                raise LostRace from exc
            with service_errors(SERVICE):
                raise
        return
    document_id = str(item["pk"]).removeprefix("DOC#")
    put = {"Put": {"TableName": table.name, "Item": item, **condition}}
    transact(table, [put, *moves(table.name, [(document_id, before, after)])])


def delete_counted(table: Any, key: dict[str, str], status: str, version: int) -> None:
    """Delete a record item if its version is still `version`, with its count."""
    document_id = key["pk"].removeprefix("DOC#")
    delete = {
        "Delete": {
            "TableName": table.name,
            "Key": key,
            "ConditionExpression": "version = :v",
            "ExpressionAttributeValues": {":v": version},
        }
    }
    transact(table, [delete, *moves(table.name, [(document_id, status, None)])])


def status_counts(table: Any) -> dict[str, int]:
    """Documents per status (statuses with none left out), from every shard."""
    keys = [{"pk": f"{PARTITION}{n}", "sk": SORT_KEY} for n in range(SHARDS)]
    request: dict[str, Any] = {table.name: {"Keys": keys, "ConsistentRead": True}}
    totals: Counter[str] = Counter()
    with service_errors(SERVICE):
        while request:
            answer = table.meta.client.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(table.name, []):
                for name, value in item.items():
                    if name not in ("pk", "sk"):
                        totals[name] += int(value)
            request = answer.get("UnprocessedKeys") or {}
    return {status: n for status, n in sorted(totals.items()) if n}


def recount(table: Any, statuses: Iterable[str]) -> dict[str, int]:
    """Set the counters from a full count through the ByStatus index: once, for records
    written before the counters existed (run it while no document is being processed)."""
    counts = {status: _index_count(table, status) for status in statuses}
    counts = {status: n for status, n in counts.items() if n}
    with service_errors(SERVICE), table.batch_writer() as batch:
        for shard in range(SHARDS):
            item: dict[str, Any] = {"pk": f"{PARTITION}{shard}", "sk": SORT_KEY}
            batch.put_item(Item={**item, **counts} if shard == 0 else item)
    return counts


def _index_count(table: Any, status: str) -> int:
    request: dict[str, Any] = {
        "IndexName": "ByStatus",
        "KeyConditionExpression": Key("gsi1pk").eq(f"STATUS#{status}"),
        "Select": "COUNT",
    }
    total = 0
    with service_errors(SERVICE):
        while True:
            answer = table.query(**request)
            total += int(answer.get("Count", 0))
            if "LastEvaluatedKey" not in answer:
                return total
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]
