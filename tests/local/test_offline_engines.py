"""The offline engines as the pipeline uses them (meddoc.local.engines)."""

from __future__ import annotations

from meddoc.local.engines import OfflineMedical
from meddoc.ports import ResponseLog


def test_phi_wrapped_across_lines_is_one_span_quoting_the_original_text() -> None:
    text = "Patient lives at 123 Main Street,\nSpringfield, IL 62704 and was seen today."
    analysis = OfflineMedical().analyze(text, "en", ResponseLog())
    addresses = [e for e in analysis.phi if e.type == "ADDRESS"]
    assert [e.text for e in addresses] == ["123 Main Street,\nSpringfield, IL 62704"]
    assert all(text[e.begin : e.end] == e.text for e in analysis.phi)
