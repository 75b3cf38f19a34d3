"""The deployed workflow's shape, read from its own files: which states one document
passes through (statemachine/pipeline.asl.json, following its Choice rules for a sample
job) and each function's memory (template.yaml), so an estimate follows the workflow
when it changes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_MEMORY_MB = 128  # Lambda's own default, when neither Globals nor the function say
_MAX_STATES = 10_000  # a walk longer than this is a loop the sample job never leaves


class WorkflowError(ValueError):
    """The ASL holds something this reader cannot follow; the estimate would be wrong."""


@dataclass(frozen=True, slots=True)
class Route:
    """The states one execution enters, in order (the branches of a Parallel state
    inline), each with the Lambda function its Task invokes ("" for other states)."""

    visits: tuple[tuple[str, str], ...]

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.visits)

    @property
    def functions(self) -> tuple[str, ...]:
        return tuple(function for _, function in self.visits if function)

    @property
    def transitions(self) -> int:
        return len(self.visits)


def load_asl(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def execution_route(asl: Mapping[str, Any], job: Mapping[str, Any]) -> Route:
    """The states an execution enters when every task succeeds and returns `job`."""
    visits: list[tuple[str, str]] = []
    _walk(asl["States"], asl["StartAt"], job, visits, loop_ok=False)
    return Route(tuple(visits))


def loop_route(asl: Mapping[str, Any], job: Mapping[str, Any]) -> Route:
    """One turn of the loop an unfinished job goes round (the asynchronous text
    detection's wait-and-poll loop): what each extra poll costs. Empty without a loop."""
    visits: list[tuple[str, str]] = []
    again = _walk(asl["States"], asl["StartAt"], job, visits, loop_ok=True)
    if again is None:
        return Route(())
    names = [name for name, _ in visits]
    return Route(tuple(visits[names.index(again) : -1]))


def _walk(
    states: Mapping[str, Any],
    name: str,
    job: Mapping[str, Any],
    visits: list[tuple[str, str]],
    loop_ok: bool,
) -> str | None:
    """Follow the states from `name`. Entering a state twice ends the walk there (its
    name is returned) when `loop_ok`; otherwise it is an error."""
    seen: set[str] = set()
    while True:
        if len(visits) > _MAX_STATES:
            raise WorkflowError("the workflow does not end for the sample job")
        state = states[name]
        visits.append((name, _function_name(state) if _is_lambda(state) else ""))
        if name in seen:
            if loop_ok:
                return name
            raise WorkflowError(f"the sample job loops at {name}; is the job finished?")
        seen.add(name)
        kind = state["Type"]
        if kind == "Parallel":
            for branch in state["Branches"]:
                _walk(branch["States"], branch["StartAt"], job, visits, loop_ok=False)
        if kind in ("Succeed", "Fail") or state.get("End"):
            return None
        name = _choose(state, job) if kind == "Choice" else state["Next"]


def _is_lambda(state: Mapping[str, Any]) -> bool:
    return state["Type"] == "Task" and "lambda" in str(state.get("Resource", ""))


def _function_name(state: Mapping[str, Any]) -> str:
    """The template's logical id of the function: ${ValidateFunctionArn} -> ValidateFunction."""
    target = str(state.get("Parameters", {}).get("FunctionName", state.get("Resource", "")))
    found = re.fullmatch(r"\$\{(\w+?)(Arn)?\}", target)
    return found.group(1) if found else target


def _choose(state: Mapping[str, Any], job: Mapping[str, Any]) -> str:
    for rule in state.get("Choices", []):
        if _holds(rule, job):
            return str(rule["Next"])
    if "Default" not in state:
        raise WorkflowError("no Choice rule matches the sample job and there is no Default")
    return str(state["Default"])


_MISSING = object()
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "StringEquals": lambda value, given: value == given,
    "BooleanEquals": lambda value, given: value is given,
    "NumericEquals": lambda value, given: _number(value) == given,
    "NumericGreaterThan": lambda value, given: _number(value) > given,
    "NumericGreaterThanEquals": lambda value, given: _number(value) >= given,
    "NumericLessThan": lambda value, given: _number(value) < given,
    "NumericLessThanEquals": lambda value, given: _number(value) <= given,
    "IsPresent": lambda value, given: (value is not _MISSING) == given,
}


def _holds(rule: Mapping[str, Any], job: Mapping[str, Any]) -> bool:
    if "And" in rule:
        return all(_holds(r, job) for r in rule["And"])
    if "Or" in rule:
        return any(_holds(r, job) for r in rule["Or"])
    if "Not" in rule:
        return not _holds(rule["Not"], job)
    value = _lookup(job, str(rule["Variable"]))
    for operator, compare in _COMPARISONS.items():
        if operator in rule:
            if value is _MISSING and operator != "IsPresent":
                return False
            return bool(compare(value, rule[operator]))
    raise WorkflowError(f"unsupported Choice rule: {sorted(rule)}")


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) else float("nan")


def _lookup(job: Mapping[str, Any], path: str) -> Any:
    value: Any = job
    for part in path.removeprefix("$.").split("."):
        if not isinstance(value, Mapping) or part not in value:
            return _MISSING
        value = value[part]
    return value


@dataclass(frozen=True, slots=True)
class Functions:
    """Memory (MB) of each function, and the architecture they run on."""

    memory_mb: dict[str, int] = field(default_factory=dict)
    default_mb: int = DEFAULT_MEMORY_MB
    architecture: str = "x86_64"

    def memory(self, logical_id: str) -> int:
        return self.memory_mb.get(logical_id, self.default_mb)


def template_functions(text: str) -> Functions:
    """MemorySize and Architectures from a SAM template. A line reader (no YAML library
    in the Lambda layer): it knows the two places they are written, Globals.Function and
    Resources.<Function>.Properties."""
    stack: list[tuple[int, str]] = []
    memory: dict[str, int] = {}
    default_mb = DEFAULT_MEMORY_MB
    architecture = "x86_64"
    for line in text.splitlines():
        found = re.match(r"^( *)([A-Za-z0-9_]+):\s*(.*?)\s*(#.*)?$", line)
        if not found:
            continue
        indent, key, value = len(found.group(1)), found.group(2), found.group(3)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = [k for _, k in stack]
        stack.append((indent, key))
        if key == "MemorySize" and value.isdigit():
            if path == ["Globals", "Function"]:
                default_mb = int(value)
            elif len(path) == 3 and path[0] == "Resources" and path[2] == "Properties":
                memory[path[1]] = int(value)
        elif key == "Architectures" and path == ["Globals", "Function"]:
            architecture = "arm64" if "arm64" in value else "x86_64"
    return Functions(memory, default_mb, architecture)
