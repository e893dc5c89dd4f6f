"""``alora users last-code EMAIL``: the code of the newest code email to EMAIL, read from its
plain-text part in the development mailbox; refused in production and where mail goes over
SMTP."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.mail import MailboxMailer
from alora_core.shared.mail import Branding, EmailMessage, compose
from entrypoints.cli.main import main


def _code_mail(to: str, code: str) -> EmailMessage:
    return compose(
        to,
        Branding(product_name="Alora", public_url="http://127.0.0.1:8000"),
        subject="Verify your email address for Alora",
        greeting="Hello,",
        paragraphs=[f"Your Alora code is {code}. Enter it to verify your email address."],
        highlight=code,
    )


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MailboxMailer:
    monkeypatch.setenv("ALORA_VAR_DIR", str(tmp_path / "var"))
    return MailboxMailer(tmp_path / "var" / "mail", "alora@example.com")


def test_the_newest_code_to_the_address_is_printed(
    mailbox: MailboxMailer, capsys: pytest.CaptureFixture[str]
) -> None:
    for to, code in [
        ("ada@example.com", "111111"),
        ("Ada@Example.com", "222222"),  # the newest to her, the address in another case
        ("bob@example.com", "333333"),
    ]:
        asyncio.run(mailbox.send(_code_mail(to, code)))

    assert main(["users", "last-code", "ada@example.com"]) == 0
    assert capsys.readouterr().out == "222222\n"


def test_no_email_to_the_address_is_an_error_after_the_wait(
    mailbox: MailboxMailer, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(mailbox.send(_code_mail("bob@example.com", "333333")))
    assert main(["users", "last-code", "ada@example.com", "--wait", "0"]) == 2
    assert capsys.readouterr().err.startswith("error: no code email to ada@example.com")


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [("ALORA_ENV", "production", "development only"), ("ALORA_SMTP_HOST", "smtp", "SMTP")],
)
def test_it_is_refused_outside_development(
    mailbox: MailboxMailer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    says: str,
) -> None:
    asyncio.run(mailbox.send(_code_mail("ada@example.com", "111111")))
    monkeypatch.setenv(variable, value)
    monkeypatch.setenv("ALORA_SECRET_KEY", "s" * 40)
    assert main(["users", "last-code", "ada@example.com"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert says in captured.err
