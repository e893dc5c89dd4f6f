"""The notifications context in SQL."""
