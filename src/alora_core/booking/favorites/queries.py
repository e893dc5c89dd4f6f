"""What a list of favorites shows of each professional: their public summary."""

from __future__ import annotations

import uuid
from datetime import datetime

from attrs import frozen

from alora_core.shared.money import Money


@frozen(kw_only=True)
class FavoriteEntry:
    professional_id: uuid.UUID
    full_name: str
    avatar_file_id: uuid.UUID | None
    categories: list[str]
    hourly_rate: Money | None
    cities: list[str]
    review_count: int
    rating_total: int
    favorited_at: datetime

    @property
    def average_rating(self) -> float | None:
        return self.rating_total / self.review_count if self.review_count else None
