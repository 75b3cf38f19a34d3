"""Settings of the offline OCR engine: a typed, validated object read once at start-up."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from meddoc.errors import ConfigurationError
from meddoc.limits import Limits


class Recognition(StrEnum):
    """Which line recognizers run: the small model alone, the tiny one alone, or the
    tiny one first and the small one again for lines the tiny one is unsure of."""

    SMALL = "small"
    TINY = "tiny"
    CASCADE = "cascade"


@dataclass(frozen=True, slots=True)
class OcrConfig:
    threads: int = 1  # onnxruntime intra-op threads; 1 is best with one worker per core
    detector: str = "tiny"  # PP-OCRv6 detection model: "tiny" or "small"
    recognition: Recognition = Recognition.SMALL
    cascade_threshold: float = 0.97  # re-read a line whose weakest character is below
    detect_side: int = 2400  # longest side the page is scaled down to for detection
    detect_min_side: int = 736  # shortest side small pages are scaled up to
    tile_text_height: float = 16.0  # tile when the median line box at detect scale is lower (px)
    box_threshold: float = 0.5  # mean text probability a detected box needs
    pixel_threshold: float = 0.5  # text probability of a pixel to belong to a box
    unclip_ratio: float = 1.6  # how far a box grows around its text kernel
    min_line_score: float = 0.5  # lines recognized with a lower mean score are dropped
    reread_threshold: float = 0.9  # re-read a line this unsure from its crop trimmed to ink
    orientation: bool = True  # turn pages upright (0/90/180/270) before reading
    orientation_threshold: float = 0.6  # only turn when the model is this sure (max ~0.93)
    space_gap: float = 1.2  # a gap between characters wider than this x line height is a space
    structure: bool = True  # also read fields, tables, checkboxes and layout blocks
    limits: Limits = field(default_factory=Limits)  # the shared ones: pages, pixels, budgets

    def __post_init__(self) -> None:
        problems: list[str] = []
        if self.threads < 1:
            problems.append("threads must be at least 1")
        if self.detector not in ("tiny", "small"):
            problems.append("detector must be 'tiny' or 'small'")
        for name in (
            "cascade_threshold",
            "box_threshold",
            "pixel_threshold",
            "min_line_score",
            "reread_threshold",
            "orientation_threshold",
        ):
            if not 0.0 <= getattr(self, name) <= 1.0:
                problems.append(f"{name} must be within 0-1")
        if self.detect_side < 320 or self.detect_min_side < 32:
            problems.append("detect_side must be >= 320 and detect_min_side >= 32")
        if self.unclip_ratio <= 0 or self.space_gap <= 0 or self.tile_text_height < 0:
            problems.append("unclip_ratio and space_gap must be > 0, tile_text_height >= 0")
        if problems:
            raise ConfigurationError("invalid OCR settings: " + "; ".join(problems))
