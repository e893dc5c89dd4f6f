"""The development mailbox: every message is one ``.eml`` file in a directory."""

from __future__ import annotations

import asyncio
import email.message
import email.policy
import email.utils
import os
import re
import secrets
import tempfile
import unicodedata
from datetime import UTC
from email.parser import BytesParser
from pathlib import Path

from alora_core.shared.clock import Clock, SystemClock
from alora_core.shared.mail import EmailMessage


def slugify(text: str, max_length: int = 40) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "message"


def build_message(
    message: EmailMessage, sender: str, sent_at_header: str
) -> email.message.EmailMessage:
    """The MIME form of ``message``: multipart/alternative with a text and an HTML part.

    Header values with line breaks raise ``ValueError``. The Message-ID comes from the
    message's idempotency key when it has one, so a message sent again keeps its id.
    """
    mime = email.message.EmailMessage(policy=email.policy.default)
    mime["From"] = sender
    mime["To"] = message.to
    mime["Subject"] = message.subject
    mime["Date"] = sent_at_header
    mime["Message-ID"] = message_id(message, sender)
    mime.set_content(message.text)
    mime.add_alternative(message.html, subtype="html")
    return mime


def message_id(message: EmailMessage, sender: str) -> str:
    """``<idempotency key@sender's domain>``, the key reduced to safe characters; else random."""
    domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    if not message.idempotency_key:
        return email.utils.make_msgid(domain=domain)
    return f"<{re.sub(r'[^A-Za-z0-9._-]', '-', message.idempotency_key)}@{domain}>"


class MailboxMailer:
    """A ``Mailer`` that writes each message atomically to ``directory`` (created if missing)."""

    def __init__(self, directory: Path, sender: str, *, clock: Clock | None = None) -> None:
        self._directory = Path(directory)
        self._sender = sender
        self._clock = clock or SystemClock()

    @property
    def directory(self) -> Path:
        return self._directory

    async def send(self, message: EmailMessage) -> None:
        now = self._clock.now().astimezone(UTC)
        mime = build_message(message, self._sender, email.utils.format_datetime(now))
        name = (
            f"{now.strftime('%Y%m%dT%H%M%S.%fZ')}-{slugify(message.subject)}"
            f"-{secrets.token_hex(4)}.eml"
        )
        await asyncio.to_thread(self._write, name, mime.as_bytes())

    def _write(self, name: str, data: bytes) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self._directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(tmp, self._directory / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def read_mailbox(directory: Path) -> list[email.message.EmailMessage]:
    """The messages in a mailbox directory, oldest first; an absent directory is empty."""
    directory = Path(directory)
    if not directory.is_dir():
        return []
    paths = sorted(
        directory.glob("*.eml"),
        key=lambda path: (path.name.partition("-")[0], path.stat().st_mtime_ns, path.name),
    )
    parser = BytesParser(policy=email.policy.default)
    messages = []
    for path in paths:
        with path.open("rb") as file:
            parsed = parser.parse(file)
        assert isinstance(parsed, email.message.EmailMessage)
        messages.append(parsed)
    return messages
