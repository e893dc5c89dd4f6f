"""The identity context in memory."""
