"""What a document is and how its text divides (sections, document type), and the clinical
statements its reviewed entities and structure make: the same on both hosts."""

from __future__ import annotations

from meddoc.model import Document
from meddoc.model_structure import Structure
from meddoc.structure.doctype import document_type
from meddoc.structure.sections import find_sections


def document_structure(document: Document) -> Structure:
    """The sections and the type of a document, from its text and pages."""
    sections = find_sections(document)
    return Structure(document_type=document_type(document, sections), sections=sections)


def structure_of(document: Document) -> Structure:
    """The document's stored structure, or one worked out now for records stored
    before documents had one."""
    return document.structure if document.structure is not None else document_structure(document)
