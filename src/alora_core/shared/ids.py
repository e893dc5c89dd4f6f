"""Identifiers: time-ordered UUIDs (version 7 layout), so new rows append to indexes."""

from __future__ import annotations

import os
import time
import uuid


def new_id() -> uuid.UUID:
    raw = bytearray((time.time_ns() // 1_000_000).to_bytes(6, "big") + os.urandom(10))
    raw[6] = (raw[6] & 0x0F) | 0x70  # version 7
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return uuid.UUID(bytes=bytes(raw))


def parse_id(value: str) -> uuid.UUID | None:
    """The UUID written in ``value``, or None when it is not one."""
    try:
        return uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return None
