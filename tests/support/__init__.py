"""Test support shared by every context's tests: backends, builders and HTTP helpers."""
