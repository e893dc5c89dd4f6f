"""How ``ALORA_*`` variables are declared and read: ``Variable``, the value parsers, and the
``SettingsGroup`` a context declares its own variables in."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from attrs import frozen

G = TypeVar("G")


class SettingsError(ValueError):
    pass


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def parse_int(low: int, high: int) -> Callable[[str], int]:
    expected = f"expected a whole number from {low} to {high}"

    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise ValueError(expected) from None
        if not low <= value <= high:
            raise ValueError(expected)
        return value

    return parse


def parse_seconds(low: float, high: float) -> Callable[[str], float]:
    expected = f"expected a number of seconds from {low:g} to {high:g}"

    def parse(raw: str) -> float:
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError(expected) from None
        if not low <= value <= high:
            raise ValueError(expected)
        return value

    return parse


def parse_cron(raw: str) -> str:
    from croniter import croniter

    value = " ".join(raw.split())
    if not croniter.is_valid(value):
        raise ValueError("expected a cron expression such as `0 */6 * * *`")
    return value


def parse_choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return parse


def parse_text(raw: str) -> str:
    return raw.strip()


def parse_csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_http_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// URL")
    return value


def parse_region(raw: str) -> str:
    value = raw.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ValueError("expected a two-letter ISO 3166 region code, e.g. DE or US")
    return value


@frozen
class Variable:
    name: str
    parse: Callable[[str], Any]
    default: str | None
    help: str
    field: str = ""
    """In a ``SettingsGroup``: the attribute of the group's class that takes the value."""


@frozen
class SettingsGroup(Generic[G]):
    """A context's settings: its variables, read into an instance of ``build`` (an attrs class
    whose attributes the variables' ``field`` names). ``settings.of(cls)`` gives it."""

    build: type[G]
    variables: tuple[Variable, ...]

    def read(self, values: Mapping[str, Any]) -> G:
        return self.build(**{var.field: values[var.name] for var in self.variables})
