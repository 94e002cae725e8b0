"""Benchmarks: scripts that print numbers (run with ``python -m benchmarks.NAME``)."""
