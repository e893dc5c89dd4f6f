"""Connections: requests between users, the connections they make, and blocks."""
