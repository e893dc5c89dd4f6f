"""How a context's section of the admin statistics shows in ``GET /api/v1/admin/stats``.

A module with a section (``ContextModule.statistics``) names its ``SectionShape``: the fields it
adds to the response, at the top or inside ``content``, and how its section's figures fill
them. The statistics route composes the response schema from every module's shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import field, frozen


@frozen
class SectionShape:
    values: Callable[[Any], Mapping[str, Any]]
    """The section's figures as the response's values, by field name (``content``'s too)."""
    fields: Sequence[tuple[str, Any]] = ()
    """Top-level fields of the response: (snake_case name, type, ``Annotated`` with its
    ``msgspec.Meta`` for a description)."""
    counts: Sequence[tuple[str, Any]] = field(factory=tuple)
    """Fields of the response's ``content`` counts, likewise."""
