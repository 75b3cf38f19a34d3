"""PDFs judged with pypdf, without rendering: their pages, each page's size, and what
drawing the page would cost a renderer (drawings nested in drawings and drawn again and
again, images), so that no page reaches pdfium that would take it gigabytes or minutes."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any, cast

from meddoc.errors import DocumentNotFound, InvalidDocument
from meddoc.limits import (
    POINTS_PER_INCH,
    Limits,
    data_size,
    megabytes,
    pixels,
    too_many_pages,
)

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

# pdfium keeps a parsed copy of a form XObject for every time it is drawn: ~1.8 KB each,
# against ~33 bytes per byte of drawing instructions (measured, pypdfium2 5.15). So a
# drawing of a form costs what 64 bytes of instructions cost, on top of the form's own.
FORM_DRAW_COST = 64
_DRAW = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do(?![^\s/\[\]()<>{}%])")
_INLINE_IMAGE = re.compile(rb"\bBI\b(.*?)\bID\b", re.DOTALL)
_INLINE_WIDTH = re.compile(rb"/(?:W|Width)\s+(\d+)")
_INLINE_HEIGHT = re.compile(rb"/(?:H|Height)\s+(\d+)")
_NAME_ESCAPE = re.compile(rb"#([0-9a-fA-F]{2})")

PdfSource = bytes | io.IOBase  # bytes, or a seekable file read where needed


def open_pdf(data: PdfSource) -> PdfReader:
    """A reader of the PDF in `data`, or in a seekable file (read where needed)."""
    from pypdf import PdfReader

    try:
        stream = data if isinstance(data, io.IOBase) else io.BytesIO(data)  # bytes, mmap
        reader = PdfReader(cast(IO[bytes], stream))
        encrypted = reader.is_encrypted
    except Exception as exc:  # pypdf raises assorted errors on malformed files
        raise InvalidDocument("the PDF is corrupt or truncated") from exc
    if encrypted:
        raise InvalidDocument("the PDF is password-protected; upload an unlocked copy")
    return reader


def pdf_page_count(data: PdfSource, limits: Limits) -> int:
    """The number of pages, after every page passed `check_page`. Objects read for one
    page are let go before the next, so a file is never held whole (only its pages'
    objects, one page at a time, and its cross-reference table)."""
    reader = open_pdf(data)
    pages = _page_count(reader)
    if pages > limits.max_pages:
        raise too_many_pages(pages, limits)
    for number in range(1, pages + 1):
        check_page(reader, number, limits)
        reader.resolved_objects.clear()
    return pages


def _page_count(reader: PdfReader) -> int:
    try:
        pages = len(reader.pages)
    except Exception as exc:
        raise InvalidDocument("the PDF is corrupt or truncated") from exc
    if pages == 0:
        raise InvalidDocument("the PDF has no pages")
    return pages


def check_page(reader: PdfReader, number: int, limits: Limits) -> None:
    """Refuse page `number` (1-based) when it is larger than the limits or would cost a
    renderer more than the budgets allow."""
    _check(reader, number, limits, with_size=True)


def check_page_cost(reader: PdfReader, number: int, limits: Limits) -> None:
    """Refuse page `number` when drawing it would cost more than the budgets allow, at any
    size (a page shown to a reviewer is rendered at a scale fitted to its size)."""
    if not 1 <= number <= _page_count(reader):
        raise DocumentNotFound(f"the document has no page {number}")
    _check(reader, number, limits, with_size=False)


def _check(reader: PdfReader, number: int, limits: Limits, with_size: bool) -> None:
    from pypdf.errors import LimitReachedError

    try:
        page = reader.pages[number - 1]
        if with_size:
            _check_size(page, number, limits)
        cost = _PageCost(number, limits).of_page(page)
    except InvalidDocument:
        raise
    except LimitReachedError as exc:  # a stream inflating beyond pypdf's own bound
        amount = f"more than {megabytes(limits.max_pdf_page_content_bytes)}"
        raise InvalidDocument(_too_complex(number, amount, limits)) from exc
    except Exception as exc:
        raise InvalidDocument(f"the PDF is corrupt (page {number} cannot be read)") from exc
    if cost.content > limits.max_pdf_page_content_bytes:
        raise InvalidDocument(_too_complex(number, data_size(cost.content), limits))
    if cost.image_pixels > limits.max_pdf_page_image_pixels:
        raise InvalidDocument(
            f"the PDF page {number} draws images of {pixels(cost.image_pixels)} pixels in all; "
            f"a page's images are accepted up to {pixels(limits.max_pdf_page_image_pixels)} "
            "pixels (scan it at a lower resolution)"
        )


def _too_complex(number: int, amount: str, limits: Limits) -> str:
    return (
        f"the PDF page {number} is too complex to process: its drawing instructions come to "
        f"{amount} once every repeated drawing is counted, and pages are accepted up to "
        f"{megabytes(limits.max_pdf_page_content_bytes)} (print it to PDF as an image, or "
        "scan it)"
    )


def _check_size(page: PageObject, number: int, limits: Limits) -> None:
    box = page.cropbox
    unit = float(page.user_unit or 1)
    width, height = abs(float(box.width)) * unit, abs(float(box.height)) * unit
    if width < 1 or height < 1:
        raise InvalidDocument(f"the PDF page {number} has no size (its page box is empty)")
    if max(width, height) > limits.max_page_points:
        raise InvalidDocument(
            f"the PDF page {number} is {_inches(width)} x {_inches(height)} inches; pages are "
            f"accepted up to {_inches(limits.max_page_points)} inches on each side"
        )


def _inches(points: float) -> str:
    return f"{points / POINTS_PER_INCH:.1f}".removesuffix(".0")


@dataclass(slots=True)
class _Cost:
    content: int = 0  # bytes of drawing instructions, every repeat counted
    image_pixels: int = 0  # pixels of the images drawn, every repeat counted

    def add(self, other: _Cost, times: int = 1, extra: int = 0) -> None:
        self.content += times * (other.content + extra)
        self.image_pixels += times * other.image_pixels


class _PageCost:
    """What drawing one page costs: its content, every form it draws (with what those
    draw, as often as they are drawn), its annotations' appearances, its tiling patterns
    and Type 3 glyphs (each once)."""

    def __init__(self, number: int, limits: Limits) -> None:
        self._number = number
        self._limits = limits
        self._known: dict[object, _Cost] = {}
        self._drawing: list[object] = []  # the forms being walked, outermost first

    def of_page(self, page: PageObject) -> _Cost:
        resources = _resolved(page.get("/Resources")) or {}
        cost = self._of_content(_content_of(page.get("/Contents")), resources)
        for stream in _appearances(page) + _patterns_and_glyphs(resources):
            cost.add(self._of_form(stream, resources), extra=FORM_DRAW_COST)
        return cost

    def _of_content(self, content: bytes, resources: Any) -> _Cost:
        cost = _Cost(len(content), _inline_image_pixels(content))
        xobjects = _resolved(resources.get("/XObject")) or {}
        for name, times in Counter(_drawn_names(content)).items():
            xobject = _resolved(xobjects.get(name))
            subtype = xobject.get("/Subtype") if hasattr(xobject, "get") else None
            if subtype == "/Image":
                cost.image_pixels += times * _image_pixels(xobject)
            elif subtype == "/Form":
                cost.add(self._of_form(xobject, resources), times, FORM_DRAW_COST)
        return cost

    def _of_form(self, form: Any, inherited: Any) -> _Cost:
        key = _key(form)
        if key in self._known:
            return self._known[key]
        if key in self._drawing:
            raise InvalidDocument(
                f"the PDF is corrupt (page {self._number} has a drawing that contains itself)"
            )
        if len(self._drawing) >= self._limits.max_pdf_form_depth:
            raise InvalidDocument(
                f"the PDF page {self._number} nests drawings more than "
                f"{self._limits.max_pdf_form_depth} levels deep; print it to PDF as an image, "
                "or scan it"
            )
        self._drawing.append(key)
        resources = _resolved(form.get("/Resources")) or inherited
        cost = self._of_content(form.get_data(), resources)
        self._drawing.pop()
        self._known[key] = cost
        return cost


def _resolved(value: Any) -> Any:
    return value.get_object() if value is not None and hasattr(value, "get_object") else value


def _key(stream: Any) -> object:
    reference = getattr(stream, "indirect_reference", None)
    return (reference.idnum, reference.generation) if reference is not None else id(stream)


def _content_of(contents: Any) -> bytes:
    contents = _resolved(contents)
    if contents is None:
        return b""
    if isinstance(contents, list):
        return b"\n".join(_resolved(part).get_data() for part in contents)
    data: bytes = contents.get_data()
    return data


def _drawn_names(content: bytes) -> list[str]:
    return [
        "/" + _NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), match[1]).decode("latin-1")
        for match in _DRAW.finditer(content)
    ]


def _inline_image_pixels(content: bytes) -> int:
    total = 0
    for match in _INLINE_IMAGE.finditer(content):
        width, height = _INLINE_WIDTH.search(match[1]), _INLINE_HEIGHT.search(match[1])
        if width and height:
            total += int(width[1]) * int(height[1])
    return total


def _image_pixels(image: Any) -> int:
    own = _whole(image.get("/Width")) * _whole(image.get("/Height"))
    mask = _resolved(image.get("/SMask"))
    return own + (_image_pixels(mask) if hasattr(mask, "get") and mask is not image else 0)


def _whole(value: Any) -> int:
    try:
        return max(int(_resolved(value)), 0)
    except (TypeError, ValueError):
        return 0


def _appearances(page: PageObject) -> list[Any]:
    """The appearance streams of the page's annotations (filled-in form fields are
    drawn from them)."""
    streams = []
    for annotation in _resolved(page.get("/Annots")) or []:
        appearance = _resolved(_resolved(annotation).get("/AP"))
        normal: Any = _resolved(appearance.get("/N")) if hasattr(appearance, "get") else None
        if hasattr(normal, "get_data"):
            streams.append(normal)
        elif hasattr(normal, "values"):  # one appearance per state (checkbox on/off)
            streams.extend(s for s in map(_resolved, normal.values()) if hasattr(s, "get_data"))
    return streams


def _patterns_and_glyphs(resources: Any) -> list[Any]:
    streams = [
        pattern
        for pattern in map(_resolved, (_resolved(resources.get("/Pattern")) or {}).values())
        if hasattr(pattern, "get_data")
    ]
    for font in map(_resolved, (_resolved(resources.get("/Font")) or {}).values()):
        if hasattr(font, "get") and font.get("/Subtype") == "/Type3":
            glyphs = _resolved(font.get("/CharProcs")) or {}
            streams.extend(g for g in map(_resolved, glyphs.values()) if hasattr(g, "get_data"))
    return streams
