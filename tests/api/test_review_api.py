"""The review API's contract, run against both hosts (see conftest.py)."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from PIL import Image

from meddoc.model import ObjectRef
from tests.api.hosts import Host
from tests.api.seed import ScriptedTextDetector
from tests.documents import png_bytes
from tests.exports.fhir_r4 import validate_bundle

MASK = "\u2588"


def view(host: Host, document_id: str) -> dict[str, Any]:
    reply = host.request("GET", f"/api/documents/{document_id}")
    assert reply.status == 200, reply.body
    loaded: dict[str, Any] = reply.json()
    return loaded


def entity(document_view: dict[str, Any], text: str) -> dict[str, Any]:
    found = [e for e in document_view["entities"] if e["text"] == text]
    assert found, [e["text"] for e in document_view["entities"]]
    return found[0]


def listed(host: Host, query: str) -> list[str]:
    reply = host.request("GET", f"/api/documents?{query}")
    assert reply.status == 200, reply.body
    return [item["id"] for item in reply.json()["items"]]


# --- authentication --------------------------------------------------------------------


def test_every_route_refuses_a_request_without_credentials(host: Host) -> None:
    schema = host.request("GET", "/api/openapi.json").json()
    document_id = host.seeded.note_id
    checked = 0
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{document_id\}", document_id, path)
        concrete = re.sub(r"\{number\}", "1", concrete)
        concrete = re.sub(r"\{\w+\}", "x", concrete)
        for method in operations:
            reply = host.request(method.upper(), concrete, token=None, json={})
            assert reply.status == 401, (method, path, reply.status)
            checked += 1
    assert checked >= 14


def test_a_wrong_token_is_refused_with_the_error_shape(host: Host) -> None:
    reply = host.request("GET", "/api/health", token="not-the-token")
    assert reply.status == 401
    if host.kind == "lambda":
        # API Gateway's JWT authorizer answers before the Lambda, in its own shape.
        assert reply.json() == {"message": "Unauthorized"}
    else:
        assert set(reply.json()["error"]) == {"code", "message"}


# --- listing and search ----------------------------------------------------------------


def test_health_counts_documents_by_status(host: Host) -> None:
    health = host.request("GET", "/api/health").json()
    assert health["status"] == "ok"
    assert health["documents"] == {"DONE": 25, "FAILED": 1}


def test_the_list_pages_newest_first_through_every_document_once(host: Host) -> None:
    seen: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(10):
        reply = host.request("GET", f"/api/documents?limit=10{cursor}")
        assert reply.status == 200
        page = reply.json()
        assert len(page["items"]) <= 10
        seen += page["items"]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    ids = [item["id"] for item in seen]
    assert sorted(ids) == sorted(host.seeded.ids)
    created = [item["created_at"] for item in seen]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=FAILED", "failed"),
        ("q=metformin", "note"),
        ("entity=diabetes", "note"),
        ("entity=diabetes&category=MEDICAL_CONDITION", "note"),
        ("code=E11.9", "note"),
    ],
)
def test_filters_find_exactly_the_matching_documents(
    host: Host, query: str, expected: str
) -> None:
    wanted = host.seeded.failed_id if expected == "failed" else host.seeded.note_id
    assert listed(host, query) == [wanted]


def test_phi_is_never_searchable(host: Host) -> None:
    assert listed(host, "entity=john") == []
    for query in ("q=smith", "q=John%20Smith", "q=john"):
        assert listed(host, query) == [], query
    assert listed(host, "q=metformin") == [host.seeded.note_id]


def add_document(host: Host, key: str, lines: tuple[str, ...]) -> str:
    """One more upload, processed by the host's seeding pipeline (fake engines)."""
    detector = host.pipeline.detector
    assert isinstance(detector, ScriptedTextDetector)
    detector.lines[key] = lines
    ref = ObjectRef(host.uploads, key)
    host.pipeline.blobs.write(ref, png_bytes(400, 200, key), "image/png")  # type: ignore[attr-defined]
    return host.pipeline.run(ref).id


