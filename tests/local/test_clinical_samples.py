"""Issue 11's cases on the committed samples, read by the real offline engines (once per
module, in-process, one worker): the FHIR export (with the Patient) says what the page says.
An allergy is never a medication taken, each lab result keeps its own row's value, unit,
range and flag, "Tobacco use: never" is a never-smoker status and no family history, and
the letterhead is the authoring organisation, never the patient."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from meddoc.exports.fhir import export_fhir
from meddoc.exports.reviewed import ExportItem
from meddoc.local.ingest import ingest
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import LocalSettings
from meddoc.local.worker import work
from meddoc.model import Status
from meddoc.ports import DocumentQuery

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "documents"
TRUTH = ROOT / "samples" / "truth"
CHOSEN = (
    "01-intake-en-printed-scan.png",
    "07-lab-report-en-printed-2pages.pdf",
    "08-lab-report-es-printed-rot90.png",
    "12-intake-es-printed-skewed.tiff",
)
SMOKING_STATUS = "72166-2"
NEVER_SMOKER = "266919005"
ROW = re.compile(
    r"^(?P<test>[^\d].*?) (?P<value>\d+(?:\.\d+)?) (?P<unit>\S+) "
    r"(?P<low>\d+(?:\.\d+)?)-(?P<high>\d+(?:\.\d+)?)(?: (?P<flag>[HLA]))?$"
)
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict[str, Any]]]:
    """Sample name -> the resources of its FHIR export with the Patient."""
    folder = tmp_path_factory.mktemp("samples")
    for name in CHOSEN:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    settings = LocalSettings(data_dir=tmp_path_factory.mktemp("data"), workers=1)
    runtime = LocalRuntime(settings)
    ingest([folder], runtime.blobs, runtime.queue)
    work(runtime, until_empty=True, keep_going=lambda: True)
    service = review_service(runtime, local_uploads(runtime))
    found = {}
    for record in service.search(DocumentQuery(limit=100)).items:
        assert record.status == Status.DONE
        item = ExportItem(*service.document(record.id))
        bundle = export_fhir([item], include_patient=True)
        found[record.name] = [entry["resource"] for entry in bundle["entry"]]
    assert sorted(found) == sorted(CHOSEN)
    return found


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == kind]


def said(resource: dict[str, Any]) -> str:
    """Everything a resource says, lower-cased, for "does it mention X" checks."""
    return json.dumps(resource, ensure_ascii=False).casefold()


def lab_rows(sample: str) -> list[dict[str, str]]:
    text = json.loads((TRUTH / f"{Path(sample).stem}.truth.json").read_text())["text"]
    rows = [m.groupdict() for m in map(ROW.match, text.splitlines()) if m]
    assert len(rows) >= 10
    return rows


@pytest.mark.parametrize(
    ("sample", "drug"),
    [(CHOSEN[0], "sulfamethoxazole"), (CHOSEN[3], "penicilina")],
)
def test_an_allergy_is_an_allergy_never_a_medication_taken(
    bundles: dict[str, list[dict[str, Any]]], sample: str, drug: str
) -> None:
    resources = bundles[sample]
    assert [r for r in of_type(resources, "AllergyIntolerance") if drug in said(r)]
    assert not [r for r in of_type(resources, "MedicationStatement") if drug in said(r)]


def test_tobacco_use_never_is_a_never_smoker_status_not_family_history(
    bundles: dict[str, list[dict[str, Any]]],
) -> None:
    resources = bundles[CHOSEN[0]]
    smoking = [r for r in of_type(resources, "Observation") if SMOKING_STATUS in said(r)]
    assert len(smoking) == 1
    assert NEVER_SMOKER in said(smoking[0]["valueCodeableConcept"])
    assert not [r for r in of_type(resources, "FamilyMemberHistory") if "tobacco" in said(r)]
    (cancer,) = of_type(resources, "FamilyMemberHistory")
    assert "breast cancer" in said(cancer)
    assert cancer["relationship"]["coding"][0]["code"] == "SIS"


def test_the_letterhead_authors_the_document_and_is_not_the_patient(
    bundles: dict[str, list[dict[str, Any]]],
) -> None:
    resources = bundles[CHOSEN[0]]
    (patient,) = of_type(resources, "Patient")
    (organization,) = of_type(resources, "Organization")
    assert organization["name"] == "Lakeside Community Health"
    assert "9554" in said(organization)
    assert "9554" not in said(patient)
    assert "0113" not in said(patient)
    assert "6289 placeholder avenue" in said(patient["address"])
    assert patient["gender"] == "female"
    (reference,) = of_type(resources, "DocumentReference")
    assert reference["author"]


@pytest.mark.parametrize("sample", [CHOSEN[1], CHOSEN[2]])
def test_each_lab_result_keeps_its_own_rows_value_unit_range_and_flag(
    bundles: dict[str, list[dict[str, Any]]], sample: str
) -> None:
    observations = {
        o["code"]["text"].casefold(): o
        for o in of_type(bundles[sample], "Observation")
        if "laboratory" in said(o.get("category", []))
    }
    wrong = []
    for row in lab_rows(sample):
        found = observations.get(row["test"].casefold())
        if found is None:
            wrong.append((row["test"], "missing"))
            continue
        quantity = found["valueQuantity"]
        (ranges,) = found["referenceRange"]
        flags = [c["code"] for i in found.get("interpretation", []) for c in i["coding"]]
        expected_flag = {"A": "H", "H": "H", "L": "L", None: "N"}[row["flag"]]
        if (
            quantity["value"] != float(row["value"])
            or quantity["unit"] != row["unit"]
            or ranges["low"]["value"] != float(row["low"])
            or ranges["high"]["value"] != float(row["high"])
            or flags[:1] not in ([expected_flag], [] if expected_flag == "N" else None)
        ):
            wrong.append((row["test"], found))
    assert wrong == []
    assert not [
        r
        for r in of_type(bundles[sample], "MedicationStatement")
        if any(row["test"].casefold() in said(r) for row in lab_rows(sample))
    ]


def test_the_lab_reports_patient_is_whole_and_male(
    bundles: dict[str, list[dict[str, Any]]],
) -> None:
    (patient,) = of_type(bundles[CHOSEN[1]], "Patient")
    assert patient["gender"] == "male"
    assert "gideon testwell" in said(patient["name"])
