"""The reports context in memory."""
