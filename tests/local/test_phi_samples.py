"""Evidence for the PHI promise on the committed samples, read by the real offline engines
(once per module, in-process, one worker): the masked view and the masked JSON, CSV and
FHIR exports of every sample hold no word of any NAME in its truth, and every word of
those names that the OCR read is blacked out of the page images."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from meddoc import serialization
from meddoc.api.exporting import export_documents
from meddoc.api.service import Actor, ReviewService
from meddoc.api.views import ExportRequest
from meddoc.local.ingest import ingest
from meddoc.local.runtime import LocalRuntime
from meddoc.local.serving import local_uploads, review_service
from meddoc.local.settings import LocalSettings
from meddoc.local.worker import work
from meddoc.model import BoundingBox, Status
from meddoc.ports import DocumentQuery
from meddoc.privacy import document_phi, mask_document, phi_boxes

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "documents"
TRUTH = ROOT / "samples" / "truth"
ACTOR = Actor("evidence")
# Printed samples: the OCR reads every name there, so each name word must be found.
PRINTED = ("01-", "04-", "05-", "07-", "08-", "12-")
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("engines")]


@dataclass
class Processed:
    service: ReviewService
    ids: dict[str, str]  # sample file name -> document id


@pytest.fixture(scope="module")
def processed(tmp_path_factory: pytest.TempPathFactory) -> Processed:
    settings = LocalSettings(data_dir=tmp_path_factory.mktemp("data"), workers=1)
    runtime = LocalRuntime(settings)
    ingest([SAMPLES], runtime.blobs, runtime.queue)
    work(settings, until_empty=True, keep_going=lambda: True)
    service = review_service(runtime, local_uploads(runtime))
    records = service.search(DocumentQuery(limit=100)).items
    assert sorted(r.name for r in records) == sorted(p.name for p in SAMPLES.iterdir())
    assert {r.status for r in records} == {Status.DONE}
    return Processed(service, {r.name: r.id for r in records})


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_words(sample: str) -> set[str]:
    """The words of the truth's NAME entities, less those the page also uses elsewhere
    (the footer's "paciente ficticio" is no name)."""
    truth = json.loads((TRUTH / f"{Path(sample).stem}.truth.json").read_text())
    public = truth["text"]
    for phi in sorted(truth["phi"], key=lambda p: -p["begin"]):
        public = public[: phi["begin"]] + " " + public[phi["end"] :]
    elsewhere = set(re.findall(r"\w+", fold(public)))
    names = [p["text"] for p in truth["phi"] if p["type"] == "NAME"]
    return {w for name in names for w in re.findall(r"\w+", fold(name)) if w not in elsewhere}


def shown(text: str, words: set[str]) -> list[str]:
    folded = fold(text)
    return sorted(w for w in words if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", folded))


def test_every_sample_has_names_in_its_truth() -> None:
    samples = sorted(p.name for p in SAMPLES.iterdir())
    assert all(len(name_words(s)) >= 2 for s in samples)


def test_masked_views_show_no_word_of_any_name(processed: Processed) -> None:
    leaks = {}
    for sample, document_id in processed.ids.items():
        view = processed.service.view(document_id, ACTOR)
        text = json.dumps(serialization.to_dict(view), ensure_ascii=False)
        if found := shown(text, name_words(sample)):
            leaks[sample] = found
    assert leaks == {}


@pytest.mark.parametrize("export_format", ["json", "csv", "fhir"])
def test_masked_exports_hold_no_word_of_any_name(processed: Processed, export_format: str) -> None:
    leaks = {}
    for sample, document_id in processed.ids.items():
        request = ExportRequest(format=export_format, ids=[document_id])
        body = export_documents(processed.service, ACTOR, request).body
        if found := shown(str(body), name_words(sample)):
            leaks[sample] = found
    assert leaks == {}


def test_page_images_are_black_over_every_word_of_every_name(processed: Processed) -> None:
    located: dict[str, set[str]] = {}
    for sample, document_id in processed.ids.items():
        _, document, corrections = processed.service.document(document_id)
        assert document is not None
        masked = mask_document(document, document_phi(document, corrections))
        boxes = {p.number: phi_boxes(masked, p.number) for p in document.pages}
        words = name_words(sample)
        located[sample] = set()
        for page in document.pages:
            image = processed.service.page_image(document_id, page.number, ACTOR).body
            with Image.open(io.BytesIO(image)) as opened:
                gray = opened.convert("L")
                for line in page.lines:
                    for word in line.words:
                        hits = {w for w in words if w in fold(word.text)}
                        if not hits:
                            continue
                        located[sample] |= hits
                        box = word.geometry.box
                        assert box in boxes[page.number], (sample, word.text)
                        assert darkness(gray, box) > 0.95, (sample, word.text)
    for sample in (s for s in located if s.startswith(PRINTED)):
        assert located[sample] == name_words(sample), sample


def darkness(gray: Image.Image, box: BoundingBox) -> float:
    """The share of dark pixels inside the box (its inner part: edges may be grey)."""
    width, height = gray.size
    inset_x, inset_y = box.width * 0.1, box.height * 0.2
    crop = gray.crop(
        (
            int((box.left + inset_x) * width),
            int((box.top + inset_y) * height),
            max(int((box.right - inset_x) * width), int((box.left + inset_x) * width) + 1),
            max(int((box.bottom - inset_y) * height), int((box.top + inset_y) * height) + 1),
        )
    )
    counts = crop.histogram()
    return sum(counts[:60]) / sum(counts)
