"""Files' section of ``GET /api/v1/admin/stats``."""

from __future__ import annotations

from typing import Any

from alora_core.files.statistics import FileFigures
from entrypoints.http.statistics import SectionShape


def _values(section: FileFigures) -> dict[str, Any]:
    return {"files": section.files}


SHAPE = SectionShape(values=_values, counts=(("files", int),))
