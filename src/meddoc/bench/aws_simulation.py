"""A discrete-event simulation of a burst of uploads through admission control and the
pipeline at the account's quotas. Its settings are read from the real files: the route,
retry policies and timeout from statemachine/pipeline.asl.json; the quotas, in-flight
limit, queue and starter settings from template.yaml's defaults. Latencies are
assumptions (LATENCY), stated with the figures."""

from __future__ import annotations

import heapq
import importlib
import json
import random
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meddoc.admission import Quotas, deferral_seconds, in_flight_limit
from meddoc.pricing.workflow import execution_route

# Seconds per call, end to end (mean; each draw is uniform in [0.5, 1.5] x mean).
# Assumptions, not measurements: Textract's sync APIs take seconds per page,
# Comprehend and Comprehend Medical's real-time APIs well under one to about one.
LATENCY = {
    "DetectDocumentText": 1.5,
    "AnalyzeDocument": 4.0,
    "DetectDominantLanguage": 0.2,
    "DetectKeyPhrases": 0.3,
    "DetectEntities": 0.3,
    "DetectPiiEntities": 0.3,
    "DetectSentiment": 0.2,
    "DetectEntitiesV2": 1.0,
    "InferICD10CM": 1.0,
    "InferRxNorm": 1.0,
    "InferSNOMEDCT": 1.0,
}
LAMBDA_OVERHEAD = 0.15  # invoke + handler work besides the calls (S3, DynamoDB)
STARTER_SECONDS = 0.3  # one starter invocation over a batch
SDK_ATTEMPTS = 3  # botocore "standard" mode (meddoc.aws.clients.SDK_CONFIG)
COMPREHEND_TPS = 20.0  # Comprehend's real-time APIs (their quotas are not a parameter)


@dataclass(frozen=True)
class Setup:
    """What the simulation reads from the repository's own files."""

    route: tuple[tuple[str, str], ...]  # (state, function) of a single image's run
    parallel: frozenset[str]  # functions inside the Parallel state
    retry: dict[str, dict[str, Any]]  # function -> its ServiceThrottled retrier
    timeout: float
    quotas: Quotas
    analyze: bool  # AnalyzeDocument (TextractFeatures) or DetectDocumentText
    medical_apis: tuple[str, ...]
    limit: int
    batch_size: int
    pollers: int
    defer: tuple[int, int]  # DEFER_SECONDS, DEFER_MAX_SECONDS
    max_receives: int


def _cfn_yaml(text: str) -> dict[str, Any]:
    yaml: Any = importlib.import_module("yaml")

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        pass

    def tag(loader: Any, suffix: str, node: Any) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return {suffix: loader.construct_scalar(node)}
        if isinstance(node, yaml.SequenceNode):
            return {suffix: loader.construct_sequence(node)}
        return {suffix: loader.construct_mapping(node)}

    Loader.add_multi_constructor("!", tag)
    loaded: dict[str, Any] = yaml.load(text, Loader=Loader)
    return loaded


def read_setup(asl_path: Path, template_path: Path, max_in_flight: int | None = None) -> Setup:
    asl = json.loads(asl_path.read_text(encoding="utf-8"))
    template = _cfn_yaml(template_path.read_text(encoding="utf-8"))
    params = {k: v.get("Default") for k, v in template["Parameters"].items()}
    image = {"action": "process", "content_type": "image/png", "page_count": 1}
    route = execution_route(asl, image).visits
    retry, parallel = {}, set()
    for _, state in _all_states(asl["States"]):
        for rule in state.get("Retry", []):
            if "ServiceThrottled" in rule["ErrorEquals"]:
                retry[_function(state)] = rule
        if state["Type"] == "Parallel":
            parallel |= {
                _function(s) for b in state["Branches"] for _, s in _all_states(b["States"])
            }
    quotas = Quotas(
        detect_document_text=float(params["DetectDocumentTextTps"]),
        analyze_document=float(params["AnalyzeDocumentTps"]),
        start_jobs=float(params["TextractStartTps"]),
        get_jobs=float(params["TextractGetTps"]),
        comprehend_medical=float(params["ComprehendMedicalTps"]),
        snomed_ct=float(params["SnomedCtTps"]),
    )
    analyze = params["TextractFeatures"] != "NONE"
    snomed = params["SnomedCtEnabled"] == "true"
    override = int(params["MaxInFlight"]) if max_in_flight is None else max_in_flight
    starter = template["Resources"]["StartWorkflowsFunction"]["Properties"]
    queue_event = starter["Events"]["Queue"]["Properties"]
    env = starter["Environment"]["Variables"]
    redrive = template["Resources"]["AdmissionQueue"]["Properties"]["RedrivePolicy"]
    medical = ["DetectEntitiesV2"]
    medical += ["InferICD10CM"] if params["Icd10cmEnabled"] == "true" else []
    medical += ["InferRxNorm"] if params["RxNormEnabled"] == "true" else []
    medical += ["InferSNOMEDCT"] if snomed else []
    return Setup(
        route=route,
        parallel=frozenset(parallel - {""}),
        retry=retry,
        timeout=float(asl.get("TimeoutSeconds", 99999999)),
        quotas=quotas,
        analyze=analyze,
        medical_apis=tuple(medical),
        limit=in_flight_limit(quotas, analyze=analyze, snomed=snomed, override=override)
        if override >= 0
        else 10**9,
        batch_size=int(queue_event["BatchSize"]),
        pollers=int(queue_event["ScalingConfig"]["MaximumConcurrency"]),
        defer=(int(env["DEFER_SECONDS"]), int(env["DEFER_MAX_SECONDS"])),
        max_receives=int(redrive["maxReceiveCount"]),
    )


