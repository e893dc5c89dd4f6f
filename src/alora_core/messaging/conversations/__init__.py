"""Conversations: direct, group and a booking's; their members, messages, read markers and the
log of their events clients catch up from."""
