"""The content context in memory."""
