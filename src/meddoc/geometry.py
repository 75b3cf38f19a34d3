"""Page-relative geometry shared by the text and the structure of a page: boxes and
polygons in 0-1 of the page width and height."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """Axis-aligned box, page-relative: 0-1 of the page width and height."""

    left: float
    top: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True, slots=True)
class Geometry:
    box: BoundingBox
    polygon: tuple[Point, ...] = ()

    @classmethod
    def from_box(cls, left: float, top: float, width: float, height: float) -> Geometry:
        box = BoundingBox(left, top, width, height)
        corners = (
            Point(left, top),
            Point(left + width, top),
            Point(left + width, top + height),
            Point(left, top + height),
        )
        return cls(box, corners)

    @classmethod
    def from_polygon(cls, points: tuple[Point, ...]) -> Geometry:
        xs = [p.x for p in points]
        ys = [p.y for p in points]
        box = BoundingBox(min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys))
        return cls(box, points)

    @classmethod
    def enclosing(cls, geometries: list[Geometry]) -> Geometry:
        left = min(g.box.left for g in geometries)
        top = min(g.box.top for g in geometries)
        right = max(g.box.right for g in geometries)
        bottom = max(g.box.bottom for g in geometries)
        return cls.from_box(left, top, right - left, bottom - top)
