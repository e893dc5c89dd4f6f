"""The files context in SQL."""
