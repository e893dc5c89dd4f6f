"""The production ``Mailer``: SMTP through aiosmtplib, one connection per message."""

from __future__ import annotations

import email.utils
import ssl
from datetime import UTC

import aiosmtplib

from adapters.mail import build_message
from alora_core.shared.clock import Clock, SystemClock
from alora_core.shared.mail import EmailMessage

SECURITIES = ("none", "starttls", "tls")


class SmtpMailer:
    """Sends each message over its own SMTP connection; any failure raises.

    ``security``: ``starttls`` upgrades the connection and refuses a server that cannot;
    ``tls`` speaks TLS from the start (usually port 465); ``none`` sends in clear. With a
    ``username``, the mailer logs in. ``tls_context`` replaces the system's trusted CAs.
    """

    def __init__(
        self,
        host: str,
        port: int,
        security: str,
        username: str,
        password: str,
        sender: str,
        timeout_seconds: float,
        clock: Clock | None = None,
        *,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SECURITIES:
            raise ValueError(f"SMTP security must be one of {', '.join(SECURITIES)}")
        self._host = host
        self._port = port
        self._security = security
        self._username = username
        self._password = password
        self._sender = sender
        self._timeout = timeout_seconds
        self._clock = clock or SystemClock()
        self._tls_context = tls_context

    def __repr__(self) -> str:
        return f"SmtpMailer({self._host}:{self._port}, security={self._security})"

    async def send(self, message: EmailMessage) -> None:
        now = self._clock.now().astimezone(UTC)
        mime = build_message(message, self._sender, email.utils.format_datetime(now))
        await aiosmtplib.send(
            mime,
            hostname=self._host,
            port=self._port,
            use_tls=self._security == "tls",
            start_tls=self._security == "starttls",
            tls_context=self._tls_context,
            username=self._username or None,
            password=self._password if self._username else None,
            timeout=self._timeout,
        )
