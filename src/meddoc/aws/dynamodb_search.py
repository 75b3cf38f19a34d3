"""Document search on the DynamoDB table. Every index sorts by the same position,
"<created_at>#<id>", so each filter is a stream of hits newest first; streams merge (any
of) or intersect (all of), and one cursor, a position, resumes any plan exactly.

Which index answers (the most selective one; the other filters are checked in code):
  entity / code / free text  ByTerm (keys only: the records come by BatchGetItem)
  document type              ByTerm too: a typed record's own item is there under
                             TYPE#<type> (dynamodb_store.type_keys), so it intersects
                             with the term streams and reads only documents of the type
  status                     ByStatus
  a date range from `since`  ByMonth, month partitions newest first
  nothing selective          ByStatus, the four status partitions merged
DynamoDB has no full-text search: on AWS, free text is looked up as entity terms and
codes (the whole phrase, or every word), and entity text and codes match whole
(normalized) terms, where the local store matches substrings and code prefixes.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from meddoc import serialization
from meddoc.aws.dynamodb_store import TYPE_PARTITION
from meddoc.errors import InvalidRequest, ServiceThrottled
from meddoc.model import DocumentRecord, Status
from meddoc.ports import DocumentQuery, RecordPage

CODE_KINDS = ("ICD-10-CM", "RxNorm")
MAX_WORDS = 8  # free-text words looked up (each costs up to three index queries)
MAX_MONTHS = 24  # a longer date range reads the status partitions instead
MAX_EXAMINED = 1000  # hits checked per call before a short page (with a cursor) returns
_WORD = re.compile(r"\w+", re.UNICODE)
_INDEXES = {
    "ByStatus": ("gsi1pk", "gsi1sk"),
    "ByTerm": ("gsi2pk", "gsi2sk"),
    "ByMonth": ("gsi3pk", "gsi3sk"),
}


@dataclass(frozen=True, slots=True)
class Hit:
    position: str  # "<created_at>#<document id>", the order every index shares
    document_id: str
    item: dict[str, Any] | None = None  # the record item, where the index projects it


@dataclass(frozen=True, slots=True)
class Window:
    lower: str | None = None  # inclusive position
    upper: str | None = None  # exclusive position

    @property
    def empty(self) -> bool:
        return self.lower is not None and self.upper is not None and self.lower >= self.upper


Stream = Iterator[Hit]


def any_of(streams: Iterable[Stream]) -> Stream:
    """Hits in any of the streams, once each, newest first."""
    last = None
    for hit in heapq.merge(*streams, key=lambda h: h.position, reverse=True):
        if hit.position != last:
            last = hit.position
            yield hit


def all_of(streams: list[Stream]) -> Stream:
    """Hits in every stream: a merge join of the streams, all newest first."""
    iterators = [any_of([stream]) for stream in streams]
    heads = [next(it, None) for it in iterators]
    while True:
        present = [h for h in heads if h is not None]
        if len(present) < len(heads):
            return
        lowest = min(h.position for h in present)
        if all(h.position == lowest for h in present):
            yield next((h for h in present if h.item is not None), present[0])
            heads = [next(it, None) for it in iterators]
            continue
        heads = [
            h if h.position <= lowest else _first_at_or_below(it, lowest)
            for h, it in zip(present, iterators, strict=True)
        ]


def _first_at_or_below(iterator: Stream, position: str) -> Hit | None:
    return next((h for h in iterator if h.position <= position), None)


class DocumentSearch:
    def __init__(self, dynamodb: Any, table_name: str, now: Callable[[], datetime]) -> None:
        self.dynamodb = dynamodb
        self.table = dynamodb.Table(table_name)
        self.table_name = table_name
        self.now = now

    def page(self, query: DocumentQuery) -> RecordPage:
        window = _window(query)
        if window.empty:
            return RecordPage([])
        hits = self._plan(query, window, page_size=min(query.limit + 1, 100))
        found: list[tuple[Hit, DocumentRecord]] = []
        examined = 0
        for chunk in _chunks(hits, min(query.limit + 1, 100)):
            for hit, record in self._records(chunk):
                examined += 1
                if record is None or not _wanted(record, query):
                    continue
                if len(found) == query.limit:
                    return RecordPage([r for _, r in found], encode_cursor(found[-1][0].position))
                found.append((hit, record))
            if examined >= MAX_EXAMINED:
                # Bounded work per request: a short page and the place to go on from.
                return RecordPage([r for _, r in found], encode_cursor(chunk[-1].position))
        return RecordPage([r for _, r in found])

    # --- planning -----------------------------------------------------------------------

    def _plan(self, query: DocumentQuery, window: Window, page_size: int) -> Stream:
        term_streams = self._term_streams(query, window)
        if term_streams:
            return all_of(term_streams) if len(term_streams) > 1 else term_streams[0]
        if query.status is not None:
            return self._entries("ByStatus", f"STATUS#{query.status.value}", window, page_size)
        months = _months(window, self.now()) if window.lower else None
        if months is not None and len(months) <= MAX_MONTHS:
            return itertools.chain.from_iterable(
                self._entries("ByMonth", f"MONTH#{month}", window, page_size) for month in months
            )
        return any_of(
            self._entries("ByStatus", f"STATUS#{status.value}", window, page_size)
            for status in Status
        )

    def _term_streams(self, query: DocumentQuery, window: Window) -> list[Stream]:
        streams: list[Stream] = []
        if query.document_type:
            streams.append(
                self._entries("ByTerm", f"{TYPE_PARTITION}{query.document_type}", window, 100)
            )
        entity = _normalized(query.entity)
        if entity:
            streams.append(self._term("entity", entity, window, query.category.strip()))
        code = query.code.strip().upper()
        if code:
            streams.append(self._code(code, window))
        phrase = _normalized(query.text)
        words = [w.lower() for w in _WORD.findall(query.text)][:MAX_WORDS]
        if words:
            found = [self._term("entity", phrase, window)]
            if " " not in phrase:
                found.append(self._code(phrase.upper(), window))
            if words != [phrase]:
                found.append(all_of([self._word(word, window) for word in words]))
            streams.append(any_of(found))
        return streams

    def _word(self, word: str, window: Window) -> Stream:
        return any_of([self._term("entity", word, window), self._code(word.upper(), window)])

    def _code(self, code: str, window: Window) -> Stream:
        return any_of(self._term(kind, code, window) for kind in CODE_KINDS)

    def _term(self, kind: str, value: str, window: Window, category: str = "") -> Stream:
        expected_sk = f"TERM#{kind}#{value}#{category}"
        for hit in self._entries("ByTerm", f"{kind}#{value}", window, 100):
            if not category or (hit.item or {}).get("sk") == expected_sk:
                yield Hit(hit.position, hit.document_id)

    # --- reading ------------------------------------------------------------------------

    def _entries(self, index: str, partition: str, window: Window, page_size: int) -> Stream:
        """One index partition, newest first, inside the window (read lazily)."""
        pk, sk = _INDEXES[index]
        condition = Key(pk).eq(partition)
        if window.lower is not None and window.upper is not None:
            condition &= Key(sk).between(window.lower, window.upper)
        elif window.upper is not None:
            condition &= Key(sk).lt(window.upper)
        elif window.lower is not None:
            condition &= Key(sk).gte(window.lower)
        request: dict[str, Any] = {
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ScanIndexForward": False,
            "Limit": page_size,
        }
        while True:
            answer = self.table.query(**request)
            for item in answer.get("Items", []):
                position = str(item[sk])
                if window.upper is not None and position >= window.upper:
                    continue  # BETWEEN includes its upper end; the window does not
                yield Hit(position, str(item["pk"]).removeprefix("DOC#"), item)
            if "LastEvaluatedKey" not in answer:
                return
            request["ExclusiveStartKey"] = answer["LastEvaluatedKey"]

    def _records(self, hits: list[Hit]) -> list[tuple[Hit, DocumentRecord | None]]:
        """Each hit with its record: from the index item, or by BatchGetItem."""
        missing = [h.document_id for h in hits if h.item is None or "data" not in h.item]
        fetched = self._batch_get(missing) if missing else {}
        pairs: list[tuple[Hit, DocumentRecord | None]] = []
        for hit in hits:
            item = hit.item if hit.item is not None and "data" in hit.item else None
            data = item["data"] if item else fetched.get(hit.document_id)
            record = serialization.loads(DocumentRecord, data) if data else None
            pairs.append((hit, record))
        return pairs

    def _batch_get(self, document_ids: list[str]) -> dict[str, str]:
        keys = [{"pk": f"DOC#{i}", "sk": "RECORD"} for i in dict.fromkeys(document_ids)]
        request: dict[str, Any] = {
            self.table_name: {
                "Keys": keys,
                "ProjectionExpression": "pk, #data",
                "ExpressionAttributeNames": {"#data": "data"},
            }
        }
        found: dict[str, str] = {}
        for attempt in range(6):
            answer = self.dynamodb.batch_get_item(RequestItems=request)
            for item in answer.get("Responses", {}).get(self.table_name, []):
                found[str(item["pk"]).removeprefix("DOC#")] = str(item["data"])
            request = answer.get("UnprocessedKeys") or {}
            if not request:
                return found
            time.sleep(0.05 * 2**attempt)
        raise ServiceThrottled("Amazon DynamoDB left keys unprocessed after several attempts")


# --- filters, windows and cursors -----------------------------------------------------


def _wanted(record: DocumentRecord, query: DocumentQuery) -> bool:
    if query.status is not None and record.status != query.status:
        return False
    if query.document_type and (
        record.summary is None or record.summary.document_type != query.document_type
    ):
        return False
    return query.review is None or record.review.status == query.review


def _normalized(text: str) -> str:
    # Index terms are lower case with single spaces (meddoc.pipeline.store.index_terms).
    return " ".join(text.lower().split())[:200]


def _window(query: DocumentQuery) -> Window:
    lower = serialization.to_dict(query.since) if query.since is not None else None
    uppers = [serialization.to_dict(query.until)] if query.until is not None else []
    if query.cursor:
        uppers.append(decode_cursor(query.cursor))
    return Window(lower, min(uppers) if uppers else None)


def _months(window: Window, now: datetime) -> list[str]:
    """The months ("yyyy-mm") the window spans, newest first."""
    assert window.lower is not None
    top = (window.upper or serialization.to_dict(now))[:7]
    year, month = int(top[:4]), int(top[5:7])
    months: list[str] = []
    while f"{year:04d}-{month:02d}" >= window.lower[:7] and len(months) <= MAX_MONTHS:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


def _chunks(hits: Stream, size: int) -> Iterator[list[Hit]]:
    while chunk := list(itertools.islice(hits, size)):
        yield chunk


def encode_cursor(position: str) -> str:
    """Like the local store's cursor: [created_at, id] as URL-safe base64 JSON."""
    created_at, _, document_id = position.rpartition("#")
    raw = json.dumps([created_at, document_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, document_id = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError) as exc:
        raise InvalidRequest("the cursor is not one this server gave out") from exc
    if not isinstance(created_at, str) or not isinstance(document_id, str):
        raise InvalidRequest("the cursor is not one this server gave out")
    return f"{created_at}#{document_id}"
