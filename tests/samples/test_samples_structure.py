"""The generator's structure truth (fields, tables, sections, checkboxes, document type)
agrees with the text it drew, and the checkbox option leaves the committed set alone."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PIL import Image
from samplegen import degrade, plan
from samplegen.documents import KINDS, Spec, compose, images

from meddoc.model import DocumentType, SectionKind, SelectionStatus

SPECS = list(plan.COMMITTED) + plan.random_plan(40, seed=7, checkboxes=True)
BOX_KEYS = {"left", "top", "width", "height"}


def _truth(spec: Spec) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(plan.truth_json(spec, plan.COMMITTED_SEED))
    return loaded


def _inside(box: dict[str, float]) -> bool:
    return (
        set(box) == BOX_KEYS
        and 0 <= box["left"] <= box["left"] + box["width"] <= 1
        and 0 <= box["top"] <= box["top"] + box["height"] <= 1
    )


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_each_field_value_is_drawn_after_its_label_and_inside_its_section(spec: Spec) -> None:
    truth = _truth(spec)
    text = truth["text"]
    assert truth["fields"]
    for field in truth["fields"]:
        label_begin = field["label_begin"]
        assert text[label_begin : label_begin + len(field["label"])] == field["label"]
        assert text[field["value_begin"] : field["value_end"]] == field["value"]
        assert field["value_begin"] >= label_begin + len(field["label"])
        for section in truth["sections"]:
            if section["begin"] <= label_begin < section["end"]:
                assert section["end"] >= field["value_end"]
        assert _inside(field["label_box"])
        assert field["value_box"] is None or _inside(field["value_box"])
        assert 1 <= field["page"] <= truth["pages"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.name)
def test_sections_are_known_kinds_in_text_order_and_start_with_their_title(spec: Spec) -> None:
    truth = _truth(spec)
    kinds = [s["kind"] for s in truth["sections"]]
    assert set(kinds) <= {kind.value for kind in SectionKind}
    assert kinds[0] == SectionKind.ISSUER.value
    assert SectionKind.SIGNATURE.value in kinds
    previous_end = 0
    for section in truth["sections"]:
        assert previous_end <= section["begin"] < section["end"] <= len(truth["text"])
        assert truth["text"][section["begin"] :].startswith(section["title"])
        previous_end = section["end"]


@pytest.mark.parametrize(
    "spec", [s for s in SPECS if s.kind == "lab_report"], ids=lambda s: s.name
)
def test_each_table_row_is_its_cells_joined_as_one_drawn_line(spec: Spec) -> None:
    truth = _truth(spec)
    lines = truth["text"].split("\n")
    assert len(truth["tables"]) == truth["pages"]
    for table in truth["tables"]:
        assert len(table["cells"]) == table["rows"] * table["columns"]
        assert _inside(table["box"])
        for row in range(1, table["rows"] + 1):
            cells = sorted(
                (c for c in table["cells"] if c["row"] == row), key=lambda c: c["column"]
            )
            drawn = [c for c in cells if c["text"]]
            line = " ".join(c["text"] for c in drawn)
            assert line in lines
            begin = drawn[0]["begin"]
            assert truth["text"][begin : begin + len(line)] == line
            assert all(c["header"] == (row == 1) for c in cells)
        results = [s for s in truth["sections"] if s["kind"] == SectionKind.RESULTS.value]
        assert any(s["begin"] <= table["cells"][0]["begin"] < s["end"] for s in results)


def test_every_lab_result_row_has_a_test_value_unit_and_range_from_the_composer() -> None:
    truth = _truth(plan.COMMITTED[6])  # the two-page English lab report
    rows = [
        [c["text"] for c in truth["tables"][0]["cells"] if c["row"] == number]
        for number in range(1, truth["tables"][0]["rows"] + 1)
    ]
    glucose = next(row for row in rows if row[0] == "Glucose")
    value = next(
        a["text"]
        for e in truth["entities"]
        if e["text"] == "Glucose"
        for a in e["attributes"]
        if a["type"] == "TEST_VALUE"
    )
    assert glucose[1] == value
    assert glucose[2] == "mg/dL"
    assert glucose[3] == "70-99"


def test_document_types_cover_every_kind_and_are_model_values() -> None:
    types = {_truth(spec)["document_type"] for spec in SPECS}
    assert types == {
        DocumentType.INTAKE_FORM.value,
        DocumentType.PRESCRIPTION.value,
        DocumentType.LAB_REPORT.value,
        DocumentType.VISIT_NOTE.value,
    }
    assert {s.kind for s in SPECS} == set(KINDS)


def test_with_the_checkbox_option_intake_forms_carry_checkbox_fields_with_their_state() -> None:
    intakes = [s for s in SPECS if s.kind == "intake" and s.checkboxes]
    assert intakes
    for spec in intakes:
        truth = _truth(spec)
        boxes = truth["checkboxes"]
        assert len(boxes) == 5  # smoker no/yes, alcohol none/occasional/daily
        assert [b["state"] for b in boxes].count(SelectionStatus.SELECTED.value) == 2
        ticked = {f["label"]: f["selection"] for f in truth["fields"] if f["selection"]}
        assert ticked == {b["label"]: b["state"] for b in boxes}
        assert all(_inside(b["box"]) for b in boxes)
        social = next(s for s in truth["sections"] if s["kind"] == "SOCIAL_HISTORY")
        for field in (f for f in truth["fields"] if f["selection"]):
            assert social["begin"] <= field["label_begin"] < social["end"]


def test_without_the_option_no_document_has_checkboxes_and_other_kinds_never_do() -> None:
    for spec in plan.random_plan(12, seed=7):
        assert _truth(spec)["checkboxes"] == []
    # The committed set's printed intake forms (01, 12) carry checkbox groups, the rest none.
    boxed = [s.name[:2] for s in plan.COMMITTED if _truth(s)["checkboxes"]]
    assert boxed == ["01", "12"]
    for spec in (s for s in SPECS if s.kind != "intake"):
        assert not spec.checkboxes


def test_the_checkbox_option_changes_only_intake_forms() -> None:
    plain = plan.random_plan(20, seed=7)
    boxed = plan.random_plan(20, seed=7, checkboxes=True)
    for one, other in zip(plain, boxed, strict=True):
        assert one.name == other.name
        same = plan.truth_json(one, 5) == plan.truth_json(other, 5)
        assert same == (one.kind != "intake")


def _ink(page: Image.Image, box: dict[str, float]) -> float:
    """The share of dark pixels inside a truth box of a clean page."""
    width, height = page.size
    left, top = box["left"] * width, box["top"] * height
    region = page.convert("L").crop(
        (
            round(left),
            round(top),
            round(left + box["width"] * width),
            round(top + box["height"] * height),
        )
    )
    histogram = region.histogram()
    return sum(histogram[:128]) / max(1, sum(histogram))


@pytest.mark.parametrize(
    "spec",
    [
        Spec("boxed", "intake", "en", False, degrade.SCAN, "png", checkboxes=True),
        Spec("boxed-hand", "intake", "es", True, degrade.SCAN, "png", checkboxes=True),
        Spec("lab", "lab_report", "en", False, degrade.SCAN, "png"),
    ],
    ids=lambda s: s.name,
)
def test_on_a_flat_scan_every_truth_box_holds_ink_and_ticked_boxes_hold_more(
    spec: Spec,
) -> None:
    draft = compose(spec, 3)
    truth = json.loads(plan.truth_json(spec, 3))
    page = images(spec, 3, draft)[0]
    for field in truth["fields"]:
        assert _ink(page, field["label_box"]) > 0.03, field["label"]
        if field["value_box"]:
            assert _ink(page, field["value_box"]) > 0.03, field["value"]
    for table in truth["tables"]:
        for cell in (c for c in table["cells"] if c["text"]):
            assert _ink(page, cell["box"]) > 0.01, cell["text"]
        for cell in (c for c in table["cells"] if not c["text"]):
            assert _ink(page, cell["box"]) < 0.01, cell
    ticked = [_ink(page, b["box"]) for b in truth["checkboxes"] if b["state"] == "SELECTED"]
    empty = [_ink(page, b["box"]) for b in truth["checkboxes"] if b["state"] != "SELECTED"]
    if spec.kind == "intake":
        assert min(ticked) > max(empty) + 0.05
        assert min(empty) > 0.05  # the empty square is drawn where the truth says
