"""Recognizing a file's type from its first bytes (magic numbers), with ``filetype``."""

from __future__ import annotations

import filetype


class FiletypeSniffer:
    """``ContentSniffer`` on ``filetype``: pure Python, no ``libmagic`` needed."""

    def sniff(self, head: bytes) -> str | None:
        kind = filetype.guess(head)
        return None if kind is None else str(kind.mime)
