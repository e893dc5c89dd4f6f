"""Messaging: connections between users, blocks, conversations (direct, group, a booking's),
messages, read state, typing and presence.

Importable from here: the commands, the errors, and the models the commands return.
"""
