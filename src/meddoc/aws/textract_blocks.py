"""Reading single Amazon Textract blocks: relationships, confidence and page-relative
geometry, kept within the 0-1 range the model promises."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from meddoc.model import BoundingBox, Geometry, Point

Block = Mapping[str, Any]


def unique_blocks(blocks: Iterable[Block]) -> dict[str, Block]:
    """Blocks by id. A retried page fetch may repeat blocks; the first copy wins, order
    is kept."""
    unique: dict[str, Block] = {}
    for block in blocks:
        unique.setdefault(block["Id"], block)
    return unique


def related(block: Block, kind: str = "CHILD") -> list[str]:
    """The ids a block lists under one relationship type, each once, in its order."""
    ids = (
        ident
        for relationship in block.get("Relationships") or []
        if relationship.get("Type") == kind
        for ident in relationship.get("Ids") or []
    )
    return list(dict.fromkeys(ids))


def confidence(block: Block) -> float:
    return clamp(float(block.get("Confidence", 0.0)) / 100.0)


def geometry(block: Block, parts: list[Geometry] | None = None) -> Geometry:
    """The block's geometry; without one, the box around its parts (or an empty box)."""
    raw = block.get("Geometry") or {}
    box = raw.get("BoundingBox")
    polygon = tuple(_point(float(p["X"]), float(p["Y"])) for p in raw.get("Polygon") or [])
    if box:
        return Geometry(_box(box), polygon)
    if polygon:
        return Geometry.from_polygon(polygon)
    if parts:
        return Geometry.enclosing(parts)
    return Geometry.from_box(0.0, 0.0, 0.0, 0.0)


def has_geometry(block: Block) -> bool:
    raw = block.get("Geometry") or {}
    return bool(raw.get("BoundingBox") or raw.get("Polygon"))


def _box(raw: Mapping[str, Any]) -> BoundingBox:
    left, top = float(raw["Left"]), float(raw["Top"])
    width, height = float(raw["Width"]), float(raw["Height"])
    if left >= 0 and top >= 0 and left + width <= 1 and top + height <= 1:
        return BoundingBox(left, top, width, height)
    # Textract reports slightly-off-page boxes (e.g. 1.00000003, or text cut at the
    # edge); the model promises 0-1. Clamping only when out of range keeps in-range
    # values bit-exact, and a clamped box stays in range when parsed again.
    right, bottom = clamp(left + width), clamp(top + height)
    left, top = clamp(left), clamp(top)
    return BoundingBox(left, top, _fit(left, right - left), _fit(top, bottom - top))


def _fit(start: float, length: float) -> float:
    """The largest length <= `length` with start + length <= 1 in float arithmetic."""
    length = max(0.0, length)
    while start + length > 1.0:
        length = math.nextafter(length, 0.0)
    return length


def _point(x: float, y: float) -> Point:
    if 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0:  # nearly always; clamping is the slow path
        return Point(x, y)
    return Point(clamp(x), clamp(y))


def clamp(value: float) -> float:
    return min(1.0, max(0.0, value))
