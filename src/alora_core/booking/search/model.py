"""Search documents, queries and results, and the text folding every adapter shares.

Text is folded in Python before it is indexed and before it is searched, so every database
matches alike: compatibility-decomposed (NFKD), combining marks dropped, case-folded, a few
Latin letters without a decomposition spelled out (``ø`` -> ``o``), and every character that
is neither a letter nor a digit turned into a space. ``Électricien`` and ``electricien`` fold
to the same word; a query's words are then plain runs of letters and digits that no full-text
syntax can mistake for an operator.
"""

from __future__ import annotations

import enum
import unicodedata
import uuid
from collections.abc import Iterable, Sequence

from attrs import field, frozen

from alora_core.shared.money import Money
from alora_core.shared.pagination import PageRequest

MAX_QUERY_LENGTH = 200
"""Characters of search text accepted, before folding."""
MIN_SUGGEST_LENGTH = 2
"""Characters an autocomplete query needs, once trimmed."""
SUGGESTIONS = 5
MAX_FIELD_LENGTH = 10_000
"""Characters of one field that are indexed; the rest of a long text is not searchable."""
SUMMARY_LENGTH = 280
"""Characters of a description or bio shown with a result."""
CATEGORY_SEPARATOR = "|"

_SPELLED_OUT = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "\u0131": "i", "ŧ": "t", "æ": "ae", "œ": "oe",
     "þ": "th", "ð": "d", "ŀ": "l"}
)  # fmt: skip


def _is_word_character(character: str) -> bool:
    # Letters and numbers (Unicode categories L* and N*): the token characters of SQLite's
    # unicode61 tokenizer, and what PostgreSQL's parser reads as words and numbers.
    return unicodedata.category(character)[0] in "LN"


def fold(text: str) -> str:
    """``text`` as it is indexed and searched: lowercase words without accents, separated by
    single spaces. ``fold("  Électricien, Zürich!")`` is ``"electricien zurich"``."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = (
        character for character in decomposed if not unicodedata.category(character).startswith("M")
    )
    spelled = "".join(kept).translate(_SPELLED_OUT)
    return " ".join("".join(c if _is_word_character(c) else " " for c in spelled).split())


def words(text: str) -> list[str]:
    """The folded words of ``text``, each once, in order of appearance."""
    return list(dict.fromkeys(fold(text).split()))


def category_key(category: str) -> str:
    """How a category is compared: folded (``Électricité`` and ``electricite`` are one)."""
    return fold(category)


def category_keys(categories: Iterable[str]) -> str:
    """The folded categories as one text a filter can match: ``|plumbing|heating|``."""
    keys = [key for key in dict.fromkeys(category_key(c) for c in categories) if key]
    if not keys:
        return ""
    return CATEGORY_SEPARATOR + CATEGORY_SEPARATOR.join(keys) + CATEGORY_SEPARATOR


def summary(text: str) -> str:
    """The start of a description or bio, cut at a word when it is long."""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_LENGTH:
        return text
    cut = text[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,.;:") + "…"


class Kind(enum.StrEnum):
    PROFESSIONAL = "professional"
    SERVICE = "service"


class Sort(enum.StrEnum):
    RELEVANCE = "relevance"
    """Best match first (without search text: by name)."""
    RATE = "rate"
    """Lowest hourly rate first; what has no rate (services) last."""
    RATING = "rating"
    """Highest average rating first, then the most reviewed; what has no review last."""


@frozen(kw_only=True)
class SearchDocument:
    """What the index holds for one professional or service.

    ``name``, ``keywords`` and ``body`` are folded text, searched in that order of weight:
    a professional's name, categories and skills, and bio; a service's title, category and
    description. ``label``, ``summary`` and ``categories`` are shown with results as written.
    """

    kind: Kind
    ref_id: uuid.UUID
    """The professional's (user) id or the service's id."""
    label: str
    summary: str
    categories: tuple[str, ...]
    category_keys: str
    name: str
    keywords: str
    body: str

    @classmethod
    def of(
        cls,
        kind: Kind,
        ref_id: uuid.UUID,
        *,
        name: str,
        categories: Sequence[str],
        keywords: Sequence[str],
        body: str,
    ) -> SearchDocument:
        shown = tuple(dict.fromkeys(c.strip() for c in categories if c.strip()))
        return cls(
            kind=kind,
            ref_id=ref_id,
            label=name.strip(),
            summary=summary(body),
            categories=shown,
            category_keys=category_keys(shown),
            name=fold(name[:MAX_FIELD_LENGTH]),
            keywords=fold(" ".join([*shown, *keywords])[:MAX_FIELD_LENGTH]),
            body=fold(body[:MAX_FIELD_LENGTH]),
        )


@frozen(kw_only=True)
class SearchQuery:
    """What the index is asked. ``terms`` are folded words, each matched as the start of a
    word (``elec`` finds ``electrician``), all of them required; none: every document."""

    terms: tuple[str, ...] = ()
    kinds: frozenset[Kind] = frozenset(Kind)
    category: str | None = None
    """A folded category key."""
    min_rate: int | None = None
    max_rate: int | None = None
    """Hourly rate bounds in minor units, both included; what has no rate never matches."""
    sort: Sort = Sort.RELEVANCE
    signed_in: bool = False
    """Professionals who show their profile to registered users only are found too."""
    page: PageRequest = field(factory=PageRequest)


@frozen(kw_only=True)
class Rating:
    average: float
    count: int


@frozen(kw_only=True)
class SearchHit:
    kind: Kind
    id: uuid.UUID
    label: str
    summary: str
    categories: tuple[str, ...]
    hourly_rate: Money | None = None
    rating: Rating | None = None


@frozen(kw_only=True)
class Suggestion:
    kind: Kind
    id: uuid.UUID
    label: str


@frozen(kw_only=True)
class ReindexReport:
    services: int
    """Services indexed."""
    professionals: int
    """Professionals indexed."""
    removed: int
    """Documents dropped: their service or professional is gone."""


def rating_of(review_count: int | None, rating_total: int | None) -> Rating | None:
    if not review_count or rating_total is None:
        return None
    return Rating(average=round(rating_total / review_count, 2), count=review_count)
