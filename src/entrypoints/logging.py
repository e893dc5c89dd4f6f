"""Process-wide logging: one stdlib set-up, every line tagged with the request id and user id.

The ids live in context variables set by the HTTP middleware (and by workers for their jobs),
so code anywhere below an entry point logs with plain ``logging.getLogger(__name__)``.
Nothing here logs request bodies or headers; ``extra`` keys that look like secrets are redacted.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("alora_request_id", default=None)
"""The current request's id; set by the request-id middleware for the whole request."""

user_id_var: ContextVar[str | None] = ContextVar("alora_user_id", default=None)
"""The authenticated user's id; prefer ``set_user_id``, which also works from dependencies."""

# One mutable slot per request, created by the middleware. A ContextVar set inside a Litestar
# dependency is lost when the dependency runs in a task group or a worker thread; writing into
# this shared slot is not.
_user_slot_var: ContextVar[list[str | None] | None] = ContextVar("alora_user_slot", default=None)

_RESERVED_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "request_id", "user_id", "taskName", "color_message"}
)
_SENSITIVE_KEYS = frozenset(
    {"authorization", "cookie", "set-cookie", "password", "token", "access_token",
     "refresh_token", "secret", "secret_key", "otp"}
)  # fmt: skip


LogTokens = tuple[Token[str | None], Token[str | None], Token[list[str | None] | None]]


def bind_request(request_id: str) -> LogTokens:
    """Bind a request (or job) id and a fresh user slot; ``unbind_request`` undoes it."""
    return request_id_var.set(request_id), user_id_var.set(None), _user_slot_var.set([None])


def unbind_request(tokens: LogTokens) -> None:
    request_token, user_token, slot_token = tokens
    _user_slot_var.reset(slot_token)
    user_id_var.reset(user_token)
    request_id_var.reset(request_token)


@contextmanager
def log_context(request_id: str) -> Iterator[None]:
    """Bind a request (or job) id and a fresh user slot for the code run inside."""
    tokens = bind_request(request_id)
    try:
        yield
    finally:
        unbind_request(tokens)


def set_user_id(user_id: str | None) -> None:
    """Record the authenticated user for the rest of the request's log lines.

    Works from anywhere inside ``log_context`` (handlers, dependencies, threads).
    """
    user_id_var.set(user_id)
    slot = _user_slot_var.get()
    if slot is not None:
        slot[0] = user_id


def current_user_id() -> str | None:
    slot = _user_slot_var.get()
    return user_id_var.get() or (slot[0] if slot is not None else None)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (``-`` when unknown) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        record.user_id = current_user_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, message, request_id, user_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        payload.update(_extras(record))
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


TEXT_FORMAT = (
    "%(asctime)s %(levelname)-7s %(name)s [req=%(request_id)s user=%(user_id)s] %(message)s"
)


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    """The record's ``extra`` fields, secrets redacted."""
    return {
        key: "[redacted]" if key.lower() in _SENSITIVE_KEYS else value
        for key, value in record.__dict__.items()
        if key not in _RESERVED_ATTRS and not key.startswith("_")
    }


class TextFormatter(logging.Formatter):
    """``TEXT_FORMAT``, then the ``extra`` fields as ``key=value`` (a value with spaces,
    quotes or structure as JSON), before any traceback."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        fields = " ".join(f"{key}={_text_value(value)}" for key, value in _extras(record).items())
        return f"{line} {fields}" if fields else line


def _text_value(value: Any) -> str:
    if isinstance(value, str) and value and not any(c in value for c in ' "=\n\t'):
        return value
    if isinstance(value, bool | int | float) or value is None:
        return json.dumps(value)
    return json.dumps(value, default=str, ensure_ascii=False)


def configure_logging(level: str, fmt: str) -> None:
    """Replace the root logger's handlers with one stderr handler; ``fmt`` is text or json.

    Idempotent. Uvicorn's loggers are routed through the root logger so their lines carry the
    same fields (start uvicorn with ``log_config=None``).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    elif fmt == "text":
        handler.setFormatter(TextFormatter())
    else:
        raise ValueError(f"unknown log format {fmt!r}; expected text or json")

    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
