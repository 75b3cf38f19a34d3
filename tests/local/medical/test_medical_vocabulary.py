"""The compiled vocabulary: ICD-10-CM title variants, the cache key and the cache."""

from __future__ import annotations

import pickle
from pathlib import Path

from meddoc.local.medical.icd_tables import title_variants
from meddoc.local.medical.vocabulary import (
    IcdIndex,
    Vocabulary,
    cache_key,
    load_vocabulary,
    package_versions,
)


def test_given_a_title_with_nonessential_words_then_its_variants_drop_them() -> None:
    variants = title_variants("Essential (primary) hypertension")
    assert "essential hypertension" in variants
    assert "essential primary hypertension" in variants


def test_given_an_unspecified_title_then_the_qualifier_is_dropped() -> None:
    assert "abdominal pain" in title_variants("Unspecified abdominal pain")
    assert "otitis media" in title_variants("Otitis media, unspecified, unspecified ear")


def test_given_a_list_title_then_its_first_item_is_not_a_variant() -> None:
    assert "hand" not in title_variants("Hand, foot and mouth disease")


def test_given_other_package_versions_then_the_cache_key_changes() -> None:
    versions = package_versions()
    changed = {**versions, "simple-icd-10-cm": "0.0.0"}
    assert cache_key(versions) != cache_key(changed)
    assert cache_key(versions) == cache_key(dict(versions))


def test_given_a_cached_vocabulary_with_the_current_key_then_it_is_loaded_not_rebuilt(
    tmp_path: Path,
) -> None:
    versions = package_versions()
    key = cache_key(versions)
    marker = Vocabulary(key, versions, {"en": {}, "es": {}}, 3, IcdIndex(), {})
    with (tmp_path / f"medical-vocabulary-{key}.pickle").open("wb") as handle:
        pickle.dump(marker, handle)
    loaded = load_vocabulary(tmp_path)
    assert loaded.max_words == 3  # the marker, which a rebuild would not produce
    assert loaded.terms == {"en": {}, "es": {}}


def test_given_the_engine_vocabulary_then_it_has_versions_and_every_language(
    vocabulary: Vocabulary,
) -> None:
    assert set(vocabulary.terms) == {"en", "es"}
    assert all(version != "missing" for version in vocabulary.versions.values())
    assert vocabulary.icd.titles["E11.9"][0] == "Type 2 diabetes mellitus without complications"
    english = vocabulary.terms["en"]
    assert any(e.category == "MEDICATION" for e in english["metformin"])
    assert any(e.type == "BRAND_NAME" for e in english["tylenol"])
    # acuity words become attributes, so "acute appendicitis" is not one term
    assert "acute appendicitis" not in english
    assert "chronic obstructive pulmonary disease" in english
