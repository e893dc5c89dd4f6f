"""Checks of free text that every context applies to what users type."""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""The explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E,
U+2066-U+2069): they make text display in another order than it is stored, so a name or a
title could read as something else. Right-to-left text needs none of them."""


def has_control_characters(text: str, allowed: str = "") -> bool:
    """Whether ``text`` holds a control character (Unicode category Cc: C0, DEL and C1) other
    than those in ``allowed`` (``"\\n\\t"`` for multi-line text), or a bidi control
    (``BIDI_CONTROLS``)."""
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in BIDI_CONTROLS
        for ch in text
    )
