"""What the review API accepts from a client, whatever the host: JSON bodies of a
bounded size and nesting, notes and correction fields of bounded length, and upload
names that are one plain file name. Every refusal says what to change, quoting nothing."""

from __future__ import annotations

import re
import unicodedata
from itertools import accumulate

from meddoc.errors import InvalidRequest
from meddoc.model import MedicalEntity

MAX_JSON_BYTES = 256 * 1024  # the largest JSON request (500 export ids, a long note) is ~70 KB
MAX_JSON_DEPTH = 16  # every request body is 2 levels deep
MAX_NOTE_CHARS = 10_000
MAX_NAME_BYTES = 255  # a file name on every common file system, and in S3 keys
MAX_CODE_CHARS = 20  # ICD-10-CM "S72.001A", RxNorm ids
MAX_LABEL_CHARS = 100  # an entity's type
MAX_DESCRIPTION_CHARS = 500  # a code's description
MAX_TARGET_CHARS = 40  # a field or cell id: "p12.t3/r40c12"
MAX_VALUE_CHARS = 2_000  # a form field's value or a table cell's text, as corrected

# Characters that never belong in a file name: controls (NUL, newline, escape),
# surrogates (not encodable), line/paragraph separators, and the bidirectional
# overrides that make "gnp.exe" display as "exe.png".
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
_BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e") | frozenset(
    "\u2066\u2067\u2068\u2069"
)
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
_STEPS = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


class TooLarge(InvalidRequest):
    """A request body larger than any JSON route needs (413)."""


def json_depth(body: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, counted without parsing it (a
    parser recurses, and a deep enough text exhausts the stack). Brackets inside
    strings do not count; the text need not be valid JSON. It runs in C (regex, translate,
    accumulate): under 30 ms for the worst body of the largest size accepted."""
    outside = _STRINGS.sub(b"", body)
    brackets = outside.translate(None, _NOT_BRACKETS)
    return max(accumulate(map(_STEPS.__getitem__, brackets)), default=0)


def check_json_body(body: bytes) -> None:
    """TooLarge or InvalidRequest for a body no JSON route would take."""
    if len(body) > MAX_JSON_BYTES:
        raise TooLarge(f"the request body is larger than {MAX_JSON_BYTES // 1024} KB")
    if json_depth(body) > MAX_JSON_DEPTH:
        raise InvalidRequest(f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")


def check_note(text: str, what: str = "a note") -> str:
    """The note without surrounding white space; InvalidRequest when too long."""
    if len(text) > MAX_NOTE_CHARS:
        raise InvalidRequest(f"{what} is longer than {MAX_NOTE_CHARS:,} characters")
    return text.strip()


def check_length(value: str, limit: int, what: str) -> None:
    if len(value) > limit:
        raise InvalidRequest(f"{what} is longer than {limit:,} characters")


def check_entity(entity: MedicalEntity) -> None:
    """A reviewer's entity: its text (which must match the document's text at its
    offsets, checked later), type and codes of bounded length."""
    check_length(entity.text, MAX_NOTE_CHARS, "the entity's text")
    check_length(entity.type, MAX_LABEL_CHARS, "the entity's type")
    for concept in entity.concepts:
        check_length(concept.code, MAX_CODE_CHARS, "the code")
        check_length(concept.description, MAX_DESCRIPTION_CHARS, "the code's description")


def check_structure_value(target: str, value: str) -> str:
    """A field's or cell's corrected text, without surrounding white space; the target
    of bounded length (whether it exists is checked against the document later)."""
    if not target:
        raise InvalidRequest("name the field or cell to correct (its target)")
    check_length(target, MAX_TARGET_CHARS, "the target")
    check_length(value, MAX_VALUE_CHARS, "the corrected value")
    return value.strip()


def check_upload_name(name: str) -> str:
    """The file's own name, trimmed of surrounding spaces: no folders, no control
    characters, not only dots and spaces, at most MAX_NAME_BYTES in UTF-8."""
    trimmed = name.strip()
    if not trimmed:
        raise InvalidRequest("give the file's name")
    if "/" in trimmed or "\\" in trimmed:
        raise InvalidRequest("give the file's own name, without folders")
    if not trimmed.strip(". "):
        raise InvalidRequest("a file name cannot be only dots and spaces")
    if any(_refused(char) for char in trimmed):
        raise InvalidRequest("the file name contains control characters")
    if len(trimmed.encode("utf-8")) > MAX_NAME_BYTES:
        raise InvalidRequest(f"the file name is longer than {MAX_NAME_BYTES} bytes (UTF-8)")
    return trimmed


def _refused(char: str) -> bool:
    return unicodedata.category(char) in _REFUSED_CATEGORIES or char in _BIDI_CONTROLS
