"""Which batch prefix the last upload of the same folders to the same place used, so
running the same command again carries on with that batch (after an interruption, or
when files were added) instead of sending everything again under a new prefix. The note
holds a hash of the folders and target, never their names (paths can name people)."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path


def default_directory() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "meddoc" / "uploads"


class BatchMemory:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def recall(self, target: str, roots: Sequence[Path]) -> str | None:
        """The prefix of the last batch of these folders to this target."""
        try:
            note = json.loads(self._note(target, roots).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(note, dict) or not isinstance(note.get("prefix"), str):
            return None
        return str(note["prefix"])

    def remember(self, target: str, roots: Sequence[Path], prefix: str) -> str | None:
        """Write the note; returns a warning when it cannot be written."""
        note = self._note(target, roots)
        try:
            note.parent.mkdir(parents=True, exist_ok=True)
            temporary = note.with_suffix(".tmp")
            temporary.write_text(json.dumps({"prefix": prefix}))
            temporary.replace(note)
        except OSError as exc:
            return f"could not note the batch in {self.directory} ({exc.strerror or exc})"
        return None

    def _note(self, target: str, roots: Sequence[Path]) -> Path:
        identity = "\n".join([target, *sorted(str(r.resolve()) for r in roots)])
        digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
        return self.directory / f"{digest[:24]}.json"
