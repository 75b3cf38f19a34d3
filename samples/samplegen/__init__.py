"""Generator of fictitious-patient medical documents with their ground truth."""

from __future__ import annotations

import random


def seeded(*parts: object) -> random.Random:
    """Reproducible choices for one purpose of one document (content, not secrets)."""
    return random.Random(":".join(str(part) for part in parts))  # noqa: S311
