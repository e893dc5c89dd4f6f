"""Content's section of ``GET /api/v1/admin/stats``."""

from __future__ import annotations

from typing import Any

from alora_core.content.statistics import ContentFigures
from entrypoints.http.statistics import SectionShape


def _values(section: ContentFigures) -> dict[str, Any]:
    return {
        "faqs": section.faqs,
        "feedback_by_status": section.feedback_by_status,
        "contact_messages_by_status": section.contact_messages_by_status,
    }


SHAPE = SectionShape(
    values=_values,
    counts=(
        ("faqs", int),
        ("feedback_by_status", dict[str, int]),
        ("contact_messages_by_status", dict[str, int]),
    ),
)
