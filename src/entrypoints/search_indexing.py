"""What keeps the search index in step: search's own handlers (catalog and profile events),
and identity's events about a professional's account, which cross contexts."""

from __future__ import annotations

from alora_core.booking.search import handlers as search_handlers
from alora_core.identity.events import UserDeleted, UserUpdated
from alora_core.shared.jobs import Subscriptions


def subscribe(subscriptions: Subscriptions) -> None:
    search_handlers.subscribe(subscriptions)
    reindex_user = search_handlers.professional_handler(lambda event: event.user_id)
    subscriptions.add(
        UserUpdated,
        "search.index_renamed_professional",
        reindex_user,
        when=lambda event: "full_name" in event.fields,
    )
    subscriptions.add(UserDeleted, "search.drop_deleted_professional", reindex_user)
