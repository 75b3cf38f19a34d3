"""meddoc: photos and scans of medical paperwork into reviewed, coded, searchable records."""

__version__ = "0.1.0"
