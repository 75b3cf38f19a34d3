"""FHIR R4 (4.0.1) validation for tests: fhir.resources 6.4.0 models plus the checks they
leave out (codes of required bindings, reference targets)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from types import ModuleType
from typing import Any

# fhir.resources 6.4.0 is its last R4 release: 6.5.0 is R4B (4.3.0), 7.x and 8.x are R5
# with R4B and STU3 subpackages and no R4. 6.4.0 is written for the pydantic 1 API while
# the core needs pydantic 2 (powertools' parser), so its modules are imported once
# against the `pydantic.v1` copy pydantic 2 ships: `pydantic` is swapped for
# `pydantic.v1` in sys.modules only while they load, then restored. Every R4 model is
# loaded up front because fhir.resources imports classes lazily while validating.
_NOT_R4 = {"DSTU2", "STU3", "tests"}
# pydantic.v1 modules that import pydantic 2 code or optional tools; fhir.resources
# uses none of them.
_SKIP_V1 = {"_hypothesis_plugin", "mypy"}


@contextmanager
def _pydantic_v1_as_pydantic() -> Iterator[None]:
    import pydantic.v1

    for info in pkgutil.iter_modules(pydantic.v1.__path__):
        if info.name not in _SKIP_V1:
            importlib.import_module(f"pydantic.v1.{info.name}")
    saved = {k: m for k, m in sys.modules.items() if k == "pydantic" or k.startswith("pydantic.")}
    swapped = {
        "pydantic" + k.removeprefix("pydantic.v1"): m
        for k, m in saved.items()
        if k == "pydantic.v1" or k.startswith("pydantic.v1.")
    }
    for name in saved:
        if not name.startswith("pydantic.v1"):
            del sys.modules[name]
    sys.modules.update(swapped)
    try:
        yield
    finally:
        for name in [k for k in sys.modules if k == "pydantic" or k.startswith("pydantic.")]:
            del sys.modules[name]
        sys.modules.update(saved)


@cache
def r4() -> ModuleType:
    """The fhir.resources package with every R4 model loaded."""
    with _pydantic_v1_as_pydantic():
        resources = importlib.import_module("fhir.resources")
        for info in pkgutil.iter_modules(resources.__path__):
            if info.name not in _NOT_R4:
                importlib.import_module(f"fhir.resources.{info.name}")
    assert resources.__fhir_version__ == "4.0.1"
    return resources


def parse(resource: dict[str, Any]) -> Any:
    """The R4 model of a resource; raises pydantic.v1's ValidationError when invalid."""
    return r4().construct_fhir_element(resource["resourceType"], resource)


def validate_bundle(bundle: dict[str, Any]) -> list[str]:
    """Parse the Bundle and every entry's resource as R4, then check what the models do
    not: codes of required bindings and the resource types references may point at.
    Returns the problems found (empty when valid)."""
    parsed = parse(bundle)
    types_by_url = {e["fullUrl"]: e["resource"]["resourceType"] for e in bundle["entry"]}
    problems: list[str] = []
    for entry in bundle["entry"]:
        model = parse(entry["resource"])
        problems += _check(model, entry["resource"]["resourceType"], types_by_url)
    problems += _check(parsed, "Bundle", {})
    return problems


def _check(model: Any, path: str, types_by_url: dict[str, str]) -> list[str]:
    problems: list[str] = []
    for name, field in model.__fields__.items():
        value = getattr(model, name)
        if value is None:
            continue
        extra = field.field_info.extra
        where = f"{path}.{field.alias}"
        codes = extra.get("enum_values")
        if codes and isinstance(value, str) and value not in codes:
            problems.append(f"{where}: {value!r} not in {codes}")
        targets = extra.get("enum_reference_types")
        for item in value if isinstance(value, list) else [value]:
            if targets and "Resource" not in targets:
                problems += _reference_target(item, where, targets, types_by_url)
            if hasattr(item, "__fields__") and name != "resource":
                problems += _check(item, where, types_by_url)
    return problems


def _reference_target(
    reference: Any, where: str, targets: list[str], types_by_url: dict[str, str]
) -> list[str]:
    if reference.reference is not None:
        target = types_by_url.get(reference.reference)
        if target is None:
            return [f"{where}: {reference.reference} is not in the bundle"]
    else:
        target = reference.type
    if target not in targets:
        return [f"{where}: refers to {target}, allowed {targets}"]
    return []
