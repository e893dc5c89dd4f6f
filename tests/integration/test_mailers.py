"""The Mailer contract for the memory fake and the .eml mailbox, then the mailbox's own rules."""

import asyncio
import email.message
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from adapters.mail import MailboxMailer, read_mailbox, slugify
from adapters.memory.mail import MemoryMailer
from alora_core.shared.clock import FixedClock
from alora_core.shared.mail import EmailMessage, Mailer

WELCOME = EmailMessage(
    to="ada@example.com",
    subject="Welcome to Alora, Ada!",
    text="Your code is 123456.\n",
    html="<p>Your code is <b>123456</b>.</p>\n",
)


def parts(mime: email.message.EmailMessage) -> EmailMessage:
    text = mime.get_body(("plain",))
    html = mime.get_body(("html",))
    assert text is not None
    assert html is not None
    return EmailMessage(
        to=str(mime["To"]),
        subject=str(mime["Subject"]),
        text=text.get_content(),
        html=html.get_content(),
    )


def file_names(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


Received = Callable[[], list[EmailMessage]]


@pytest.fixture(params=["memory", "mailbox"])
def mailer_and_inbox(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Mailer, Received]:
    if request.param == "memory":
        memory = MemoryMailer()
        return memory, lambda: list(memory.sent)
    directory = tmp_path / "mail"
    return (
        MailboxMailer(directory, "Alora <no-reply@alora.test>"),
        lambda: [parts(mime) for mime in read_mailbox(directory)],
    )


async def test_a_sent_message_is_received_whole(mailer_and_inbox: tuple[Mailer, Received]) -> None:
    mailer, received = mailer_and_inbox

    await mailer.send(WELCOME)

    assert received() == [WELCOME]


async def test_messages_are_received_in_sending_order(
    mailer_and_inbox: tuple[Mailer, Received],
) -> None:
    mailer, received = mailer_and_inbox
    messages = [attrs.evolve(WELCOME, subject=f"Message {i}") for i in range(5)]

    for message in messages:
        await mailer.send(message)

    assert [m.subject for m in received()] == [m.subject for m in messages]


@pytest.mark.parametrize("field", ["to", "subject"])
async def test_line_breaks_in_headers_are_refused(
    mailer_and_inbox: tuple[Mailer, Received], field: str
) -> None:
    mailer, received = mailer_and_inbox
    injected = attrs.evolve(WELCOME, **{field: "x@example.com\r\nBcc: eve@example.com"})

    with pytest.raises(ValueError, match="line"):
        await mailer.send(injected)
    assert received() == []


async def test_mailbox_files_are_complete_mime_messages(tmp_path: Path) -> None:
    directory = tmp_path / "deep" / "mail"
    clock = FixedClock(datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=UTC))
    mailer = MailboxMailer(directory, "Alora <no-reply@alora.test>", clock=clock)

    await mailer.send(WELCOME)

    [name] = file_names(directory)
    assert re.fullmatch(r"20300506T070809\.123456Z-welcome-to-alora-ada-[0-9a-f]{8}\.eml", name)
    [mime] = read_mailbox(directory)
    assert mime.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in mime.iter_parts()] == ["text/plain", "text/html"]
    assert mime["From"] == "Alora <no-reply@alora.test>"
    assert mime["To"] == "ada@example.com"
    assert mime["Date"].datetime == clock.now().replace(microsecond=0)
    assert re.fullmatch(r"<.+@alora\.test>", mime["Message-ID"])


async def test_concurrent_sends_leave_only_whole_eml_files(tmp_path: Path) -> None:
    mailer = MailboxMailer(tmp_path, "no-reply@alora.test")

    await asyncio.gather(
        *(mailer.send(attrs.evolve(WELCOME, subject="Same subject")) for _ in range(20))
    )

    names = file_names(tmp_path)
    assert len(names) == 20
    assert all(name.endswith(".eml") and not name.startswith(".") for name in names)
    assert len(read_mailbox(tmp_path)) == 20


async def test_read_mailbox_sorts_oldest_first_and_ignores_other_files(tmp_path: Path) -> None:
    clock = FixedClock()
    mailer = MailboxMailer(tmp_path, "no-reply@alora.test", clock=clock)
    for subject in ["zebra", "apple", "mango"]:
        await mailer.send(attrs.evolve(WELCOME, subject=subject))
        clock.advance(timedelta(seconds=1))
    (tmp_path / ".half-written.tmp").write_bytes(b"To: nobody\n")
    (tmp_path / "notes.txt").write_text("not mail")

    assert [str(m["Subject"]) for m in read_mailbox(tmp_path)] == ["zebra", "apple", "mango"]


def test_read_mailbox_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert read_mailbox(tmp_path / "nowhere") == []


@pytest.mark.parametrize(
    ("subject", "slug"),
    [
        ("Reset your password", "reset-your-password"),
        ("Ça va? Übermorgen!", "ca-va-ubermorgen"),
        ("../../etc/passwd", "etc-passwd"),
        ("✓✓✓", "message"),
        ("x" * 100, "x" * 40),
    ],
)
def test_subjects_become_safe_file_name_slugs(subject: str, slug: str) -> None:
    assert slugify(subject) == slug
