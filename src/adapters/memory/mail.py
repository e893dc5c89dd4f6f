"""A ``Mailer`` that keeps sent messages in a list, for tests."""

from __future__ import annotations

from alora_core.shared.mail import EmailMessage


class MemoryMailer:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        # The real mailers refuse line breaks in headers; so does the fake, to stay in step.
        if any(ch in value for value in (message.to, message.subject) for ch in "\r\n"):
            raise ValueError("header values may not contain line breaks")
        self.sent.append(message)

    def to(self, address: str) -> list[EmailMessage]:
        """The messages sent to ``address``, oldest first."""
        return [message for message in self.sent if message.to == address]
