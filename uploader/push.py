#!/usr/bin/env python3
"""Upload a folder of scans to meddoc: the deployed stack's upload bucket, or a local
meddoc server. Runs with only boto3 installed; exact with the meddoc package.

    python uploader/push.py ./images [--stack meddoc | --bucket B | --endpoint URL]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder is already on sys.path; imported (tests), make sure.
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pushlib.cli import main

if __name__ == "__main__":
    sys.exit(main())
