"""Search's commands. Anyone may search; a signed-in ``viewer`` only finds more (professionals
who show their profile to registered users)."""

from __future__ import annotations

from attrs import field, frozen

from alora_core.booking.search.model import Kind, ReindexReport, SearchHit, Sort, Suggestion
from alora_core.shared.actor import Actor
from alora_core.shared.commands import Command
from alora_core.shared.pagination import Page


@frozen(kw_only=True)
class Search(Command[Page[SearchHit]]):
    """Professionals and services matching the search text ``q``, ranked, in numbered pages.

    ``q`` None or blank: everything the filters accept. ``type`` keeps one kind only (None:
    both, ranked together). ``min_rate`` and ``max_rate`` bound the hourly rate in minor units;
    ``category`` keeps what is in that category (a service's category, one of a
    professional's).
    """

    q: str | None = None
    type: Kind | None = None
    category: str | None = None
    min_rate: int | None = None
    max_rate: int | None = None
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    page_size: int = 20
    viewer: Actor = field(factory=Actor.anonymous)


@frozen(kw_only=True)
class Autocomplete(Command[list[Suggestion]]):
    """Up to five professionals and services with a word of their name (a service's title)
    starting like each word of ``q`` (at least two characters once trimmed)."""

    q: str
    viewer: Actor = field(factory=Actor.anonymous)


@frozen(kw_only=True)
class Reindex(Command[ReindexReport]):
    """Rebuild the index from the services and profiles (``alora search reindex``)."""

    batch_size: int = 200