def test_phi_found_only_on_a_translation_is_masked_on_the_original_and_its_page(
    host: Host,
) -> None:
    # Spanish: the fake language analyzer finds no PII on it (like PiiEnabled=false);
    # the medical analyzer, reading the English translation, finds the name.
    document_id = add_document(
        host, "es/consulta.png", ("Paciente: John Smith", "la paciente tiene dolor de cabeza")
    )

    masked = view(host, document_id)

    assert masked["document"]["translation"] is not None
    assert masked["document"]["text"].split("\n")[0] == f"Paciente: {MASK * 4} {MASK * 5}"
    assert "John" not in str(masked)
    assert "Smith" not in str(masked)
    assert masked["record"]["summary"]["phi"] == 1
    reply = host.request("GET", f"/api/documents/{document_id}/pages/1/image")
    with Image.open(io.BytesIO(reply.body)) as image:
        gray = image.convert("L")
        width, height = image.size
        # "John" and "Smith" are the 2nd and 3rd words of line 1 (left 0.2-0.39, top 0.05-0.08)
        for x in (0.25, 0.35):
            assert gray.getpixel((int(x * width), int(0.065 * height))) < 40
    assert listed(host, "q=smith") == []
    if host.kind == "local":
        assert listed(host, "q=cabeza") == [document_id]


def test_a_forged_cursor_is_a_bad_request(host: Host) -> None:
    reply = host.request("GET", "/api/documents?cursor=bm90LWEtY3Vyc29y")
    assert reply.status == 400
    assert reply.json()["error"]["code"] == "InvalidRequest"


# --- one document ----------------------------------------------------------------------


def test_phi_is_masked_until_revealed_and_revealing_is_audited(host: Host) -> None:
    masked = view(host, host.seeded.note_id)
    assert "John Smith" not in str(masked)
    assert MASK * 4 in masked["document"]["text"]
    assert masked["phi_revealed"] is False
    revealed = host.request("POST", f"/api/documents/{host.seeded.note_id}/reveal").json()
    assert "Patient: John Smith" in revealed["document"]["text"]
    assert revealed["phi_revealed"] is True
    actions = [e["action"] for e in view(host, host.seeded.note_id)["audit"]]
    assert actions == ["REVEAL_PHI"]


def test_a_document_view_has_its_pages_entities_and_codes(host: Host) -> None:
    document_view = view(host, host.seeded.note_id)
    assert document_view["record"]["status"] == "DONE"
    assert [p["number"] for p in document_view["pages"]] == [1]
    diabetes = entity(document_view, "diabetes")
    assert diabetes["concepts"][0]["code"] == "E11.9"
    assert entity(document_view, "chest pain")["traits"][0]["name"] == "NEGATION"
    words = document_view["document"]["pages"][0]["lines"][1]["words"]
    assert words[0]["geometry"]["box"]["left"] == pytest.approx(0.1)


def test_a_failed_document_shows_its_reason_and_no_result(host: Host) -> None:
    document_view = view(host, host.seeded.failed_id)
    assert document_view["record"]["status"] == "FAILED"
    assert "PNG image is truncated" in document_view["record"]["failure"]["reason"]
    assert document_view["document"] is None


def test_page_images_come_with_phi_blacked_out(host: Host) -> None:
    reply = host.request("GET", f"/api/documents/{host.seeded.note_id}/pages/1/image")
    assert reply.status == 200
    assert reply.headers["content-type"] == "image/jpeg"
    assert reply.headers["cache-control"] == "private, no-store"
    with Image.open(io.BytesIO(reply.body)) as image:
        # The seeded PHI ("John Smith") is the 2nd and 3rd word: left 0.2-0.39, top 0.05-0.08.
        width, height = image.size
        assert image.convert("L").getpixel((int(0.25 * width), int(0.065 * height))) < 40
        assert image.convert("L").getpixel((int(0.5 * width), int(0.5 * height))) > 200
    missing = host.request("GET", f"/api/documents/{host.seeded.note_id}/pages/2/image")
    assert missing.status == 404


def test_an_unprocessed_page_is_shown_only_after_revealing(host: Host) -> None:
    path = f"/api/documents/{host.seeded.failed_id}/pages/1/image"
    assert host.request("GET", path).status == 409


def test_unknown_documents_and_routes_answer_404_in_the_error_shape(host: Host) -> None:
    for path in ("/api/documents/" + "0" * 64, "/api/nothing-here"):
        reply = host.request("GET", path)
        assert reply.status == 404
        assert set(reply.json()["error"]) == {"code", "message"}


# --- reviewing -------------------------------------------------------------------------


