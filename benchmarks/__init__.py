"""Benchmark suite for autograd_core against its peers (run with `python -m benchmarks.run`)."""
