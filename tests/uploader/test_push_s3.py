"""push.py against the stack's upload bucket and documents table, in moto: keys and
hash metadata, duplicates sent once, rejections with reasons, an interrupted run
resumed, documents meddoc already has left alone, and --wait reading the records."""

from __future__ import annotations

import io
import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from botocore.stub import Stubber
from moto import mock_aws
from pushlib import optional, s3_target, stack
from pushlib.cli import main

from meddoc.aws.dynamodb_store import DynamoDocumentStore
from meddoc.model import DocumentRecord, Failure, ObjectRef, Status
from tests.aws.cloud import REGION, TABLE, UPLOADS, create_table
from tests.poison import write_all
from tests.uploader.folders import BATCH, REJECTED, UPLOADABLE, sha256, write_folder


@pytest.fixture
def cloud(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(key, raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=UPLOADS)
        s3.put_bucket_versioning(Bucket=UPLOADS, VersioningConfiguration={"Status": "Enabled"})
        create_table("DocumentsTable", TABLE)
        yield


class Push:
    def __init__(self, tmp_path: Path) -> None:
        self.folder = write_folder(tmp_path / "scans")
        self.state = tmp_path / "state"
        self.report_path = tmp_path / "report.json"
        self.output = ""

    def __call__(self, *extra: str, folder: Path | None = None) -> tuple[int, dict[str, Any]]:
        out = io.StringIO()
        args = [str(folder or self.folder), "--bucket", UPLOADS, "--table", TABLE]
        args += ["--state-dir", str(self.state), "--report", str(self.report_path), *extra]
        code = main(args, out=out)
        self.output = out.getvalue()
        report = json.loads(self.report_path.read_text()) if self.report_path.exists() else {}
        self.report_path.unlink(missing_ok=True)
        return code, report


@pytest.fixture
def push(tmp_path: Path) -> Push:
    return Push(tmp_path)


def objects() -> dict[str, dict[str, Any]]:
    s3 = boto3.client("s3", region_name=REGION)
    listed = s3.list_objects_v2(Bucket=UPLOADS).get("Contents", [])
    return {o["Key"]: s3.head_object(Bucket=UPLOADS, Key=o["Key"]) for o in listed}


def test_a_folder_goes_up_once_per_content_with_its_hash_and_safe_keys(
    cloud: None, push: Push
) -> None:
    code, report = push()

    assert code == 1  # some files were rejected
    stored = objects()
    prefixes = {key[: key.index("/") + 1] for key in stored}
    assert len(prefixes) == 1
    prefix = prefixes.pop()
    assert re.fullmatch(r"batch-\d{4}-\d\d-\d\d-[0-9a-f]{6}/", prefix)
    assert set(stored) == {prefix + relative for relative in UPLOADABLE}
    for relative in UPLOADABLE:
        head = stored[prefix + relative]
        assert head["Metadata"] == {"sha256": sha256(BATCH[relative])}
        key = prefix + relative
        assert unquote_plus(quote_plus(key, safe="/")) == key  # what the pipeline decodes
    assert head["ContentType"] in ("image/png", "image/jpeg", "image/tiff", "application/pdf")
    assert len(report["uploaded"]) == 5
    assert report["duplicates"] == [
        {"file": "copies/visit note 1 (copy).png", "same_as": "visit note 1.png"}
    ]
    rejected = {r["file"]: r["reason"] for r in report["rejected"]}
    assert set(rejected) == REJECTED
    assert "not a JPEG, PNG, TIFF or PDF document" in rejected["notes/renamed.png"]
    assert rejected["empty.jpg"] == "the file is empty (0 bytes)"
    assert "uploaded            5 files" in push.output


def test_an_interrupted_run_is_resumed_and_sends_only_the_rest(
    cloud: None, push: Push, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = stack.s3_target
    sent = {"count": 0}

    def failing_after_two(*args: Any) -> s3_target.S3Target:
        target = made(*args)

        def cut(**kwargs: Any) -> None:
            sent["count"] += 1
            if sent["count"] > 2:
                raise EndpointConnectionError(endpoint_url="https://s3.amazonaws.com")

        target.s3.meta.events.register("before-call.s3.PutObject", cut)
        return target

    monkeypatch.setattr(stack, "s3_target", failing_after_two)
    code, first = push("--concurrency", "1")
    monkeypatch.setattr(stack, "s3_target", made)

    assert code == 3
    assert len(first["uploaded"]) == 2
    assert len(first["upload_errors"]) == 3
    assert "run the same command again" in push.output

    code, second = push()

    assert code == 1
    assert len(second["uploaded"]) == 3
    assert {a["file"] for a in second["already_there"]} == {u["file"] for u in first["uploaded"]}
    assert len(objects()) == 5
    assert {u["key"].split("/")[0] for u in first["uploaded"] + second["uploaded"]} == {
        first["uploaded"][0]["key"].split("/")[0]
    }

    code, third = push()

    assert (code, third["uploaded"], len(third["already_there"])) == (1, [], 5)


def test_new_batch_starts_another_prefix(cloud: None, push: Push) -> None:
    push()
    code, again = push("--new-batch")

    assert code == 1
    assert len(again["uploaded"]) == 5
    assert len({key.split("/")[0] for key in objects()}) == 2


def test_the_same_bytes_under_another_name_are_not_sent_again(
    cloud: None, push: Push, tmp_path: Path
) -> None:
    push("--prefix", "clinic-a")
    renamed = write_folder(tmp_path / "renamed", {"new name.png": BATCH["visit note 1.png"]})

    code, report = push("--prefix", "clinic-a", folder=renamed)

    assert code == 0
    assert report["uploaded"] == []
    assert report["already_there"] == [
        {"file": "new name.png", "where": "in the bucket as clinic-a/visit note 1.png"}
    ]


def test_a_document_meddoc_already_has_is_not_sent_again(cloud: None, push: Push) -> None:
    note = BATCH["visit note 1.png"]
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    store.create(_record(sha256(note), "elsewhere/visit.png", Status.DONE))

    code, report = push()

    assert code == 1
    assert {a["file"]: a["where"] for a in report["already_there"]} == {
        "visit note 1.png": "known to meddoc (DONE)"
    }
    assert len(report["uploaded"]) == 4


def test_a_big_file_goes_up_in_parts_and_is_recognised_by_its_hash_metadata(
    cloud: None, push: Push, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(s3_target, "MULTIPART_BYTES", 5 * 1024 * 1024)
    monkeypatch.setattr(optional, "load", lambda: None)  # the built-in check takes any PDF
    data = b"%PDF-1.4\n" + bytes(range(256)) * (6 * 4096)
    folder = write_folder(tmp_path / "big", {"scan.pdf": data})

    code, first = push("--prefix", "big", folder=folder)
    (head,) = objects().values()

    assert code == 0
    assert len(first["uploaded"]) == 1
    assert head["ETag"].strip('"').endswith("-2")  # multipart: the ETag is no MD5
    assert head["Metadata"] == {"sha256": sha256(data)}

    code, second = push("--prefix", "big", folder=folder)

    assert (code, second["uploaded"]) == (0, [])
    assert second["already_there"] == [
        {"file": "scan.pdf", "where": "in the bucket as big/scan.pdf"}
    ]


def test_wait_follows_the_records_until_done_or_failed(cloud: None, push: Push) -> None:
    stop = threading.Event()
    pipeline = threading.Thread(target=_fake_pipeline, args=(stop,), daemon=True)
    pipeline.start()
    try:
        code, report = push("--wait", "--poll", "0.05", "--timeout", "30")
    finally:
        stop.set()
        pipeline.join()

    assert code == 4  # a document FAILED in processing
    assert len(report["done"]) == 4
    assert report["failed"] == [
        {
            "files": ["scans/three pages.pdf"],
            "reason": "Textract could not read the document",
            "step": "detect_text",
        }
    ]
    assert "Textract could not read the document (step detect_text)" in push.output


def test_wait_without_a_documents_table_is_a_usage_error(cloud: None, push: Push) -> None:
    code = main([str(push.folder), "--bucket", UPLOADS, "--wait", "--state-dir", str(push.state)])

    assert code == 2
    assert objects() == {}


def test_a_dry_run_uploads_nothing_and_estimates_the_cost(cloud: None, push: Push) -> None:
    code, _ = push("--dry-run", "--all-analyses")

    assert code == 1
    assert objects() == {}
    assert "dry run: 5 files" in push.output
    assert "estimated cost on AWS: $" in push.output
    assert "DetectEntitiesV2" in push.output
    assert "5 documents, 8 pages" in push.output


def test_a_dry_run_prices_the_textract_features_chosen(cloud: None, push: Push) -> None:
    push("--dry-run")
    analysed = push.output
    push("--dry-run", "--textract-features", "NONE")

    assert "AnalyzeDocument (FORMS+TABLES+LAYOUT)" in analysed
    assert "Textract features as template.yaml's default" in analysed
    assert "DetectDocumentText" in push.output
    assert "AnalyzeDocument" not in push.output
    assert "Textract features as chosen on the command line" in push.output
    with pytest.raises(SystemExit):
        main([str(push.folder), "--dry-run", "--textract-features", "QUERIES"])


def test_the_stack_gives_the_bucket_the_table_and_the_analyses() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    reply = {
        "Stacks": [
            {
                "StackName": "meddoc",
                "CreationTime": datetime(2026, 1, 1, tzinfo=UTC),
                "StackStatus": "UPDATE_COMPLETE",
                "Outputs": [
                    {"OutputKey": "UploadBucketName", "OutputValue": "meddoc-uploadbucket-1"},
                    {"OutputKey": "DocumentsTableName", "OutputValue": "meddoc-documents-1"},
                ],
                "Parameters": [{"ParameterKey": "SnomedCtEnabled", "ParameterValue": "true"}],
            }
        ]
    }
    with Stubber(cloudformation) as stubber:
        stubber.add_response("describe_stacks", reply, {"StackName": "meddoc"})
        found = stack.describe(cloudformation, "meddoc")

    assert (found.bucket, found.table) == ("meddoc-uploadbucket-1", "meddoc-documents-1")
    assert found.parameters == {"SnomedCtEnabled": "true"}


def test_a_missing_stack_is_a_usage_error() -> None:
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    with Stubber(cloudformation) as stubber:
        stubber.add_client_error(
            "describe_stacks", "ValidationError", "Stack with id meddoc does not exist"
        )
        with pytest.raises(stack.StackProblem, match="does not exist"):
            stack.describe(cloudformation, "meddoc")


def _record(
    document_id: str, key: str, status: Status, failure: Failure | None = None
) -> DocumentRecord:
    now = datetime.now(UTC)
    return DocumentRecord(
        id=document_id,
        source=ObjectRef(UPLOADS, key),
        name=key.rsplit("/", 1)[-1],
        content_type="image/png",
        size=1,
        created_at=now,
        updated_at=now,
        status=status,
        failure=failure,
    )


def _fake_pipeline(stop: threading.Event) -> None:
    """What the workflow does to the records, for --wait to read: every new upload gets
    a record, DONE, except the PDF, which FAILED."""
    s3 = boto3.client("s3", region_name=REGION)
    store = DynamoDocumentStore(TABLE, boto3.resource("dynamodb", region_name=REGION))
    seen: set[str] = set()
    while not stop.wait(0.02):
        for item in s3.list_objects_v2(Bucket=UPLOADS).get("Contents", []):
            key = item["Key"]
            if key in seen:
                continue
            seen.add(key)
            document_id = s3.head_object(Bucket=UPLOADS, Key=key)["Metadata"]["sha256"]
            if key.endswith(".pdf"):
                failure = Failure("detect_text", "Textract could not read the document")
                store.create(_record(document_id, key, Status.FAILED, failure))
            else:
                store.create(_record(document_id, key, Status.DONE))


def test_the_real_run_uses_the_keys_the_dry_run_showed(cloud: None, push: Push) -> None:
    push("--dry-run")
    shown = re.search(r"-> (batch-[^/]+/)visit note 1.png", push.output)
    assert shown is not None

    push()

    assert set(objects()) == {shown.group(1) + relative for relative in UPLOADABLE}
    (note,) = push.state.iterdir()
    assert json.loads(note.read_text()) == {"prefix": shown.group(1)}  # no folder names kept


def test_the_analyses_priced_can_be_chosen_on_the_command_line(cloud: None, push: Push) -> None:
    push("--dry-run", "--analyses", "snomedct")

    assert "InferSNOMEDCT" in push.output
    assert "InferICD10CM" not in push.output
    assert "DetectPiiEntities" not in push.output
    assert "optional analyses as chosen on the command line" in push.output
    with pytest.raises(SystemExit):
        main([str(push.folder), "--dry-run", "--analyses", "everything"])


def test_a_dry_run_lists_each_poison_file_with_the_reason_the_pipeline_would_give(
    cloud: None, push: Push, tmp_path: Path
) -> None:
    written = write_all(tmp_path / "poison")

    code, _ = push("--dry-run", folder=tmp_path / "poison")

    assert code == 1
    assert objects() == {}
    for path, poison in written.items():
        if poison.refused:
            assert f"rejected {path.name}: " in push.output
            line = push.output.split(f"rejected {path.name}: ", 1)[1].split("\n", 1)[0]
            assert poison.reason in line
    good = sum(not p.refused for p in written.values())
    assert f"dry run: {good} files" in push.output
