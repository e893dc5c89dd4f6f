"""What storages accept as a key (the files context makes them; see ``FileStorage``)."""

from __future__ import annotations

import re

_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}(/[A-Za-z0-9][A-Za-z0-9._-]{0,199}){0,7}")


def checked_key(key: str) -> str:
    """``key`` when it is one a storage may use: ASCII letters, digits, ``.``, ``-`` and ``_``
    in parts joined by ``/``, each part starting with a letter or digit (so no ``..``, no
    absolute path, no hidden file). ``ValueError`` otherwise: keys come from code, not users."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"not a storage key: {key!r}")
    return key
