"""The notifications context in memory."""
