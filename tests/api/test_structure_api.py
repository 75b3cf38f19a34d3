"""Form fields and tables through the review API, on both hosts: the reviewed fields and
cells in the document view (PHI masked like the text), FIELD / CELL corrections with
their audit trail, the list filtered by document type, and the exports that carry them."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.api.hosts import Host
from tests.api.seed import add_structured
from tests.fakes import page_of
from tests.structured import field_of, intake_page

MASK = "\u2588"
PHI_WORDS = ("Dolores", "Fictive", "1961")


def intake(host: Host, key: str = "forms/intake.png", document_type: str = "INTAKE_FORM") -> str:
    return add_structured(host.pipeline, host.uploads, key, intake_page(), document_type)


def view(host: Host, document_id: str, token: str | None = None) -> dict[str, Any]:
    options = {"token": token} if token else {}
    reply = host.request("GET", f"/api/documents/{document_id}", **options)  # type: ignore[arg-type]
    assert reply.status == 200, reply.body
    shown: dict[str, Any] = reply.json()
    return shown


def correct(host: Host, document_id: str, body: dict[str, Any], **options: Any) -> Any:
    return host.request("POST", f"/api/documents/{document_id}/corrections", json=body, **options)


def cell(table: dict[str, Any], row: int, column: int) -> dict[str, Any]:
    return next(c for c in table["cells"] if (c["row"], c["column"]) == (row, column))


def test_the_view_has_the_fields_and_tables_with_phi_masked_like_the_text(host: Host) -> None:
    document_id = intake(host)

    shown = view(host, document_id)

    fields = {f["id"]: f for f in shown["fields"]}
    assert fields["p1.f1"]["key"]["text"] == "Patient name:"
    assert fields["p1.f1"]["value"]["text"] == f"{MASK * 7} {MASK * 7}"
    assert fields["p1.f1"]["value"]["words"] == [{"line": 0, "word": 2}, {"line": 0, "word": 3}]
    assert fields["p1.f3"]["selection"] == "SELECTED"
    (table,) = shown["tables"]
    assert (table["id"], table["rows"], table["columns"]) == ("p1.t1", 3, 3)
    assert cell(table, 1, 2)["text"] == "Value"
    assert cell(table, 1, 2)["header"] is True
    assert cell(table, 2, 2)["text"] == "115"
    assert cell(table, 2, 2)["header"] is False
    page = shown["document"]["pages"][0]
    assert len(page["selections"]) == 1
    assert len(page["fields"]) == 3
    for word in PHI_WORDS:
        assert word not in json.dumps(shown, ensure_ascii=False)


def test_revealing_shows_the_fields_as_read_and_is_audited(host: Host) -> None:
    document_id = intake(host)

    revealed = host.request("POST", f"/api/documents/{document_id}/reveal").json()

    assert revealed["fields"][0]["value"]["text"] == "Dolores Fictive"
    assert revealed["audit"][-1]["action"] == "REVEAL_PHI"


def test_a_reviewer_corrects_a_cell_and_a_field_with_the_audit_trail(host: Host) -> None:
    document_id = intake(host)
    reviewer = {"token": host.reviewer_token}

    replies = [
        correct(
            host, document_id, {"kind": "CELL", "target": "p1.t1/r2c2", "value": "105"}, **reviewer
        ),
        correct(
            host,
            document_id,
            {"kind": "FIELD", "target": "p1.f3", "value": " no ", "note": "ticked by mistake"},
            **reviewer,
        ),
    ]

    assert [r.status for r in replies] == [200, 200], [r.body for r in replies]
    assert replies[1].json()["value"] == "no"
    shown = view(host, document_id)
    assert cell(shown["tables"][0], 2, 2)["text"] == "105"
    assert shown["fields"][2]["value"]["text"] == "no"
    assert shown["corrected"] == ["p1.f3", "p1.t1/r2c2"]
    machine = shown["document"]["pages"][0]
    assert machine["fields"][2]["value"]["text"] == "yes"
    assert [(e["action"], e["before"], e["after"]) for e in shown["audit"]] == [
        (
            "CELL",
            {"target": "p1.t1/r2c2", "label": "Value", "value": "115"},
            {"target": "p1.t1/r2c2", "label": "Value", "value": "105"},
        ),
        (
            "FIELD",
            {"target": "p1.f3", "label": "Smoker:", "value": "yes"},
            {"target": "p1.f3", "label": "Smoker:", "value": "no"},
        ),
    ]
    assert shown["audit"][1]["note"] == "ticked by mistake"


def test_a_corrected_name_stays_masked_in_the_view_the_answer_and_the_audit(host: Host) -> None:
    document_id = intake(host)

    reply = correct(
        host, document_id, {"kind": "FIELD", "target": "p1.f1", "value": "Dolores Fictiva"}
    )

    assert reply.status == 200
    assert reply.json()["value"] == f"{MASK * 7} {MASK * 7}"
    shown = json.dumps(view(host, document_id), ensure_ascii=False)
    assert "Fictiva" not in shown
    assert "Dolores" not in shown
    revealed = host.request("POST", f"/api/documents/{document_id}/reveal").json()
    assert revealed["fields"][0]["value"]["text"] == "Dolores Fictiva"


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "FIELD", "target": "p1.f9", "value": "x"},
        {"kind": "CELL", "target": "p1.t1/r9c9", "value": "x"},
        {"kind": "CELL", "target": "p1.f1", "value": "x"},
        {"kind": "FIELD", "value": "x"},
        {"kind": "FIELD", "target": "p1.f1" + "0" * 40, "value": "x"},
        {"kind": "CELL", "target": "p1.t1/r2c2", "value": "9" * 2001},
    ],
)
def test_field_and_cell_corrections_that_cannot_apply_are_bad_requests(
    host: Host, body: dict[str, Any]
) -> None:
    document_id = intake(host)

    reply = correct(host, document_id, body)

    assert reply.status == 400, reply.body
    assert reply.json()["error"]["code"] == "InvalidRequest"
    assert view(host, document_id)["audit"] == []


def test_a_document_not_processed_has_no_fields_to_correct(host: Host) -> None:
    body = {"kind": "FIELD", "target": "p1.f1", "value": "x"}

    reply = correct(host, host.seeded.failed_id, body)

    assert reply.status == 409


def test_the_list_filters_by_document_type(host: Host) -> None:
    form = intake(host)
    lab = add_structured(host.pipeline, host.uploads, "labs/lab.png", intake_page(), "LAB_REPORT")

    def listed(query: str) -> list[str]:
        reply = host.request("GET", f"/api/documents?{query}")
        assert reply.status == 200, reply.body
        return [r["id"] for r in reply.json()["items"]]

    assert listed("document_type=LAB_REPORT") == [lab]
    assert listed("document_type=INTAKE_FORM&status=DONE") == [form]
    assert listed("document_type=INTAKE_FORM&status=FAILED") == []
    assert listed("document_type=CONSENT") == []
    page = host.request("GET", "/api/documents?limit=100").json()["items"]
    types = {r["id"]: r["summary"]["document_type"] for r in page if r["summary"]}
    assert (types[lab], types[form]) == ("LAB_REPORT", "INTAKE_FORM")
    assert host.request("GET", "/api/documents?document_type=RECIPE").status == 400


def test_the_json_export_carries_reviewed_fields_and_tables_masked(host: Host) -> None:
    document_id = intake(host)
    correct(host, document_id, {"kind": "CELL", "target": "p1.t1/r2c2", "value": "105"})

    reply = host.request("GET", f"/api/documents/{document_id}/export?format=json")

    exported = reply.json()["documents"][0]
    page = exported["document"]["pages"][0]
    assert cell(page["tables"][0], 2, 2)["text"] == "105"
    assert page["fields"][0]["value"]["text"] == f"{MASK * 7} {MASK * 7}"
    assert exported["corrected_structure"] == ["p1.t1/r2c2"]
    for word in PHI_WORDS:
        assert word not in reply.body.decode()


def test_the_fields_csv_has_a_bom_a_row_per_field_and_phi_only_when_asked(host: Host) -> None:
    document_id = intake(host)
    correct(host, document_id, {"kind": "FIELD", "target": "p1.f3", "value": "sí"})
    path = f"/api/documents/{document_id}/export?format=fields_csv"

    masked = host.request("GET", path)
    with_phi = host.request("GET", path + "&include_phi=true")

    assert masked.status == 200
    assert masked.headers["content-type"].startswith("text/csv")
    assert masked.body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(masked.body.decode("utf-8-sig"))))
    assert [
        (r["field_id"], r["label"], r["value"], r["checkbox"], r["corrected"]) for r in rows
    ] == [
        ("p1.f1", "Patient name:", f"{MASK * 7} {MASK * 7}", "", "no"),
        ("p1.f2", "Date of birth:", MASK * 10, "", "no"),
        ("p1.f3", "Smoker:", "sí", "SELECTED", "yes"),
    ]
    assert {r["document_type"] for r in rows} == {"INTAKE_FORM"}
    assert "Dolores Fictive" in with_phi.body.decode("utf-8-sig")
    actions = [e["action"] for e in view(host, document_id)["audit"]]
    assert actions[-2:] == ["EXPORT", "EXPORT_PHI"]


def test_the_openapi_document_describes_the_type_filter_and_structure_corrections(
    host: Host,
) -> None:
    schema = host.request("GET", "/api/openapi.json").json()

    listing = schema["paths"]["/api/documents"]["get"]
    (type_parameter,) = [p for p in listing["parameters"] if p["name"] == "document_type"]
    components = schema["components"]["schemas"]
    assert "LAB_REPORT" in json.dumps(type_parameter["schema"]) + json.dumps(
        components.get("DocumentType", {})
    )
    assert {"target", "value"} <= set(components["CorrectionRequest"]["properties"])
    view_properties = set(components["DocumentView"]["properties"])
    assert {"fields", "tables", "corrected"} <= view_properties
    assert {"row", "column", "row_span", "column_span", "header"} <= set(
        components["Cell"]["properties"]
    )


def test_the_view_says_what_each_entity_is_read_as_in_its_section(host: Host) -> None:
    # The fake medical engine tags metformin as a MEDICATION wherever it is written.
    page = page_of("Allergies: metformin", "Past history: diabetes")
    page.fields = [field_of(page, 1, 0, 1), field_of(page, 2, 1, 2)]
    document_id = add_structured(host.pipeline, host.uploads, "forms/allergy.png", page)

    shown = view(host, document_id)

    texts = {e["id"]: e["text"].casefold() for e in shown["entities"]}
    readings = {texts[r["entity_id"]]: (r["read_as"], r["section"]) for r in shown["readings"]}
    assert readings == {
        "metformin": ("ALLERGY", "ALLERGIES"),
        "diabetes": ("CONDITION", "PAST_HISTORY"),
    }
    assert [s["kind"] for s in shown["sections"]] == ["ALLERGIES", "PAST_HISTORY"]
