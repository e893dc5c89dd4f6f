"""The SMTP mailer against a real SMTP server (aiosmtpd, on a free local port)."""

from __future__ import annotations

import email.message
import email.policy
import shutil
import socket
import ssl
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from adapters.smtp import SmtpMailer
from alora_core.identity.events import UserRegistered
from alora_core.identity.handlers import subscribe
from alora_core.shared.clock import FixedClock
from alora_core.shared.jobs import Job, Subscriptions, run_job
from alora_core.shared.mail import Branding, EmailMessage
from alora_core.shared.serialization import event_to_message

SENDER = "Alora <no-reply@alora.test>"
MESSAGE = EmailMessage(
    to="ada@example.com",
    subject="Your Alora code",
    text="Your code is 123456.\n",
    html="<p>Your code is <b>123456</b>.</p>\n",
    idempotency_key="0189-abc.code/1",
)


class Inbox:
    """An aiosmtpd handler that keeps what it accepts and refuses the first ``failures`` DATA."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.failures > 0:
            self.failures -= 1
            return "451 Requested action aborted: try again later"
        self.envelopes.append(envelope)
        return "250 OK"

    def messages(self) -> list[email.message.EmailMessage]:
        parser = BytesParser(policy=email.policy.default)
        messages = []
        for envelope in self.envelopes:
            wire = bytes(envelope.content or b"")
            parsed = parser.parsebytes(wire.replace(b"\r\n", b"\n"))
            assert isinstance(parsed, email.message.EmailMessage)
            messages.append(parsed)
        return messages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def serve(inbox: Inbox, **smtp_options: Any) -> Iterator[int]:
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **smtp_options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture
def smtp_port(inbox: Inbox) -> Iterator[int]:
    yield from serve(inbox)


def mailer(port: int, **overrides: Any) -> SmtpMailer:
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "username": "",
        "password": "",
        "sender": SENDER,
        "timeout_seconds": 5,
        "clock": FixedClock(datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)),
    }
    return SmtpMailer(**(options | overrides))


async def test_a_message_arrives_whole(inbox: Inbox, smtp_port: int) -> None:
    await mailer(smtp_port).send(MESSAGE)

    [envelope] = inbox.envelopes
    assert envelope.mail_from == "no-reply@alora.test"
    assert envelope.rcpt_tos == ["ada@example.com"]
    [mime] = inbox.messages()
    assert mime.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mime.iter_parts()] == ["text/plain", "text/html"]
    text, html = mime.get_body(("plain",)), mime.get_body(("html",))
    assert text is not None and text.get_content() == MESSAGE.text
    assert html is not None and html.get_content() == MESSAGE.html
    assert (mime["From"], mime["To"], mime["Subject"]) == (SENDER, MESSAGE.to, MESSAGE.subject)
    assert mime["Message-ID"] == "<0189-abc.code-1@alora.test>"
    assert mime["Date"].datetime == datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)


async def test_without_an_idempotency_key_each_message_has_its_own_id(
    inbox: Inbox, smtp_port: int
) -> None:
    unnamed = EmailMessage(MESSAGE.to, MESSAGE.subject, MESSAGE.text, MESSAGE.html)

    await mailer(smtp_port).send(unnamed)
    await mailer(smtp_port).send(unnamed)

    first, second = (mime["Message-ID"] for mime in inbox.messages())
    assert first != second
    assert first.endswith("@alora.test>")


@pytest.mark.parametrize("field", ["to", "subject"])
async def test_line_breaks_in_headers_are_refused(inbox: Inbox, smtp_port: int, field: str) -> None:
    injected = EmailMessage(
        **{
            "to": MESSAGE.to,
            "subject": MESSAGE.subject,
            "text": "x",
            "html": "x",
            field: "x@example.com\r\nBcc: eve@example.com",
        }
    )

    with pytest.raises(ValueError, match="line"):
        await mailer(smtp_port).send(injected)
    assert inbox.envelopes == []


class Credentials:
    def __init__(self) -> None:
        self.seen: list[tuple[bytes, bytes]] = []

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        assert isinstance(data, LoginPassword)
        self.seen.append((data.login, data.password))
        # handled=False: aiosmtpd answers the client itself (535 on failure).
        return AuthResult(
            success=(data.login, data.password) == (b"alora", b"s3cret"), handled=False
        )


async def test_the_mailer_logs_in_when_it_has_a_username(inbox: Inbox) -> None:
    credentials = Credentials()
    for port in serve(inbox, authenticator=credentials, auth_require_tls=False):
        await mailer(port, username="alora", password="s3cret").send(MESSAGE)
        with pytest.raises(aiosmtplib.SMTPAuthenticationError):
            await mailer(port, username="alora", password="wrong").send(MESSAGE)

    assert credentials.seen[0] == (b"alora", b"s3cret")
    assert len(inbox.envelopes) == 1


async def test_a_refused_message_raises(smtp_port: int, inbox: Inbox) -> None:
    inbox.failures = 1

    with pytest.raises(aiosmtplib.SMTPDataError) as raised:
        await mailer(smtp_port).send(MESSAGE)
    assert raised.value.code == 451
    await mailer(smtp_port).send(MESSAGE)
    assert len(inbox.envelopes) == 1


async def test_an_unreachable_server_raises() -> None:
    with pytest.raises(aiosmtplib.SMTPConnectError):
        await mailer(free_port(), timeout_seconds=2).send(MESSAGE)


async def test_starttls_is_required_when_asked_for(smtp_port: int, inbox: Inbox) -> None:
    with pytest.raises(aiosmtplib.SMTPException, match="STARTTLS"):
        await mailer(smtp_port, security="starttls").send(MESSAGE)
    assert inbox.envelopes == []


def test_an_unknown_security_is_refused() -> None:
    with pytest.raises(ValueError, match="security"):
        mailer(25, security="ssl")


def test_the_password_is_not_in_the_mailers_repr() -> None:
    assert "s3cret" not in repr(mailer(25, username="alora", password="s3cret"))


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("making a self-signed certificate for the STARTTLS test needs openssl")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt"),
            *("ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_starttls_upgrades_the_connection(inbox: Inbox, tmp_path: Path) -> None:
    cert, key = self_signed_certificate(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    trusting_the_test_cert = ssl.create_default_context(cafile=str(cert))

    for port in serve(inbox, tls_context=server_context, require_starttls=True):
        await mailer(port, security="starttls", tls_context=trusting_the_test_cert).send(MESSAGE)
        with pytest.raises(ssl.SSLCertVerificationError):
            await mailer(port, security="starttls").send(MESSAGE)  # the system CAs only

    [mime] = inbox.messages()
    assert mime["Message-ID"] == "<0189-abc.code-1@alora.test>"


# -- through the job runner --------------------------------------------------------------------


class JobBook:
    """What the fake units of work have committed: handled (handler, event id) pairs, dead jobs."""

    def __init__(self) -> None:
        self.handled: set[tuple[str, uuid.UUID]] = set()
        self.dead: list[tuple[Job, int]] = []


class FakeUnitOfWork:
    """Just what ``run_job`` touches: ``jobs.claim``/``jobs.bury`` and commit (else rollback)."""

    def __init__(self, book: JobBook) -> None:
        self._book = book
        self._claimed: set[tuple[str, uuid.UUID]] = set()
        self._buried: list[tuple[Job, int]] = []
        self.jobs = self

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._claimed.clear()
        self._buried.clear()

    async def claim(self, job: Job) -> bool:
        key = (job.handler, job.event_id)
        if key in self._book.handled or key in self._claimed:
            return False
        self._claimed.add(key)
        return True

    async def bury(self, job: Job, error: str, attempts: int, at: datetime) -> None:
        self._buried.append((job, attempts))

    async def commit(self) -> None:
        self._book.handled |= self._claimed
        self._book.dead += self._buried
        self._claimed.clear()
        self._buried.clear()


async def test_a_failed_send_is_retried_by_the_job_runner_and_delivered_once(
    inbox: Inbox, smtp_port: int
) -> None:
    inbox.failures = 1
    book = JobBook()
    subscriptions = Subscriptions()
    subscribe(
        subscriptions.in_context(lambda: FakeUnitOfWork(book)),
        mailer=mailer(smtp_port),
        branding=Branding("Alora", "https://app.alora.test"),
    )
    event = UserRegistered(
        occurred_at=datetime(2030, 1, 1, tzinfo=UTC),
        user_id=uuid.uuid4(),
        email="ada@example.com",
        full_name="Ada Lovelace",
        role="customer",
    )
    job = Job(id=uuid.uuid4(), handler="identity.welcome_email", event=event_to_message(event))

    async def attempt(number: int) -> str:
        return await run_job(
            job,
            attempt=number,
            max_attempts=3,
            subscriptions=subscriptions,
            uow_factory=lambda: FakeUnitOfWork(book),
            clock=FixedClock(),
        )

    with pytest.raises(aiosmtplib.SMTPDataError):
        await attempt(0)
    assert book.handled == set()
    assert await attempt(1) == "done"
    assert await attempt(2) == "duplicate"

    [mime] = inbox.messages()
    assert mime["Message-ID"] == f"<{event.event_id}.welcome@alora.test>"
    assert mime["Subject"] == "Welcome to Alora"
    assert inbox.envelopes[0].rcpt_tos == ["ada@example.com"]
    assert book.dead == []
