"""The generator lives under samples/ (it is not part of the meddoc package): make it
importable for these tests."""

import sys
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
if str(SAMPLES) not in sys.path:
    sys.path.insert(0, str(SAMPLES))
