"""JSON round-trips for the model's dataclasses: one generic codec, driven by type hints,
so every model class serializes the same way (snake_case keys, enums as values,
datetimes as ISO 8601 UTC)."""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from datetime import UTC, datetime
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data from a model object (recursively)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in _fields(type(obj))}
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, datetime):
        return _iso(obj)
    if isinstance(obj, list | tuple):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    return obj


def from_dict(cls: type[T], data: Any) -> T:
    """A model object of type `cls` from data made by `to_dict` (unknown keys ignored,
    missing keys take the field default)."""
    return typing.cast(T, _decode(cls, data))


def dumps(obj: Any) -> str:
    return json.dumps(to_dict(obj), ensure_ascii=False, separators=(",", ":"))


def loads(cls: type[T], text: str | bytes) -> T:
    return from_dict(cls, json.loads(text))


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


@cache
def _fields(cls: type) -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(cls)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(tp: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(options[0], data) if len(options) == 1 else data
    if origin is list:
        (item,) = typing.get_args(tp)
        return [_decode(item, v) for v in data]
    if origin is tuple:
        item = typing.get_args(tp)[0]
        return tuple(_decode(item, v) for v in data)
    if origin is dict:
        _, value = typing.get_args(tp)
        return {k: _decode(value, v) for k, v in data.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            hints = _hints(tp)
            kwargs = {
                f.name: _decode(hints[f.name], data[f.name])
                for f in _fields(tp)
                if f.name in data and f.init
            }
            return tp(**kwargs)
        if issubclass(tp, enum.Enum):
            return tp(data)
        if tp is datetime:
            return datetime.fromisoformat(data)
        if tp is float and isinstance(data, int):
            return float(data)
    return data
