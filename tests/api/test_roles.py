"""Roles, on both hosts: a reviewer reviews (PHI masked), an admin also reveals PHI,
exports it, deletes and reprocesses in bulk. Refusals are 403s in the error shape, and
an attempt on a document is kept in its audit trail."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.hosts import TOKEN, Host

ADMIN_PERMISSIONS = ["delete", "export_phi", "reprocess_many", "reveal_phi", "review"]


def audit(host: Host, document_id: str) -> list[dict[str, Any]]:
    reply = host.request("GET", f"/api/documents/{document_id}")
    assert reply.status == 200, reply.body
    events: list[dict[str, Any]] = reply.json()["audit"]
    return events


def test_me_names_the_caller_with_their_roles_and_what_they_permit(host: Host) -> None:
    admin = host.request("GET", "/api/me").json()
    assert (admin["roles"], admin["permissions"]) == (["admin"], ADMIN_PERMISSIONS)
    reviewer = host.request("GET", "/api/me", token=host.reviewer_token).json()
    assert (reviewer["roles"], reviewer["permissions"]) == (["reviewer"], ["review"])
    assert reviewer["name"]
    assert reviewer["name"] != admin["name"]


def test_a_reviewer_reviews_notes_corrects_exports_uploads_and_reprocesses_one(
    host: Host,
) -> None:
    note, failed = host.seeded.note_id, host.seeded.failed_id
    token = host.reviewer_token
    document = host.request("GET", f"/api/documents/{note}", token=token).json()
    assert "John Smith" not in str(document)
    metformin = next(e for e in document["entities"] if e["text"] == "metformin")
    replies = {
        "view image": host.request("GET", f"/api/documents/{note}/pages/1/image", token=token),
        "review": host.request(
            "POST", f"/api/documents/{note}/review", token=token, json={"status": "FLAGGED"}
        ),
        "note": host.request(
            "POST", f"/api/documents/{note}/notes", token=token, json={"text": "check dose"}
        ),
        "correct": host.request(
            "POST",
            f"/api/documents/{note}/corrections",
            token=token,
            json={"kind": "REMOVE", "entity_id": metformin["id"]},
        ),
        "export": host.request("GET", f"/api/documents/{note}/export?format=csv", token=token),
        "upload": host.request(
            "POST", "/api/uploads", token=token, json={"name": "scan.png", "size": 10}
        ),
        "reprocess": host.request("POST", f"/api/documents/{failed}/reprocess", token=token),
        "list": host.request("GET", "/api/documents?status=DONE", token=token),
        "status": host.request("GET", "/api/status", token=token),
    }
    assert {what: reply.status for what, reply in replies.items()} == dict.fromkeys(replies, 200)
    assert "John Smith" not in replies["export"].body.decode()
    actions = [(e["action"], e["actor"]) for e in audit(host, note)]
    reviewer = host.request("GET", "/api/me", token=token).json()["name"]
    assert actions == [
        ("FLAG", reviewer),
        ("NOTE", reviewer),
        ("REMOVE", reviewer),
        ("EXPORT", reviewer),
    ]


def admin_only(host: Host) -> dict[str, tuple[str, str, Any]]:
    note = host.seeded.note_id
    return {
        "reveal": ("POST", f"/api/documents/{note}/reveal", None),
        "image with PHI": ("GET", f"/api/documents/{note}/pages/1/image?reveal=true", None),
        "export with PHI": (
            "GET",
            f"/api/documents/{note}/export?format=csv&include_phi=true",
            None,
        ),
        "FHIR Patient": (
            "POST",
            "/api/exports",
            {"ids": [note], "format": "fhir", "include_patient": True},
        ),
        "delete": ("DELETE", f"/api/documents/{note}", None),
        "reprocess by status": ("POST", "/api/reprocess", {"status": "FAILED"}),
        "reprocess all": ("POST", "/api/reprocess", {"all": True}),
    }


def test_a_reviewer_is_refused_what_only_an_admin_may_do_and_nothing_happens(
    host: Host,
) -> None:
    note = host.seeded.note_id
    for what, (method, path, body) in admin_only(host).items():
        reply = host.request(method, path, token=host.reviewer_token, json=body)
        assert reply.status == 403, what
        error = reply.json()["error"]
        assert error["code"] == "NotAllowed", what
        assert "admin role" in error["message"], what
        assert "John Smith" not in reply.body.decode(), what
    statuses = host.request("GET", "/api/health").json()["documents"]
    assert statuses == {"DONE": 25, "FAILED": 1}  # nothing deleted, nothing queued
    assert host.request("GET", f"/api/documents/{note}").status == 200


def test_every_refused_attempt_on_a_document_is_in_its_audit_trail(host: Host) -> None:
    note = host.seeded.note_id
    for method, path, body in admin_only(host).values():
        host.request(method, path, token=host.reviewer_token, json=body)
    reviewer = host.request("GET", "/api/me", token=host.reviewer_token).json()["name"]
    refused = [(e["action"], e["actor"], e["note"]) for e in audit(host, note)]
    assert refused == [
        ("REFUSED", reviewer, "reveal PHI"),
        ("REFUSED", reviewer, "page 1 image with PHI"),
        ("REFUSED", reviewer, "csv export including PHI"),
        ("REFUSED", reviewer, "fhir export including PHI"),
        ("REFUSED", reviewer, "delete the document"),
    ]


@pytest.mark.parametrize("what", ["reveal", "image with PHI", "delete", "reprocess by status"])
def test_an_admin_may_do_what_a_reviewer_may_not(host: Host, what: str) -> None:
    method, path, body = admin_only(host)[what]
    assert host.request(method, path, token=TOKEN, json=body).status == 200


def test_phi_an_admin_added_as_a_correction_is_masked_in_a_reviewer_s_export(
    host: Host,
) -> None:
    note = host.seeded.note_id
    text = host.request("POST", f"/api/documents/{note}/reveal").json()["document"]["text"]
    begin = text.index("John Smith")
    added = host.request(
        "POST",
        f"/api/documents/{note}/corrections",
        json={
            "kind": "ADD",
            "entity": {
                "text": "John Smith",
                "begin": begin,
                "end": begin + len("John Smith"),
                "category": "PROTECTED_HEALTH_INFORMATION",
                "type": "NAME",
            },
        },
    )
    assert added.status == 200, added.body

    for format_name in ("json", "csv", "fhir"):
        export = host.request(
            "POST",
            "/api/exports",
            token=host.reviewer_token,
            json={"ids": [note], "format": format_name},
        )
        assert export.status == 200, export.body
        body = export.body.decode()
        assert "John" not in body, format_name
        assert "Smith" not in body, format_name
