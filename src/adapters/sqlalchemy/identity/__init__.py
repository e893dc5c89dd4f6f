"""The identity context in SQL."""
