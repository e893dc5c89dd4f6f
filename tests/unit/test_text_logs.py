"""Text logs show the structured fields a line carries (``extra``), as ``key=value``."""

from __future__ import annotations

import logging
import sys

from entrypoints.logging import ContextFilter, TextFormatter, log_context


def _record(message: str, extra: dict[str, object], exc: bool = False) -> logging.LogRecord:
    logger = logging.getLogger("alora.test")
    record = logger.makeRecord(
        logger.name, logging.INFO, __file__, 1, message, (), sys.exc_info() if exc else None,
        extra=extra,
    )  # fmt: skip
    ContextFilter().filter(record)
    return record


def test_extra_fields_follow_the_message_as_key_value() -> None:
    with log_context("job-1"):
        record = _record(
            "scheduled job done: %s",
            {
                "job": "otp-cleanup",
                "scheduled_for": "2030-01-01T00:00:00+00:00",
                "seconds": 0.25,
                "summary": "removed 3 codes",
                "queues": ["alora-jobs", "alora-scheduled"],
                "password": "hunter2",
            },
        )
    record.args = ("3 removed",)
    line = TextFormatter().format(record)
    assert line.endswith(
        "[req=job-1 user=-] scheduled job done: 3 removed job=otp-cleanup "
        'scheduled_for=2030-01-01T00:00:00+00:00 seconds=0.25 summary="removed 3 codes" '
        'queues=["alora-jobs", "alora-scheduled"] password=[redacted]'
    )


def test_a_line_without_extras_is_unchanged_and_tracebacks_come_after_the_fields() -> None:
    assert TextFormatter().format(_record("plain", {})).endswith("[req=- user=-] plain")
    try:
        raise ValueError("kaput")
    except ValueError:
        record = _record("failed", {"job": "x"}, exc=True)
    first, *rest = TextFormatter().format(record).splitlines()
    assert first.endswith("failed job=x")
    assert rest[-1] == "ValueError: kaput"
