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

# Address space a worker may reserve. Ordinary jobs peak at 2.9 GB with one engine thread
# and 3.1 GB with two (VmPeak over the samples and a 20-page PDF; onnxruntime and OpenCV
# reserve much more than they touch), so 4 GB leaves about 1 GB for larger pages.
DEFAULT_MEMORY_MB = 4096
MEMORY_MB_PER_EXTRA_THREAD = 256
SMALLEST_MEMORY_MB = 1024


@dataclass(frozen=True, slots=True)
class LocalSettings:
    data_dir: Path = Path("data")
    workers: int = 2  # processes; each keeps its own warm engines
    engine_threads: int = 1  # onnxruntime threads per worker: 2 workers x 1 is fastest
    host: str = "127.0.0.1"
    port: int = 8765
    auth: bool = True
    stuck_after_minutes: int = 60  # RECEIVED/PROCESSING longer than this: FAILED at start-up
    # Per worker: None sizes it from engine_threads (see DEFAULT_MEMORY_MB); 0: no limit.
    memory_limit_mb: int | None = None
    job_minutes: float = 10.0  # a job running longer has its worker stopped...
    page_seconds: float = 60.0  # ...or this much per page, for long documents
    disk_pause_seconds: float = 5.0  # first pause after a full disk (doubles up to 2 min)
    disk_patience_seconds: float = 120.0  # a batch stops waiting for room after this
    structure: bool = True  # the OCR also reads fields, tables, checkboxes, layout blocks

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

    @property
    def memory_limit_bytes(self) -> int | None:
        """The address space each worker process may reserve, or None for no limit."""
        if self.memory_limit_mb == 0:
            return None
        megabytes = self.memory_limit_mb or (
            DEFAULT_MEMORY_MB + MEMORY_MB_PER_EXTRA_THREAD * (self.engine_threads - 1)
        )
        return megabytes * 1024 * 1024

    def job_seconds(self, pages: int) -> float:
        """The time one job may take: its budget, or more for a long document."""
        return max(self.job_minutes * 60, self.page_seconds * pages)

    @classmethod
    def from_environ(
        cls, environ: Mapping[str, str] | None = None, **given: object
    ) -> LocalSettings:
        """Explicit arguments win over MEDDOC_DATA_DIR / MEDDOC_WORKERS / MEDDOC_PORT /
        MEDDOC_MEMORY_LIMIT_MB / MEDDOC_JOB_MINUTES / MEDDOC_STRUCTURE (on/off)."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if "MEDDOC_DATA_DIR" in environ:
            values["data_dir"] = Path(environ["MEDDOC_DATA_DIR"])
        numbers = (
            ("workers", "MEDDOC_WORKERS", int),
            ("port", "MEDDOC_PORT", int),
            ("memory_limit_mb", "MEDDOC_MEMORY_LIMIT_MB", int),
            ("job_minutes", "MEDDOC_JOB_MINUTES", float),
        )
        for name, key, kind in numbers:
            if key in environ:
                try:
                    values[name] = kind(environ[key])
                except ValueError as exc:
                    raise ConfigurationError(f"{key} must be a number") from exc
        if "MEDDOC_STRUCTURE" in environ:
            values["structure"] = _switch("MEDDOC_STRUCTURE", environ["MEDDOC_STRUCTURE"])
        values.update({k: v for k, v in given.items() if v is not None})
        settings = cls(**values)  # type: ignore[arg-type]
        settings.check()
        return settings

    def check(self) -> None:
        if self.workers < 1:
            raise ConfigurationError("workers must be at least 1")
        if self.memory_limit_mb is not None and 0 < self.memory_limit_mb < SMALLEST_MEMORY_MB:
            raise ConfigurationError(
                f"the memory limit must be at least {SMALLEST_MEMORY_MB} MB (or 0: none)"
            )
        if self.job_minutes <= 0:
            raise ConfigurationError("the time limit of a job must be more than 0 minutes")


def _switch(key: str, value: str) -> bool:
    word = value.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("0", "false", "no", "off"):
        return False
    raise ConfigurationError(f"{key} must be on or off")
