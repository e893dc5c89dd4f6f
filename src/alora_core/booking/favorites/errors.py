"""Favorites' errors."""

from __future__ import annotations

from alora_core.shared.errors import NotFound


class ProfessionalNotFound(NotFound):
    """No such professional, or one the user may not see."""

    def __init__(self) -> None:
        super().__init__("no such professional")
