"""The content context in SQL."""