def _all_states(states: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    for name, state in states.items():
        yield name, state
        for branch in state.get("Branches", []):
            yield from _all_states(branch["States"])


def _function(state: dict[str, Any]) -> str:
    target = str(state.get("Parameters", {}).get("FunctionName", ""))
    return target.removeprefix("${").removesuffix("Arn}")


@dataclass
class Figures:
    uploads: int = 0
    executions: int = 0
    done: int = 0
    failed: int = 0
    dead_lettered: int = 0
    transitions: int = 0
    billable: Counter[str] = field(default_factory=Counter)
    rebilled: int = 0  # calls billed again because a step was retried from its start
    throttled: int = 0
    peak_in_flight: int = 0
    starter_invocations: int = 0
    receives: int = 0
    wall_seconds: float = 0.0


Process = Generator[Any, Any, None]


class Simulation:
    def __init__(self, setup: Setup, uploads: int, seed: int = 12) -> None:
        self.setup = setup
        self.random = random.Random(seed)  # noqa: S311 (a simulation's draws)
        self.now = 0.0
        self.events: list[tuple[float, int, Process]] = []
        self.sequence = 0
        self.figures = Figures(uploads=uploads)
        self.in_flight = 0
        self.tokens: dict[str, tuple[float, float]] = {}  # api -> (tokens, at)
        # The queue: message -> (visible at, receives); all arrive at once (a burst).
        self.visible: list[tuple[float, int]] = [(0.0, n) for n in range(uploads)]
        self.receives: Counter[int] = Counter()
        self.open = uploads

    # --- the event loop ----------------------------------------------------------------
    def spawn(self, process: Process, delay: float = 0.0) -> None:
        self.sequence += 1
        heapq.heappush(self.events, (self.now + delay, self.sequence, process))

    def run(self) -> Figures:
        for _ in range(self.setup.pollers):
            self.spawn(self.poller())
        while self.events and self.open:
            self.now, _, process = heapq.heappop(self.events)
            try:
                delay = next(process)
            except StopIteration:
                continue
            self.spawn(process, delay)
        self.figures.wall_seconds = self.now
        return self.figures

    # --- the starter (SQS event source with MaximumConcurrency pollers) -----------------
    def poller(self) -> Process:
        setup = self.setup
        while self.open:
            batch: list[int] = []
            while (
                self.visible and self.visible[0][0] <= self.now and len(batch) < setup.batch_size
            ):
                batch.append(heapq.heappop(self.visible)[1])
            if not batch:
                nxt = self.visible[0][0] - self.now if self.visible else 1.0
                yield max(0.05, min(nxt, 20.0))  # long polling
                continue
            self.figures.starter_invocations += 1
            yield STARTER_SECONDS
            full = False
            for message in batch:
                self.receives[message] += 1
                self.figures.receives += 1
                if not full and self.in_flight < setup.limit:
                    self.in_flight += 1
                    self.figures.peak_in_flight = max(self.figures.peak_in_flight, self.in_flight)
                    self.figures.executions += 1
                    self.spawn(self.workflow())
                    continue
                full = True
                if self.receives[message] >= setup.max_receives:
                    self.figures.dead_lettered += 1
                    self.open -= 1
                    continue
                wait = deferral_seconds(*setup.defer, self.random.random())
                heapq.heappush(self.visible, (self.now + wait, message))

    # --- one document's workflow --------------------------------------------------------
    def workflow(self) -> Process:
        started = self.now
        outcome = "done"
        parallel: list[str] = []
        for _, function in self.setup.route:
            self.figures.transitions += 1
            if function in self.setup.parallel:
                parallel.append(function)
                continue
            if parallel:
                outcome = yield from self.branches(parallel)
                parallel = []
                if outcome != "done":
                    break
            if function:
                outcome = yield from self.step(function)
                if outcome != "done":
                    break
            if self.now - started > self.setup.timeout:
                outcome = "timed out"
                break
        self.in_flight -= 1
        self.open -= 1
        if outcome == "done":
            self.figures.done += 1
        else:
            self.figures.failed += 1

    def branches(self, functions: list[str]) -> Generator[Any, Any, str]:
        outcomes: list[str] = []

        def branch(function: str) -> Process:
            outcomes.append((yield from self.step(function)))

        for function in functions:
            self.spawn(branch(function))
        while len(outcomes) < len(functions):
            yield 0.05
        return next((o for o in outcomes if o != "done"), "done")

    def step(self, function: str) -> Generator[Any, Any, str]:
        """One Lambda task with its ASL retrier: a throttled call fails the invocation,
        which Step Functions invokes again after the retrier's wait (FULL jitter)."""
        rule = self.setup.retry.get(function, {})
        attempt = 0
        billed_before: Counter[str] = Counter()
        while True:
            yield LAMBDA_OVERHEAD
            throttled = False
            for api in self.calls(function):
                ok = yield from self.call(api)
                if not ok:
                    throttled = True
                    break
                if billed_before[api]:
                    self.figures.rebilled += 1
                billed_before[api] += 1
                self.figures.billable[api] += 1
            if not throttled:
                return "done"
            if attempt >= int(rule.get("MaxAttempts", 0)):
                return "failed"
            cap = float(rule.get("MaxDelaySeconds", 10**9))
            ceiling = min(cap, float(rule["IntervalSeconds"]) * rule["BackoffRate"] ** attempt)
            attempt += 1
            self.figures.transitions += 1  # a retry is a state transition
            yield self.random.uniform(0, ceiling)

    def call(self, api: str) -> Generator[Any, Any, bool]:
        for attempt in range(SDK_ATTEMPTS):
            if self.take(api):
                yield self.random.uniform(0.5, 1.5) * LATENCY[api]
                return True
            self.figures.throttled += 1
            yield self.random.uniform(0, 0.05 * 2**attempt)  # botocore's own backoff
        return False

    def take(self, api: str) -> bool:
        rate = self.quota(api)
        tokens, at = self.tokens.get(api, (rate, 0.0))
        tokens = min(rate, tokens + (self.now - at) * rate)
        if tokens < 1.0:
            self.tokens[api] = (tokens, self.now)
            return False
        self.tokens[api] = (tokens - 1.0, self.now)
        return True

    def quota(self, api: str) -> float:
        q = self.setup.quotas
        table: dict[str, float] = {
            "DetectDocumentText": q.detect_document_text,
            "AnalyzeDocument": q.analyze_document,
            "InferSNOMEDCT": q.snomed_ct,
        }
        if api in ("DetectEntitiesV2", "InferICD10CM", "InferRxNorm", "DetectPHI"):
            return q.comprehend_medical
        return table.get(api, COMPREHEND_TPS)

    def calls(self, function: str) -> list[str]:
        textract = "AnalyzeDocument" if self.setup.analyze else "DetectDocumentText"
        apis: dict[str, list[str]] = {
            "DetectTextFunction": [textract],
            "AnalyzeLanguageFunction": ["DetectDominantLanguage"],
            "AnalyzeTextFunction": [
                "DetectKeyPhrases",
                "DetectEntities",
                "DetectPiiEntities",
                "DetectSentiment",
            ],
            "AnalyzeMedicalFunction": list(self.setup.medical_apis),
        }
        return apis.get(function, [])


def simulate(setup: Setup, uploads: int, seed: int = 12) -> dict[str, Any]:
    figures = Simulation(setup, uploads, seed).run()
    n = max(1, figures.uploads)
    return {
        "uploads": figures.uploads,
        "in_flight_limit": setup.limit,
        "executions": figures.executions,
        "done": figures.done,
        "failed": figures.failed,
        "dead_lettered": figures.dead_lettered,
        "lost": figures.uploads - figures.done - figures.failed - figures.dead_lettered,
        "transitions_per_document": round(figures.transitions / n, 2),
        "billable_calls_per_document": round(sum(figures.billable.values()) / n, 2),
        "billed_again_on_retry": figures.rebilled,
        "throttled_calls": figures.throttled,
        "peak_in_flight": figures.peak_in_flight,
        "starter_invocations": figures.starter_invocations,
        "receives_per_message": round(figures.receives / n, 2),
        "simulated_wall_seconds": round(figures.wall_seconds, 1),
        "simulated_wall_hours": round(figures.wall_seconds / 3600, 2),
    }


ProgressHook = Callable[[str], None]
