"""Benchmarks: commands that print accuracy and speed figures against real reference data."""
