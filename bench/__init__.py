"""Benchmarks of the real server (``nox -s bench`` / ``python -m bench``).

They report ratios measured in one run on one server, because absolute numbers drift on shared
machines. Benchmarks are not tests: nothing here asserts on timings.
"""
