"""Identity's section of ``GET /api/v1/admin/stats``."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta

from alora_core.identity.statistics import UserFigures
from entrypoints.http.statistics import SectionShape


def _values(section: UserFigures) -> dict[str, Any]:
    return {"users_total": section.users_total, "users_by_role": section.users_by_role}


SHAPE = SectionShape(
    values=_values,
    fields=(
        ("users_total", int),
        (
            "users_by_role",
            Annotated[dict[str, int], Meta(description="Every role, zeros included.")],
        ),
    ),
)