def test_approving_and_flagging_are_kept_in_the_audit_trail(host: Host) -> None:
    path = f"/api/documents/{host.seeded.note_id}/review"
    approved = host.request("POST", path, json={"status": "APPROVED", "note": "looks right"})
    assert approved.status == 200
    assert approved.json()["review"]["status"] == "APPROVED"
    host.request("POST", path, json={"status": "FLAGGED"})
    audit = view(host, host.seeded.note_id)["audit"]
    assert [e["action"] for e in audit] == ["APPROVE", "FLAG"]
    assert audit[0]["before"]["status"] == "UNREVIEWED"
    assert audit[0]["after"]["status"] == "APPROVED"
    assert audit[0]["note"] == "looks right"
    assert audit[0]["actor"]
    assert listed(host, "review=FLAGGED") == [host.seeded.note_id]


def test_a_failed_document_cannot_be_approved(host: Host) -> None:
    reply = host.request(
        "POST", f"/api/documents/{host.seeded.failed_id}/review", json={"status": "APPROVED"}
    )
    assert reply.status == 409


def test_notes_are_audited_and_empty_ones_refused(host: Host) -> None:
    path = f"/api/documents/{host.seeded.note_id}/notes"
    assert host.request("POST", path, json={"text": "call the clinic"}).status == 200
    assert host.request("POST", path, json={"text": "   "}).status == 400
    audit = view(host, host.seeded.note_id)["audit"]
    assert [(e["action"], e["note"]) for e in audit] == [("NOTE", "call the clinic")]


def test_corrections_change_the_reviewed_view_but_never_the_machine_result(host: Host) -> None:
    note_id = host.seeded.note_id
    before = view(host, note_id)
    text = before["document"]["text"]
    metformin = entity(before, "metformin")
    diabetes = entity(before, "diabetes")
    corrections = f"/api/documents/{note_id}/corrections"
    start = text.index("type 2 diabetes")
    replies = [
        host.request("POST", corrections, json={"kind": "REMOVE", "entity_id": metformin["id"]}),
        host.request(
            "POST",
            corrections,
            json={
                "kind": "CORRECT",
                "entity_id": diabetes["id"],
                "note": "more specific",
                "entity": {
                    "text": "type 2 diabetes",
                    "begin": start,
                    "end": start + 15,
                    "category": "MEDICAL_CONDITION",
                    "type": "DX_NAME",
                    "code": "e11.65",
                },
            },
        ),
        host.request(
            "POST",
            corrections,
            json={
                "kind": "ADD",
                "entity": {
                    "text": "daily",
                    "begin": text.index("daily"),
                    "end": text.index("daily") + 5,
                    "category": "MEDICATION",
                    "type": "FREQUENCY",
                },
            },
        ),
    ]
    assert [r.status for r in replies] == [200, 200, 200]
    after = view(host, note_id)
    texts = {e["text"]: e for e in after["entities"]}
    assert "metformin" not in texts
    assert texts["type 2 diabetes"]["concepts"][0]["code"] == "E11.65"
    assert texts["type 2 diabetes"]["id"] == diabetes["id"]
    assert texts["daily"]["id"] >= 100_000
    machine = {e["text"] for e in after["document"]["medical"]["entities"]}
    assert {"metformin", "diabetes"} <= machine
    assert [c["kind"] for c in after["corrections"]] == ["REMOVE", "CORRECT", "ADD"]
    assert [e["action"] for e in after["audit"]] == ["REMOVE", "CORRECT", "ADD"]
    assert after["audit"][1]["before"]["text"] == "diabetes"
    assert listed(host, "entity=type%202%20diabetes") == [note_id]
    assert listed(host, "entity=metformin") == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "REMOVE", "entity_id": 999},
        {
            "kind": "ADD",
            "entity": {
                "text": "diabetes",
                "begin": 0,
                "end": 8,
                "category": "MEDICAL_CONDITION",
                "type": "DX_NAME",
            },
        },
        {
            "kind": "ADD",
            "entity": {
                "text": "x",
                "begin": 5,
                "end": 99999,
                "category": "MEDICAL_CONDITION",
                "type": "DX_NAME",
            },
        },
        {"kind": "SHRUG"},
    ],
)
def test_corrections_that_cannot_apply_are_bad_requests(host: Host, body: dict[str, Any]) -> None:
    reply = host.request("POST", f"/api/documents/{host.seeded.note_id}/corrections", json=body)
    assert reply.status == 400
    assert reply.json()["error"]["code"] == "InvalidRequest"


