"""Look-alike identifiers with ICU's spoof checker (``PyICU``), the reference implementation
of Unicode TS #39: confusable skeletons from Unicode's confusables data, and restriction
levels from the scripts of each character."""

from __future__ import annotations

import icu


class IcuLookAlikes:
    def __init__(self) -> None:
        self._checker = icu.SpoofChecker()
        self._checker.setChecks(icu.USpoofChecks.RESTRICTION_LEVEL)
        self._checker.setRestrictionLevel(icu.URestrictionLevel.HIGHLY_RESTRICTIVE)

    def skeleton(self, text: str) -> str:
        skeleton: str = self._checker.getSkeleton(0, text)
        return skeleton

    def mixes_scripts(self, text: str) -> bool:
        failed: int = self._checker.check(text)
        return failed != 0
