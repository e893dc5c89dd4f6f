"""Money: an integer amount of minor units and an ISO 4217 currency code. Never a float."""

from __future__ import annotations

from attrs import field, frozen

from alora_core.shared.errors import Invalid


def _check_currency(_: object, __: object, value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise Invalid.field("currency", "currency must be a 3-letter ISO 4217 code")


@frozen(order=True)
class Money:
    amount: int
    currency: str = field(validator=_check_currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def times(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise Invalid.field("currency", f"cannot combine {self.currency} with {other.currency}")
