"""Invented patients, providers and clinics. Surnames are obviously made up, phone numbers
use the 555-01xx range reserved for fiction, e-mail uses the reserved example.* domains."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FIRST: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "F": ("Olivia", "Hazel", "Marigold", "Ruth", "Priya", "Dolores", "Imogen", "Tabitha"),
        "M": ("Barnaby", "Otis", "Rupert", "Desmond", "Ezra", "Gideon", "Milo", "Tobias"),
    },
    "es": {
        "F": ("Rosalinda", "Maricruz", "Inés", "Consuelo", "Araceli", "Begoña", "Itzel"),
        "M": ("Anselmo", "Rigoberto", "Ulises", "Fermín", "Teodoro", "Baltasar", "Jacinto"),
    },
}
SURNAMES = {
    "en": ("Sampleton", "Testwell", "Mockford", "Fauxley", "Placeholder", "Fictive",
           "Madeupson", "Exampleby", "Dummerton", "Notreal"),
    "es": ("Ficticio", "Inventado", "Ejemplar", "Simulado", "Muestrario", "Imaginario",
           "Supuesto", "Pruebas", "Ilusorio", "Irreal"),
}  # fmt: skip
STREETS = {
    "en": ("Imaginary Lane", "Sample Street", "Placeholder Avenue", "Fiction Road", "Mock Court"),
    "es": ("Calle Ficticia", "Avenida Ejemplo", "Calle Imaginaria", "Paseo de la Muestra"),
}
CITIES = {
    "en": (("Anytown", "OR"), ("Faketon", "TX"), ("Springfield", "ZZ"), ("Nowhere", "NM")),
    "es": (("Villaejemplo", "TX"), ("San Ficticio", "CA"), ("Pueblo Muestra", "FL")),
}
CLINICS = {
    "en": ("Maple Grove Family Clinic", "Lakeside Community Health", "Riverbend Medical Group"),
    "es": ("Clínica Familiar Los Robles", "Centro de Salud La Esperanza", "Clínica San Ejemplo"),
}
LABS = {
    "en": ("Northfield Reference Laboratory", "Clearwater Diagnostics"),
    "es": ("Laboratorio Clínico Del Valle", "Laboratorio Diagnóstico Muestra"),
}


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    sex: str  # "F" | "M"
    birth: date
    address: str
    phone: str
    email: str
    mrn: str
    member_id: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth.year
        return years - ((day.month, day.day) < (self.birth.month, self.birth.day))


@dataclass(frozen=True)
class Provider:
    name: str  # without the title
    title: str  # "Dr.", or "Dra." for a woman in Spanish
    npi: str
    clinic: str
    address: str
    phone: str


def phone(rng: random.Random) -> str:
    return f"({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"


def address(rng: random.Random, language: str) -> str:
    street = rng.choice(STREETS[language])
    city, state = rng.choice(CITIES[language])
    number = rng.randint(10, 9899)
    zip_code = f"{rng.randint(0, 999):05d}"
    if language == "es":
        return f"{street} {number}, {city}, {state} {zip_code}"
    return f"{number} {street}, {city}, {state} {zip_code}"


def patient(rng: random.Random, language: str, visit: date) -> Person:
    sex = rng.choice("FM")
    first = rng.choice(FIRST[language][sex])
    last = rng.choice(SURNAMES[language])
    birth = visit - timedelta(days=rng.randint(19 * 365, 88 * 365))
    domain = rng.choice(("example.com", "example.org", "example.net"))
    return Person(
        first=first,
        last=last,
        sex=sex,
        birth=birth,
        address=address(rng, language),
        phone=phone(rng),
        email=f"{first[0].lower()}.{last.lower()}@{domain}".replace("ñ", "n"),
        mrn=f"{rng.randint(100000, 999999)}",
        member_id=f"XZ{rng.randint(1000, 9999)}-{rng.randint(100, 999)}",
    )


def provider(rng: random.Random, language: str, *, laboratory: bool = False) -> Provider:
    sex = rng.choice("FM")
    name = f"{rng.choice(FIRST[language][sex])} {rng.choice(SURNAMES[language])}"
    places = LABS if laboratory else CLINICS
    return Provider(
        name=name,
        title="Dra." if language == "es" and sex == "F" else "Dr.",
        npi=f"99{rng.randint(10000000, 99999999)}",
        clinic=rng.choice(places[language]),
        address=address(rng, language),
        phone=phone(rng),
    )


def visit_day(rng: random.Random) -> date:
    return date(2025, 1, 6) + timedelta(days=rng.randint(0, 300))


def format_date(day: date, language: str) -> str:
    if language == "es":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.month:02d}/{day.day:02d}/{day.year}"
