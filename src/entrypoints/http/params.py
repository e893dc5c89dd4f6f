"""Path and query parameters every context's routes share: ids in paths, page numbers."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar.params import PathParameter, QueryParameter

from alora_core.shared.errors import NotFound
from alora_core.shared.ids import parse_id
from alora_core.shared.pagination import MAX_PAGE_SIZE


def path_id(value: str, what: str) -> uuid.UUID:
    """The UUID in a path segment; anything else names no resource, so it is a 404."""
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound(f"no such {what}")
    return parsed


def id_segment(what: str) -> PathParameter:
    """A path segment documented as a UUID but read as text: anything else is a 404, like an
    unknown id (``Annotated[str, id_segment("user")]``, then ``path_id``)."""
    return PathParameter(
        format="uuid", description=f"The {what}'s id, a UUID; anything else answers 404."
    )


MAX_PAGE = 1_000_000
PageNumber = Annotated[int, QueryParameter(ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PageSize = Annotated[
    int,
    QueryParameter(name="pageSize", ge=1, le=MAX_PAGE_SIZE, description="Items per page."),
]
