"""Page requests are bounded (page, page size) and pages count up."""

from __future__ import annotations

import pytest

from alora_core.shared.errors import Invalid
from alora_core.shared.pagination import MAX_PAGE, MAX_PAGE_SIZE, Page, PageRequest


def test_defaults_and_offset() -> None:
    request = PageRequest()
    assert (request.page, request.page_size, request.offset) == (1, 20, 0)
    assert PageRequest(3, 25).offset == 50


@pytest.mark.parametrize(
    ("page", "page_size"),
    [(1, 1), (1, MAX_PAGE_SIZE), (MAX_PAGE, 1), (MAX_PAGE, MAX_PAGE_SIZE)],
)
def test_the_bounds_are_allowed(page: int, page_size: int) -> None:
    request = PageRequest(page, page_size)
    assert request.offset == (page - 1) * page_size


@pytest.mark.parametrize(
    ("page", "page_size", "field", "message"),
    [
        (0, 20, "page", "must be at least 1"),
        (-1, 20, "page", "must be at least 1"),
        (MAX_PAGE + 1, 20, "page", f"must be at most {MAX_PAGE}"),
        (10**20, 20, "page", f"must be at most {MAX_PAGE}"),
        (1, 0, "page_size", "must be at least 1"),
        (1, -5, "page_size", "must be at least 1"),
        (1, MAX_PAGE_SIZE + 1, "page_size", f"must be at most {MAX_PAGE_SIZE}"),
    ],
)
def test_out_of_bounds_is_invalid_naming_the_field(
    page: int, page_size: int, field: str, message: str
) -> None:
    with pytest.raises(Invalid) as raised:
        PageRequest(page, page_size)
    assert [(e.field, e.message) for e in raised.value.errors] == [(field, message)]


@pytest.mark.parametrize(
    ("total", "page_size", "pages"),
    [(0, 20, 0), (1, 20, 1), (20, 20, 1), (21, 20, 2), (40, 20, 2), (7, 3, 3), (5, 1, 5)],
)
def test_pages_rounds_up(total: int, page_size: int, pages: int) -> None:
    assert Page(items=[], total=total, page=1, page_size=page_size).pages == pages
