"""Local mode's configuration: a typed object made once from the command line (and
MEDDOC_* environment variables), then passed to everything that needs it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from meddoc.errors import ConfigurationError

UPLOADS = "uploads"
RESULTS = "results"


@dataclass(frozen=True, slots=True)
class LocalSettings:
    data_dir: Path = Path("data")
    workers: int = 2  # processes; each keeps its own warm engines
    engine_threads: int = 1  # onnxruntime threads per worker: 2 workers x 1 is fastest
    host: str = "127.0.0.1"
    port: int = 8765
    auth: bool = True
    stuck_after_minutes: int = 60  # RECEIVED/PROCESSING longer than this: FAILED at start-up

    @property
    def database(self) -> Path:
        return self.data_dir / "meddoc.db"

    @property
    def tokens_file(self) -> Path:
        """Named access tokens with roles, as hashes (`meddoc token add`)."""
        return self.data_dir / "tokens.json"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, **given: object
    ) -> LocalSettings:
        """Explicit arguments win over MEDDOC_DATA_DIR / MEDDOC_WORKERS / MEDDOC_PORT."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "MEDDOC_DATA_DIR" in environ:
            values["data_dir"] = Path(environ["MEDDOC_DATA_DIR"])
        for name, key in (("workers", "MEDDOC_WORKERS"), ("port", "MEDDOC_PORT")):
            if key in environ:
                try:
                    values[name] = int(environ[key])
                except ValueError as exc:
                    raise ConfigurationError(f"{key} must be a number") from exc
        values.update({k: v for k, v in given.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        if settings.workers < 1:
            raise ConfigurationError("workers must be at least 1")
        return settings
