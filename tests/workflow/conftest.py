"""The workflow tests run in the same moto world as the adapter tests, with the
harness's stubbed AI services."""

from tests.aws.conftest import aws_environment, cloud
from tests.workflow.harness import services, text_detection_only

__all__ = ["aws_environment", "cloud", "services", "text_detection_only"]
