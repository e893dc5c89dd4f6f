"""The reports context in SQL."""
