"""Local mode's named access tokens (`meddoc token add NAME --role reviewer`): a name and
a role each, kept in the data directory as SHA-256 hashes only (tokens.json, readable by
its owner alone). A token is shown once, when added; the running server sees additions
and removals at the next request."""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from meddoc.api.auth import LOCAL_ADMIN
from meddoc.api.roles import Actor, Role
from meddoc.errors import ConfigurationError, InvalidRequest

log = logging.getLogger(__name__)
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


@dataclass(frozen=True, slots=True)
class TokenEntry:
    name: str
    role: Role
    sha256: str  # hex digest of the token
    created_at: str


def digest(token: str) -> str:
    # Tokens are 32 random bytes: a fast hash is enough (no password to guess).
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenFile:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._loaded: tuple[int, int, int] | None = None  # (inode, mtime_ns, size) read
        self._entries: list[TokenEntry] = []
        self._lock = threading.Lock()

    def add(self, name: str, role: Role, now: datetime) -> str:
        """A new token for `name` (shown once); InvalidRequest for a bad or used name."""
        if not NAME.fullmatch(name) or name == LOCAL_ADMIN:
            raise InvalidRequest(
                "a token's name is 1-64 letters, digits, '.', '_', '@' or '-' (not 'local')"
            )
        token = secrets.token_urlsafe(32)
        with self._exclusive():
            entries = self._read()
            if any(entry.name == name for entry in entries):
                raise InvalidRequest(f"there is a token named {name} already")
            entries.append(TokenEntry(name, role, digest(token), now.isoformat()))
            self._write(entries)
        return token

    def remove(self, name: str) -> bool:
        with self._exclusive():
            entries = self._read()
            kept = [entry for entry in entries if entry.name != name]
            if len(kept) == len(entries):
                return False
            self._write(kept)
        return True

    def entries(self) -> list[TokenEntry]:
        return self._read()

    def find(self, token: str) -> Actor | None:
        """The actor a token stands for; every entry is compared, in constant time."""
        offered = digest(token).encode()
        found: Actor | None = None
        for entry in self._current():
            if hmac.compare_digest(offered, entry.sha256.encode()):
                found = Actor(entry.name, frozenset({entry.role}))
        return found

    # --- the file -----------------------------------------------------------------------

    def _current(self) -> list[TokenEntry]:
        """The entries, read again only when the file changed (or appeared, or went)."""
        try:
            stat = self.path.stat()
            seen: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        except FileNotFoundError:
            seen = None
        with self._lock:
            if seen != self._loaded or seen is None:
                self._entries = self._readable() if seen is not None else []
                self._loaded = seen
            return self._entries

    def _readable(self) -> list[TokenEntry]:
        """A damaged file lets none of its tokens in (the printed token still works)."""
        try:
            return self._read()
        except ConfigurationError as exc:
            log.error("%s; its tokens are refused until it is fixed", exc)
            return []

    def _read(self) -> list[TokenEntry]:
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"{self.path} is not a meddoc token file") from exc
        try:
            return [
                TokenEntry(str(e["name"]), Role(e["role"]), str(e["sha256"]), str(e["created_at"]))
                for e in loaded["tokens"]
            ]
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigurationError(f"{self.path} is not a meddoc token file") from exc

    def _write(self, entries: list[TokenEntry]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        data = json.dumps({"tokens": [asdict(e) for e in entries]}, indent=1) + "\n"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.path)

    @contextmanager
    def _exclusive(self) -> Iterator[None]:
        """Two `meddoc token` commands at once change the file one after the other."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