# --- exports ---------------------------------------------------------------------------


def test_csv_export_has_a_row_per_entity_and_no_phi_unless_asked(host: Host) -> None:
    path = f"/api/documents/{host.seeded.note_id}/export?format=csv"
    reply = host.request("GET", path)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(reply.body.decode())))
    assert len(rows) == 3
    assert "John Smith" not in reply.body.decode()
    with_phi = host.request("GET", path + "&include_phi=true").body.decode()
    assert "John Smith" in with_phi
    actions = [e["action"] for e in view(host, host.seeded.note_id)["audit"]]
    assert actions == ["EXPORT", "EXPORT_PHI"]


def test_fhir_export_is_a_valid_r4_bundle(host: Host) -> None:
    reply = host.request(
        "POST",
        "/api/exports",
        json={"ids": [host.seeded.note_id, host.seeded.failed_id], "format": "fhir"},
    )
    assert reply.status == 200
    assert reply.headers["content-type"] == "application/fhir+json"
    disposition = 'attachment; filename="meddoc-2-documents.fhir.json"'
    assert reply.headers["content-disposition"] == disposition
    bundle = reply.json()
    assert validate_bundle(bundle) == []
    kinds = sorted({entry["resource"]["resourceType"] for entry in bundle["entry"]})
    assert {"Condition", "DocumentReference", "MedicationStatement"} <= set(kinds)
    assert "John Smith" not in reply.body.decode()


def test_statements_export_is_a_csv_of_what_the_note_says_without_phi_unless_asked(
    host: Host,
) -> None:
    path = f"/api/documents/{host.seeded.note_id}/export?format=statements_csv"
    reply = host.request("GET", path)
    assert reply.status == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"].endswith('.statements.csv"')
    rows = list(csv.DictReader(io.StringIO(reply.body.decode())))
    said = {(r["kind"], r["section"], r["text"], r["status"]) for r in rows}
    assert ("CONDITION", "PROBLEMS", "diabetes", "active") in said
    assert ("MEDICATION", "PLAN", "metformin", "intended") in said
    # The plan's next line is read as the plan's; denied, it has no clinical status.
    assert ("CONDITION", "PLAN", "chest pain", "") in said
    assert "John Smith" not in reply.body.decode()


def test_json_export_keeps_machine_and_reviewed_entities(host: Host) -> None:
    reply = host.request("POST", "/api/exports", json={"ids": [host.seeded.note_id]})
    exported = reply.json()["documents"][0]
    assert exported["record"]["id"] == host.seeded.note_id
    assert exported["document"] is not None
    assert exported["document"]["structure"]["sections"]
    kinds = {s["kind"] for s in exported["clinical"]["statements"]}
    assert {"CONDITION", "MEDICATION"} <= kinds


def test_an_export_of_nothing_or_of_an_unknown_format_is_refused(host: Host) -> None:
    assert host.request("POST", "/api/exports", json={"ids": []}).status == 400
    assert (
        host.request(
            "POST", "/api/exports", json={"ids": [host.seeded.note_id], "format": "xml"}
        ).status
        == 400
    )


# --- files -----------------------------------------------------------------------------


def test_an_upload_starts_with_an_intent_and_ends_as_a_received_document(host: Host) -> None:
    data = png_bytes(90, 30, "new upload")
    intent = host.request(
        "POST",
        "/api/uploads",
        json={"name": "new scan.png", "size": len(data), "content_type": "image/png"},
    )
    assert intent.status == 200
    given = intent.json()
    if host.kind == "lambda":
        assert given["method"] == "POST"
        assert given["fields"]["key"].endswith("/new scan.png")
        assert "policy" in given["fields"]
        return
    assert given["method"] == "PUT"
    sent = host.request(
        "PUT", given["url"], body=data, headers={"Content-Type": "application/octet-stream"}
    )
    assert sent.status == 200
    accepted = sent.json()
    assert accepted["status"] == "RECEIVED"
    assert accepted["document_id"] in listed(host, "status=RECEIVED")
    assert host.request("PUT", given["url"], body=data).status == 404  # one use only


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b.png", "", ".."])
def test_upload_names_cannot_carry_folders(host: Host, name: str) -> None:
    reply = host.request("POST", "/api/uploads", json={"name": name, "size": 10})
    assert reply.status == 400


