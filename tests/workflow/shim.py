"""Test shim: run statemachine/pipeline.asl.json in moto's Step Functions engine with
the real Lambda handlers invoked in-process.

moto executes the ASL for real (Choice, Parallel, Retry with backoff, Catch, Wait), but
where Step Functions would invoke a Lambda function moto needs Docker. This shim
replaces exactly that call: it finds the handler module of the function named in the
Task (through template.yaml: DefinitionSubstitutions -> function -> CodeUri), calls
`handler(payload, context)` in this process, and answers as the Lambda service does:
the return value as Payload, or FunctionError "Unhandled" with errorType/errorMessage
(which Step Functions turns into the error name that Retry and Catch match)."""

from __future__ import annotations

import importlib.util
import json
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from moto.dynamodb.responses import DynamoHandler
from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_sfn,
)
from moto.stepfunctions.parser.asl.utils.boto_client import boto_client_for

from tests.aws.cloud import ADMISSION, REGION, template

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
Handler = Callable[[dict[str, Any], Any], Any]
TEST_NAMES = {"AdmissionTable": ADMISSION}


def function_arn(logical_id: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{logical_id}"


def substitutions() -> dict[str, str]:
    """The state machine's DefinitionSubstitutions, each resolved to a test ARN (or, for
    a table, the test table's name)."""
    props = template()["Resources"]["PipelineStateMachine"]["Properties"]
    resolved = {}
    for name, value in props["DefinitionSubstitutions"].items():
        if "Ref" in value:
            resolved[name] = TEST_NAMES[value["Ref"]]
            continue
        logical_id = value["GetAtt"].split(".")[0]
        resolved[name] = function_arn(logical_id)
    return resolved


def definition() -> str:
    text = (ROOT / "statemachine" / "pipeline.asl.json").read_text()
    for name, value in substitutions().items():
        text = text.replace("${" + name + "}", value)
    return text


def load_handlers() -> dict[str, Handler]:
    """Import every function's app.py afresh (each import wires its adapters from the
    environment, as a cold start does), keyed by the function's test ARN."""
    handlers = {}
    for logical_id, resource in template()["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        code = ROOT / resource["Properties"]["CodeUri"] / "app.py"
        name = f"lambda_{logical_id}"
        spec = importlib.util.spec_from_file_location(name, code)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        handlers[function_arn(logical_id)] = module.handler
    return handlers


class LambdaContext:
    def __init__(self, arn: str) -> None:
        self.function_name = arn.rsplit(":", 1)[-1]
        self.function_version = "$LATEST"
        self.invoked_function_arn = arn
        self.memory_limit_in_mb = 512
        self.aws_request_id = "test-request"
        self.log_group_name = "/aws/lambda/test"
        self.log_stream_name = "test"

    def get_remaining_time_in_millis(self) -> int:
        return 120_000


class _InFlight:
    """Invocations still running. As on AWS, an invocation a failed Parallel state no
    longer waits for runs to its end after the execution has ended; tests that look at
    what the functions left wait for those first."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    @contextmanager
    def running(self) -> Iterator[None]:
        with self._idle:
            self._count += 1
        try:
            yield
        finally:
            with self._idle:
                self._count -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 60) -> None:
        with self._idle:
            if not self._idle.wait_for(lambda: self._count == 0, timeout):
                raise AssertionError(f"Lambda invocations still running after {timeout} s")


IN_FLIGHT = _InFlight()


_DYNAMODB = threading.RLock()


@contextmanager
def serial_dynamodb() -> Iterator[None]:
    """moto's DynamoDB is not thread-safe: TransactWriteItems deep-copies a table while
    another execution's thread writes to it ("dictionary changed size during
    iteration"). DynamoDB itself serialises each item's writes; here every call waits
    for the one before."""
    original = DynamoHandler.call_action

    def call_action(self: DynamoHandler) -> Any:
        with _DYNAMODB:
            return original(self)

    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    try:
        yield
    finally:
        DynamoHandler.call_action = original  # type: ignore[method-assign]


@contextmanager
def handlers_in_process(handlers: dict[str, Handler]) -> Iterator[list[str]]:
    """While active, Lambda tasks run in-process; yields the list of invoked functions."""
    invoked: list[str] = []

    def invoke(parameters: dict[str, Any], region: str, state_credentials: Any) -> dict[str, Any]:
        arn = parameters["FunctionName"]
        invoked.append(arn.rsplit(":", 1)[-1])
        payload = json.loads(parameters.get("Payload") or b"{}")
        try:
            with IN_FLIGHT.running():
                result = handlers[arn](payload, LambdaContext(arn))
        except Exception as exc:
            error = {"errorType": type(exc).__name__, "errorMessage": str(exc), "stackTrace": []}
            return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": error}
        return {"StatusCode": 200, "Payload": json.loads(json.dumps(result))}

    with (
        mock.patch.object(lambda_eval_utils, "_invoke_lambda_function", invoke),
        mock.patch.object(
            state_task_service_sfn.StateTaskServiceSfn, "_eval_service_task", _start_execution
        ),
        serial_dynamodb(),
    ):
        yield invoked


def _start_execution(
    self: Any,
    env: Any,
    resource_runtime_part: Any,
    normalised_parameters: dict[str, Any],
    state_credentials: Any,
) -> None:
    """moto's port of the Step Functions integration (states:startExecution) passes the
    ASL's parameter names (StateMachineArn, Input) to boto3, which wants stateMachineArn
    and input, and then expects the answer in ASL case (ExecutionArn): translate both
    ways, as AWS does."""
    client = boto_client_for(
        region=resource_runtime_part.region,
        service="stepfunctions",
        state_credentials=state_credentials,
    )
    request = {k[0].lower() + k[1:]: v for k, v in normalised_parameters.items() if v is not None}
    response = client.start_execution(**request)
    response.pop("ResponseMetadata", None)
    env.stack.append({k[0].upper() + k[1:]: v for k, v in response.items()})
