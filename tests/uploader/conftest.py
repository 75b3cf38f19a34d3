"""The uploader lives in uploader/ (a script and its package), not in src/: put its
folder on the path the way running `python uploader/push.py` does."""

from __future__ import annotations

import sys
from pathlib import Path

UPLOADER = Path(__file__).resolve().parents[2] / "uploader"
if str(UPLOADER) not in sys.path:
    sys.path.insert(0, str(UPLOADER))