def test_reprocessing_queues_the_document_again(host: Host) -> None:
    reply = host.request("POST", f"/api/documents/{host.seeded.failed_id}/reprocess")
    assert reply.status == 200
    assert reply.json()["status"] == "RECEIVED"
    record = view(host, host.seeded.failed_id)["record"]
    assert (record["status"], record["attempts"], record["failure"]) == ("RECEIVED", 2, None)
    again = host.request("POST", f"/api/documents/{host.seeded.failed_id}/reprocess")
    assert again.status == 409  # already under way
    actions = [e["action"] for e in view(host, host.seeded.failed_id)["audit"]]
    assert actions == ["REPROCESS"]


def test_deleting_removes_the_document_everywhere(host: Host) -> None:
    note_id = host.seeded.note_id
    reply = host.request("DELETE", f"/api/documents/{note_id}")
    assert reply.status == 200
    assert reply.json()["objects"] >= 2  # the original and the stored results
    assert host.request("GET", f"/api/documents/{note_id}").status == 404
    assert note_id not in listed(host, "limit=100")
    assert listed(host, "entity=diabetes") == []
    assert listed(host, "code=E11.9") == []
    assert host.request("GET", "/api/health").json()["documents"]["DONE"] == 24


def test_status_counts_documents_and_shows_the_longest_waiting(host: Host) -> None:
    status = host.request("GET", "/api/status").json()
    assert status["documents"] == {"DONE": 25, "FAILED": 1}
    assert status["done_last_hour"] == 25
    assert status["oldest_unsettled"] is None


def test_reprocessing_by_status_queues_every_matching_document(host: Host) -> None:
    reply = host.request("POST", "/api/reprocess", json={"status": "FAILED"})
    assert reply.status == 200
    assert reply.json() == {"queued": 1, "skipped": 0}
    assert host.request("POST", "/api/reprocess", json={}).status == 400
    actions = [e["action"] for e in view(host, host.seeded.failed_id)["audit"]]
    assert actions == ["REPROCESS"]


def test_a_correction_keeps_the_details_it_does_not_change(host: Host) -> None:
    note_id = host.seeded.note_id
    before = view(host, note_id)
    pain = entity(before, "chest pain")
    reply = host.request(
        "POST",
        f"/api/documents/{note_id}/corrections",
        json={
            "kind": "CORRECT",
            "entity_id": pain["id"],
            "entity": {
                "begin": pain["begin"],
                "end": pain["end"],  # text from the offsets
                "category": "MEDICAL_CONDITION",
                "type": "DX_NAME",
                "negated": True,
                "code": "R07.89",
            },
        },
    )
    assert reply.status == 200, reply.body
    corrected = entity(view(host, note_id), "chest pain")
    assert [t["name"] for t in corrected["traits"]] == ["NEGATION"]
    assert corrected["concepts"][0]["code"] == "R07.89"


def test_the_masked_view_never_shows_phi_in_the_audit_trail(host: Host) -> None:
    note_id = host.seeded.note_id
    text = host.request("POST", f"/api/documents/{note_id}/reveal").json()["document"]["text"]
    start = text.index("John Smith")
    added = host.request(
        "POST",
        f"/api/documents/{note_id}/corrections",
        json={
            "kind": "ADD",
            "entity": {
                "text": "John Smith",
                "begin": start,
                "end": start + 10,
                "category": "PROTECTED_HEALTH_INFORMATION",
                "type": "NAME",
            },
        },
    )
    assert added.status == 200
    masked = view(host, note_id)
    assert "John Smith" not in str(masked)
    assert masked["audit"][-1]["after"]["text"] == MASK * 4 + " " + MASK * 5


def test_a_file_name_carrying_the_patient_s_name_is_masked_in_the_list_and_the_view(
    host: Host,
) -> None:
    document_id = add_document(
        host, "intake/John Smith intake.png", ("Patient: John Smith", "Dx: type 2 diabetes")
    )

    page = host.request("GET", "/api/documents?limit=100").json()
    (listed_record,) = [r for r in page["items"] if r["id"] == document_id]
    masked = view(host, document_id)["record"]
    revealed = host.request("POST", f"/api/documents/{document_id}/reveal").json()["record"]

    for shown in (listed_record, masked):
        assert shown["name"] == f"{MASK * 4} {MASK * 5} intake.png"
        assert "John" not in str(shown)
        assert "Smith" not in str(shown)
    assert revealed["name"] == "John Smith intake.png"
