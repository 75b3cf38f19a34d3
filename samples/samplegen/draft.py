"""A document being written: its composer, its labels, and the pieces every kind of
paperwork shares (letterhead, filled-in fields, signature, the SAMPLE footer)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Unpack

from meddoc.model import SectionKind
from samplegen.annotate import Annotations
from samplegen.compose import BOLD, HAND, PRINT, SMALL, TITLE, Box, Composer, Layout, Mark, Part
from samplegen.people import Provider
from samplegen.structure import Span, Structure
from samplegen.vocab import Drug, Term

FOOTER = Term("SAMPLE — fictitious patient", "MUESTRA — paciente ficticio")
PAGE = Term("page {0} of {1}", "página {0} de {1}")


@dataclass
class Draft:
    rng: random.Random
    language: str
    hand: bool  # filled in / written by hand
    width: int  # characters per line before wrapping
    composer: Composer = field(default_factory=Composer)
    labels: Annotations = field(default_factory=Annotations)
    pages: int = 1
    checkboxes: bool = False  # intake forms get checkbox groups (bench sets; committed 01, 12)
    structure: Structure = field(init=False)

    def __post_init__(self) -> None:
        self.structure = Structure(self.composer)

    def t(self, term: Term) -> str:
        return term.of(self.language)

    @property
    def value_style(self) -> str:
        return HAND if self.hand else PRINT

    def line(self, parts: list[Part], **layout: Unpack[Layout]) -> None:
        self.composer.line(parts, wrap=self.width, **layout)

    def letterhead(self, place: Provider, *, doctor: bool = False) -> None:
        """Clinic or laboratory name, address and phone, centred, as printed stationery."""
        title = f"{place.title} {place.name}" if doctor else place.clinic
        with self.structure.section(SectionKind.ISSUER, title):
            self._letterhead(place, doctor)

    def _letterhead(self, place: Provider, doctor: bool) -> None:
        if doctor:
            name = self.labels.phi(Mark(place.name), "NAME")
            degree = ", MD" if self.language == "en" else ""
            line: list[Part] = [f"{place.title} ", name, degree]
            self.composer.line(line, style=TITLE, align="center", size=1.3)
            self.composer.line([self.labels.phi(Mark(place.clinic), "ADDRESS")], align="center")
        else:
            clinic = self.labels.phi(Mark(place.clinic), "ADDRESS")
            self.composer.line([clinic], style=TITLE, align="center", size=1.4)
        address = self.labels.phi(Mark(place.address), "ADDRESS")
        self.composer.line([address], style=SMALL, align="center")
        phone = self.labels.phi(Mark(place.phone), "PHONE_OR_FAX")
        self.composer.line(["Tel. ", phone], style=SMALL, align="center", rule_below=not doctor)
        if doctor:
            npi = self.labels.phi(Mark(place.npi), "ID")
            self.composer.line(["NPI ", npi], style=SMALL, align="center", rule_below=True)

    def title(self, term: Term) -> None:
        self.composer.line([self.t(term)], style=TITLE, align="center", space_before=0.6)

    def heading(self, term: Term) -> None:
        self.composer.line([self.t(term)], style=BOLD, space_before=0.5)

    def field(self, label: Term, value: str, phi_type: str | None = None) -> Mark:
        """A printed label with its value typed or handwritten on the blank."""
        mark = Mark(value, style=self.value_style)
        if phi_type:
            self.labels.phi(mark, phi_type)
        self.labelled(label, [mark], blank=self.hand)
        return mark

    def labelled(self, label: Term | Mark, parts: list[Part], **layout: Unpack[Layout]) -> None:
        """ "Label: value" on one line (wrapped if long): a form field in the truth."""
        name = label if isinstance(label, Mark) else Mark(self.t(label))
        value = Span.of(parts[0]) if len(parts) == 1 and isinstance(parts[0], Mark) else Span()
        shown = parts if value.first is parts[0] else value.around(parts)
        self.line([name, " ", *shown], **layout)
        self.structure.field(name, value)

    def checkbox_group(self, label: Term, options: list[tuple[Term, bool]]) -> None:
        """ "Smoker: [x] No [ ] Yes": each option is a field whose state is its box's."""
        parts: list[Part] = [f"{self.t(label)} "]
        recorded = []
        for index, (option, selected) in enumerate(options):
            box, name, value = Box(selected), Mark(self.t(option)), Span()
            parts += [" "] if index else []
            parts += [box, name, value.first, value.last]
            recorded.append((name, value, box))
        self.line(parts, hand_marks=self.hand)
        for name, value, box in recorded:
            self.structure.field(name, value, box)

    def drug_line(self, drug: Drug) -> list[Part]:
        """ "Lisinopril 10 mg once daily", as patients and notes list what is taken."""
        name, strength = Mark(drug.name.of(self.language)), Mark(drug.strength)
        frequency = Mark(self.t(drug.frequency))
        self.labels.medication(name, [("DOSAGE", strength), ("FREQUENCY", frequency)])
        return [name, " ", strength, " ", frequency]

    def rx_lines(self, drug: Drug) -> tuple[list[Part], list[Part]]:
        """The two lines of a prescription: "Amoxicillin 500 mg capsules" and its sig
        "1 capsule by mouth three times daily for 10 days", all attributes of one entity."""
        name, strength, form = (
            Mark(drug.name.of(self.language)),
            Mark(drug.strength),
            Mark(self.t(drug.form)),
        )
        dose, route = Mark(self.t(drug.dose)), Mark(self.t(drug.route))
        frequency = Mark(self.t(drug.frequency))
        sig: list[Part] = [dose, " ", route, " ", frequency]
        attributes = [
            ("STRENGTH", strength),
            ("FORM", form),
            ("DOSAGE", dose),
            ("ROUTE_OR_MODE", route),
            ("FREQUENCY", frequency),
        ]
        if drug.duration:
            duration = Mark(self.t(drug.duration))
            sig += [" " + self.t(Term("for", "durante")) + " ", duration]
            attributes.append(("DURATION", duration))
        self.labels.medication(name, attributes)
        return [name, " ", strength, " ", form], sig

    def signature(self, label: Term, name: str) -> None:
        mark = self.labels.phi(Mark(name, style=HAND), "NAME")
        title = Mark(self.t(label))
        with self.structure.section(SectionKind.SIGNATURE, title.text):
            self.composer.line([title, " ", mark], space_before=1.0, blank=True)
        self.structure.field(title, Span.of(mark))

    def footer(self, page: int | None = None) -> None:
        text = self.t(FOOTER)
        if self.pages > 1 and page:
            text += ", " + self.t(PAGE).format(page, self.pages)
        self.composer.line([text], style=SMALL, align="center", footer=True)
