"""Object keys: the file's path under a per-batch prefix, kept as it is (spaces, `+`,
any language) because S3 events carry keys URL-encoded and the pipeline decodes them
exactly once; names S3 handles badly are refused with a reason instead."""

from __future__ import annotations

import secrets
import unicodedata
from datetime import datetime
from urllib.parse import quote_plus, unquote_plus

MAX_KEY_BYTES = 1024


class KeyProblem(ValueError):
    """Why a file cannot get a sound key; the message is the reason shown."""


def new_prefix(now: datetime, token: str = "") -> str:
    """batch-<UTC date>-<short random>/"""
    return f"batch-{now:%Y-%m-%d}-{token or secrets.token_hex(3)}/"


def clean_prefix(prefix: str) -> str:
    """A prefix given on the command line: no leading slash, one trailing slash."""
    cleaned = unicodedata.normalize("NFC", prefix.strip().strip("/"))
    if not cleaned:
        return ""
    _check_characters(cleaned, "the prefix")
    return cleaned + "/"


def object_key(prefix: str, relative: str) -> str:
    """The key of a file whose path under the folder is `relative`. Names are NFC-
    normalised, so a file named on macOS (decomposed accents) gets the same key as the
    same name typed elsewhere."""
    name = unicodedata.normalize("NFC", relative)
    _check_characters(name, "the file's path")
    key = prefix + name
    size = len(key.encode("utf-8"))
    if size > MAX_KEY_BYTES:
        raise KeyProblem(
            f"its key would be {size:,} bytes; S3 allows {MAX_KEY_BYTES:,} "
            "(shorten the folder or file names)"
        )
    if unquote_plus(quote_plus(key)) != key:  # what the pipeline will decode
        raise KeyProblem("its name does not survive URL encoding")
    return key


def server_name(relative: str) -> str:
    """The name a local server gets: the file's own name (its API takes no folders)."""
    name = unicodedata.normalize("NFC", relative.rsplit("/", 1)[-1])
    _check_characters(name, "the file name")
    return name.replace("\\", "_")


def _check_characters(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise KeyProblem(f"{what} is not valid UTF-8 (rename the file)") from exc
    control = next((ch for ch in text if unicodedata.category(ch) == "Cc"), None)
    if control is not None:
        raise KeyProblem(
            f"{what} holds a control character (U+{ord(control):04X}); rename the file"
        )
