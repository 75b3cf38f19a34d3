"""What the API accepts, on both hosts: JSON of bounded depth and size, notes and
correction fields of bounded length, upload names that are one plain file name. Every
refusal is a 4xx in the error shape, never a 500, and nothing is written."""

from __future__ import annotations

import json

import pytest

from tests.api.hosts import Host

DEEP = 100_000


def test_json_nested_100000_deep_is_a_bad_request_not_a_server_error(host: Host) -> None:
    for path in ("/api/exports", f"/api/documents/{host.seeded.note_id}/notes"):
        body = b"[" * DEEP + b"]" * DEEP
        reply = host.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        assert reply.status == 400, path
        assert reply.json()["error"] == {
            "code": "InvalidRequest",
            "message": "the JSON body is nested more than 16 levels deep",
        }


def test_json_just_deeper_than_the_limit_is_refused_and_brackets_in_strings_do_not_count(
    host: Host,
) -> None:
    path = f"/api/documents/{host.seeded.note_id}/notes"
    deep = {"text": "x"}
    for _ in range(16):
        deep = {"text": "x", "more": deep}  # type: ignore[dict-item]
    assert host.request("POST", path, json=deep).status == 400
    bracketed = {"text": '[[[[[[[[[[[[[[[[[[[[ {{{{{{{{{{{{{{{{{{{{ \\"[[[[[['}
    reply = host.request("POST", path, json=bracketed)
    assert reply.status == 200, reply.body
    assert reply.json()["note"] == bracketed["text"]


def test_a_body_larger_than_any_json_route_needs_is_refused_as_too_large(host: Host) -> None:
    note = "x" * 300_000  # an 11 KB note is already too long; this is past the body cap
    reply = host.request(
        "POST", f"/api/documents/{host.seeded.note_id}/notes", json={"text": note}
    )
    assert reply.status == 413
    assert reply.json()["error"]["code"] == "TooLarge"
    assert [e for e in view_audit(host) if e["action"] == "NOTE"] == []


def view_audit(host: Host) -> list[dict[str, object]]:
    reply = host.request("GET", f"/api/documents/{host.seeded.note_id}")
    events: list[dict[str, object]] = reply.json()["audit"]
    return events


@pytest.mark.parametrize(
    ("route", "field"),
    [("notes", "text"), ("review", "note"), ("corrections", "note")],
)
def test_notes_longer_than_10000_characters_are_refused(
    host: Host, route: str, field: str
) -> None:
    path = f"/api/documents/{host.seeded.note_id}/{route}"
    body = {"notes": {}, "review": {"status": "FLAGGED"}, "corrections": {"kind": "REMOVE"}}[route]
    reply = host.request("POST", path, json={**body, field: "é" * 10_001})
    assert reply.status == 400
    assert "longer than 10,000 characters" in reply.json()["error"]["message"]
    assert view_audit(host) == []


def test_a_note_of_10000_characters_is_kept_whole(host: Host) -> None:
    text = "a" * 9_999 + "é"
    path = f"/api/documents/{host.seeded.note_id}/notes"
    assert host.request("POST", path, json={"text": text}).status == 200
    assert [e["note"] for e in view_audit(host)] == [text]


@pytest.mark.parametrize(
    ("entity", "message"),
    [
        ({"code": "E11." + "9" * 30}, "the code is longer than 20 characters"),
        ({"type": "X" * 101}, "the entity's type is longer than 100 characters"),
        ({"code": "E11.9", "code_description": "d" * 501}, "the code's description is longer"),
        ({"text": "x" * 10_001}, "the entity's text is longer than 10,000 characters"),
    ],
)
def test_correction_fields_are_bounded(host: Host, entity: dict[str, str], message: str) -> None:
    given = {"begin": 0, "end": 4, "category": "MEDICAL_CONDITION", "type": "DX_NAME", **entity}
    reply = host.request(
        "POST",
        f"/api/documents/{host.seeded.note_id}/corrections",
        json={"kind": "ADD", "entity": given},
    )
    assert reply.status == 400
    assert reply.json()["error"]["message"].startswith(message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("scan\x00.png", "the file name contains control characters"),
        ("scan\n.png", "the file name contains control characters"),
        ("\u202egnp.exe", "the file name contains control characters"),
        (" ..", "a file name cannot be only dots and spaces"),
        ("...", "a file name cannot be only dots and spaces"),
        (". .", "a file name cannot be only dots and spaces"),
        ("é" * 150, "the file name is longer than 255 bytes (UTF-8)"),
        ("a" * 300 + ".png", "the file name is longer than 255 bytes (UTF-8)"),
        ("..\\scan.png", "give the file's own name, without folders"),
        ("   ", "give the file's name"),
        ("\ud800.png", "the file name contains control characters"),
    ],
    ids=[
        "nul",
        "newline",
        "bidi-override",
        "space-dots",
        "dots",
        "dot-space-dot",
        "300-bytes",
        "304-chars",
        "backslash",
        "spaces",
        "lone-surrogate",
    ],
)
def test_upload_names_that_are_not_one_plain_file_name_are_refused_with_the_reason(
    host: Host, name: str, message: str
) -> None:
    body = json.dumps({"name": name, "size": 10}).encode()
    reply = host.request(
        "POST", "/api/uploads", body=body, headers={"Content-Type": "application/json"}
    )
    assert reply.status == 400
    assert reply.json()["error"] == {"code": "InvalidRequest", "message": message}


def test_a_name_of_exactly_255_bytes_is_accepted(host: Host) -> None:
    name = "é" * 125 + "scan.png"[:5]  # 250 + 5 bytes
    assert len(name.encode()) == 255
    reply = host.request("POST", "/api/uploads", json={"name": name, "size": 10})
    assert reply.status == 200, reply.body
