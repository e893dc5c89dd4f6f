"""Numbered pages of an in-memory list, as the SQL adapters page rows."""

from __future__ import annotations

from typing import TypeVar

from alora_core.shared.pagination import Page, PageRequest

T = TypeVar("T")


def list_page(items: list[T], page: PageRequest) -> Page[T]:
    """The page of ``items`` (already filtered and ordered) that ``page`` asks for."""
    return Page(
        items=items[page.offset : page.offset + page.page_size],
        total=len(items),
        page=page.page,
        page_size=page.page_size,
    )
