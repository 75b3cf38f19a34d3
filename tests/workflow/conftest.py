"""The workflow tests run in the same moto world as the adapter tests."""

from tests.aws.conftest import aws_environment, cloud

__all__ = ["aws_environment", "cloud"]
