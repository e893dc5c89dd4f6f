"""Checks of free text that every context applies to what users type."""

from __future__ import annotations

import unicodedata


def has_control_characters(text: str, allowed: str = "") -> bool:
    """Whether ``text`` holds a control character (Unicode category Cc: C0, DEL and C1) other
    than those in ``allowed`` (``"\\n\\t"`` for multi-line text)."""
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in text)
