"""Which Textract AnalyzeDocument features meddoc asks for (the TextractFeatures template
parameter): read by the functions' settings, the price estimate and the uploader."""

from __future__ import annotations

from meddoc.errors import ConfigurationError

TEXTRACT_FEATURES = ("FORMS", "TABLES", "LAYOUT")  # the template's default
NO_FEATURES = "NONE"  # DetectDocumentText only: words, no structure, the cheap mode


def textract_features(value: str) -> tuple[str, ...]:
    """ "FORMS,TABLES,LAYOUT" (any of them, comma-separated) or "NONE", as Textract spells
    the feature types, in the order given, each once."""
    names = [name.strip().upper() for name in value.split(",") if name.strip()]
    if names == [NO_FEATURES]:
        return ()
    unknown = [name for name in names if name not in TEXTRACT_FEATURES]
    if unknown or not names:
        raise ConfigurationError(
            f"TEXTRACT_FEATURES must be {NO_FEATURES} or some of "
            f"{','.join(TEXTRACT_FEATURES)}, not {value!r}"
        )
    return tuple(dict.fromkeys(names))
