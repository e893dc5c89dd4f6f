"""The files context in memory."""
