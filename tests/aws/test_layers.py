"""The layers: the core layer ships bytecode compiled by the runtime's Python and none of
the imaging packages; those are in a layer only the API function has, and nothing the
other functions import reaches them."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from tests.aws.cloud import template
from tests.aws.test_template_hardening import deployed

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
MAKEFILE = (SRC / "Makefile").read_text()
IMAGING = {"PIL", "pypdfium2"}


def make_variable(name: str) -> str:
    found = re.search(rf"^{name}\s*:?=\s*((?:.*\\\n)*.*)$", MAKEFILE, re.MULTILINE)
    assert found, name
    return found.group(1).replace("\\\n", " ")


def imports_of(path: Path) -> set[str]:
    """Modules a file imports, wherever in the file, except under `if TYPE_CHECKING:`."""
    tree = ast.parse(path.read_text())
    checking_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def reachable(handler: Path) -> set[str]:
    """Every module the handler can import, following meddoc's own modules."""
    seen: set[str] = set()
    todo = list(imports_of(handler))
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        if module.split(".")[0] != "meddoc":
            continue
        base = SRC / Path(*module.split("."))
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path.exists():
                todo += imports_of(path)
    return {module for module in seen if module}


def handlers() -> dict[str, Path]:
    return {path.parent.name: path for path in sorted(ROOT.glob("functions/*/app.py"))}


def test_only_the_functions_running_the_review_service_can_reach_pillow_or_pdfium() -> None:
    # The API and the export function (export jobs read documents through the service).
    reaching = {
        name
        for name, handler in handlers().items()
        if {module.split(".")[0] for module in reachable(handler)} & IMAGING
    }
    assert reaching == {"api", "export"}


def test_the_imaging_layer_is_the_review_services_functions_only() -> None:
    """As deployed: SAM adds a function's Layers to the Globals' (the core layer)."""
    layers = {
        name: [ref["Ref"] for ref in resource["Properties"].get("Layers", [])]
        for name, resource in deployed()["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }
    assert all(refs and refs[0].startswith("CoreLayer") for refs in layers.values())
    with_imaging = {
        name for name, refs in layers.items() if any(r.startswith("ImagingLayer") for r in refs)
    }
    assert with_imaging == {"ApiFunction", "ExportFunction"}


def test_the_imaging_packages_leave_the_core_layer_pinned_as_the_project_pins_them() -> None:
    core = make_variable("LAYER_PACKAGES").lower()
    imaging = make_variable("IMAGING_PACKAGES").split()
    assert "pillow" not in core
    assert "pypdfium2" not in core
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = {
        pin.split("==")[0].lower(): pin
        for group in pyproject["project"]["optional-dependencies"].values()
        for pin in group
    }
    assert imaging == [pins["pillow"], pins["pypdfium2"]]


def test_the_layers_are_compiled_by_the_lambda_runtimes_python() -> None:
    runtime = template()["Globals"]["Function"]["Runtime"]  # e.g. python3.12
    assert make_variable("RUNTIME_VERSION") == runtime.removeprefix("python")
    for layer in ("CoreLayer", "ImagingLayer"):
        props = template()["Resources"][layer]["Properties"]
        assert props["CompatibleRuntimes"] == [runtime]
        recipe = MAKEFILE.split(f"build-{layer}:", 1)[1].split("\n\n", 1)[0]
        assert "$(COMPILE)" in recipe, layer
    assert "--invalidation-mode unchecked-hash" in make_variable("COMPILE")
    assert 'sys.version.startswith("$(RUNTIME_VERSION).")' in make_variable("COMPILE")
