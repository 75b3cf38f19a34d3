"""Properties over arbitrary entities: every FHIR bundle validates as R4, every CSV reads
back row for row with no cell a spreadsheet would evaluate."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from meddoc.exports.csv_export import export_csv
from meddoc.exports.fhir import export_fhir
from meddoc.exports.json_export import ExportItem
from meddoc.model import (
    Attribute,
    Category,
    CodeSystem,
    Concept,
    Document,
    MedicalAnalysis,
    MedicalEntity,
    Trait,
)
from tests.exports.documents import record
from tests.exports.fhir_r4 import validate_bundle

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
TRAITS = st.sampled_from(
    ["NEGATION", "HYPOTHETICAL", "PERTAINS_TO_FAMILY", "PAST_HISTORY", "FUTURE", "SIGN"]
)
ATTRIBUTE_TYPES = st.sampled_from(
    [
        "DOSAGE",
        "STRENGTH",
        "ROUTE_OR_MODE",
        "FREQUENCY",
        "TEST_VALUE",
        "TEST_UNIT",
        "SYSTEM_ORGAN_SITE",
    ]
)
CONCEPTS = st.builds(
    Concept,
    st.sampled_from(list(CodeSystem)),
    st.from_regex(r"[A-Z0-9.]{1,8}", fullmatch=True),
    TEXT,
    st.floats(0, 1),
)
ATTRIBUTES = st.builds(
    Attribute,
    st.one_of(TEXT, st.from_regex(r"[<>]?-?\d{1,3}(\.\d{1,2})?", fullmatch=True)),
    st.just(0),
    st.just(1),
    st.floats(0, 1),
    type=ATTRIBUTE_TYPES,
)
ENTITIES = st.builds(
    MedicalEntity,
    TEXT,
    st.integers(0, 50),
    st.integers(50, 60),
    st.floats(0, 1),
    id=st.integers(1, 1000),
    category=st.sampled_from(list(Category)),
    type=st.sampled_from(["DX_NAME", "GENERIC_NAME", "TEST_NAME", "NAME", "DATE"]),
    traits=st.lists(st.builds(Trait, TRAITS, st.just(0.9)), max_size=2),
    attributes=st.lists(ATTRIBUTES, max_size=3),
    concepts=st.lists(CONCEPTS, max_size=3),
)


def item(entities: list[MedicalEntity], name: str) -> ExportItem:
    unique = list({e.id: e for e in entities}.values())
    document = Document("f" * 64, [], "x" * 60, medical=MedicalAnalysis(entities=unique))
    return ExportItem(record("f" * 64, name=name or "x.png"), document, [])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ENTITIES, max_size=6), TEXT, st.booleans())
def test_given_any_entities_then_the_fhir_bundle_validates(
    entities: list[MedicalEntity], name: str, include_patient: bool
) -> None:
    bundle = export_fhir([item(entities, name)], include_patient=include_patient)

    assert validate_bundle(bundle) == []


@settings(max_examples=60, deadline=None)
@given(st.lists(ENTITIES, max_size=6), TEXT)
def test_given_any_entities_then_the_csv_reads_back_defused(
    entities: list[MedicalEntity], name: str
) -> None:
    text = export_csv([item(entities, name)], include_phi=True)

    table = list(csv.reader(io.StringIO(text)))[1:]
    assert len(table) == max(1, len({e.id for e in entities}))
    cells = [cell for row in table for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
