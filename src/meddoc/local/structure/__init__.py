"""The offline layout analyser: form fields, tables, checkboxes and layout blocks of a
page from its OCR lines and words and its image."""

from meddoc.local.structure.analyser import analyse_page

__all__ = ["analyse_page"]
