"""The pipeline steps: plain functions over the ports, the same on AWS and locally."""
