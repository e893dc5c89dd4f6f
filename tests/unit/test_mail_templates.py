"""Every email template: both parts, escaped HTML, the product name, links under the public URL."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape

import pytest

from alora_core.identity import mails
from alora_core.identity.events import (
    CodeIssued,
    PasswordChanged,
    SessionRevokedForReuse,
    UserDeleted,
    UserRegistered,
)
from alora_core.identity.model import Purpose, Role, User
from alora_core.shared.mail import Branding, EmailMessage, absolute_url, compose
from alora_core.shared.mail_templates import (
    BookingUpdate,
    booking_update_message,
    order_update_message,
)

BRANDING = Branding("Alora", "https://app.alora.test/")
NAME = "<script>alert('x')</script> & Co"
EMAIL = "ana@example.com"
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
EVENT_ID = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")
USER_ID = uuid.uuid4()

USER = User(
    full_name=NAME,
    username="ana",
    email=EMAIL,
    phone=None,
    password_hash="x",
    role=Role.CUSTOMER,
    created_at=NOW,
    id=USER_ID,
)


def code(purpose: Purpose) -> EmailMessage:
    return mails.code_message(
        CodeIssued(
            occurred_at=NOW,
            event_id=EVENT_ID,
            user_id=USER_ID,
            email=EMAIL,
            full_name=NAME,
            purpose=purpose.value,
            code="042917",
            expires_in_minutes=15,
        ),
        BRANDING,
    )


TEMPLATES: dict[str, tuple[Callable[[], EmailMessage], str]] = {
    "verification code": (lambda: code(Purpose.VERIFY_EMAIL), f"{EVENT_ID}.code"),
    "reset code": (lambda: code(Purpose.RESET_PASSWORD), f"{EVENT_ID}.code"),
    "welcome": (
        lambda: mails.welcome_message(
            UserRegistered(
                occurred_at=NOW,
                event_id=EVENT_ID,
                user_id=USER_ID,
                email=EMAIL,
                full_name=NAME,
                role="customer",
            ),
            BRANDING,
        ),
        f"{EVENT_ID}.welcome",
    ),
    "account deleted": (
        lambda: mails.account_deleted_message(
            UserDeleted(
                occurred_at=NOW, event_id=EVENT_ID, user_id=USER_ID, email=EMAIL, full_name=NAME
            ),
            BRANDING,
        ),
        f"{EVENT_ID}.account_deleted",
    ),
    "security alert": (
        lambda: mails.security_alert_message(
            SessionRevokedForReuse(
                occurred_at=NOW, event_id=EVENT_ID, user_id=USER_ID, session_id=uuid.uuid4()
            ),
            USER,
            BRANDING,
        ),
        f"{EVENT_ID}.security_alert",
    ),
    "password changed": (
        lambda: mails.password_changed_message(
            PasswordChanged(occurred_at=NOW, event_id=EVENT_ID, user_id=USER_ID), USER, BRANDING
        ),
        f"{EVENT_ID}.password_changed",
    ),
    "booking confirmed": (
        lambda: booking_update_message(
            BookingUpdate.CONFIRMED,
            BRANDING,
            to=EMAIL,
            full_name=NAME,
            service_name="Haircut <b>",
            professional_name=NAME,
            starts_at="Tue 5 March 2030, 14:30 (Europe/Berlin)",
            link="/bookings/42",
            event_id=EVENT_ID,
        ),
        f"{EVENT_ID}.booking_confirmed",
    ),
    "order update": (
        lambda: order_update_message(
            BRANDING,
            to=EMAIL,
            full_name=NAME,
            order_number="A-1042",
            status="shipped",
            total="€42.50",
            link="/orders/A-1042",
            event_id=EVENT_ID,
        ),
        f"{EVENT_ID}.order_update",
    ),
}


@pytest.fixture(params=list(TEMPLATES))
def template(request: pytest.FixtureRequest) -> tuple[Callable[[], EmailMessage], str]:
    return TEMPLATES[request.param]


def links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'href="([^"]*)"', html)]


def test_a_template_has_a_text_and_an_html_part_for_its_recipient(
    template: tuple[Callable[[], EmailMessage], str],
) -> None:
    message = template[0]()
    assert message.to == EMAIL
    assert message.subject and "\n" not in message.subject
    assert message.text.strip()
    assert message.html.startswith("<!DOCTYPE html>")
    assert NAME in message.text


def test_names_are_escaped_in_html(template: tuple[Callable[[], EmailMessage], str]) -> None:
    message = template[0]()
    assert "<script>" not in message.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in message.html


def test_the_product_name_and_absolute_links_under_the_public_url(
    template: tuple[Callable[[], EmailMessage], str],
) -> None:
    message = template[0]()
    assert "Alora" in message.subject + message.text
    assert "Alora" in message.html
    found = links(message.html)
    assert found
    assert all(link.startswith("https://app.alora.test/") for link in found)
    assert all(link in message.text for link in found)


def test_the_idempotency_key_is_the_event_id_and_purpose(
    template: tuple[Callable[[], EmailMessage], str],
) -> None:
    build, key = template
    assert build().idempotency_key == key
    assert build() == build()


def test_the_code_mail_keeps_its_subjects_and_says_the_code_and_expiry() -> None:
    verify, reset = code(Purpose.VERIFY_EMAIL), code(Purpose.RESET_PASSWORD)
    assert verify.subject == "Verify your email address for Alora"
    assert reset.subject == "Reset your password for Alora"
    assert "Your Alora code is 042917. Enter it to verify your email address." in verify.text
    assert "to choose a new password" in reset.text
    assert "expires in 15 minutes" in verify.text
    assert "042917" in verify.html


def test_template_mails_without_an_event_have_no_idempotency_key() -> None:
    message = order_update_message(
        BRANDING, to=EMAIL, full_name="Ana", order_number="7", status="paid", total="€1", link="/"
    )
    assert message.idempotency_key is None


def test_compose_lays_out_greeting_paragraphs_action_and_note_in_order() -> None:
    message = compose(
        EMAIL,
        Branding("Alora", "http://127.0.0.1:8000"),
        subject="Hi",
        greeting="Hello Ana,",
        paragraphs=["First.", "Second,\nwith two lines."],
        action=("Open", "https://elsewhere.test/x?a=1&b=2"),
        footer_note="Small print.",
    )
    assert message.text == (
        "Hello Ana,\n\nFirst.\n\nSecond,\nwith two lines.\n\n"
        "Open: https://elsewhere.test/x?a=1&b=2\n\nSmall print.\n\n"
        "Alora — http://127.0.0.1:8000\n"
    )
    assert "Second,<br>with two lines." in message.html
    assert 'href="https://elsewhere.test/x?a=1&amp;b=2"' in message.html
    html_order = [message.html.index(s) for s in ["Hello Ana,", "First.", "Open", "Small print."]]
    assert html_order == sorted(html_order)


@pytest.mark.parametrize(
    ("base", "target", "url"),
    [
        ("https://a.test", "/x", "https://a.test/x"),
        ("https://a.test/", "x", "https://a.test/x"),
        ("https://a.test/app/", "/", "https://a.test/app/"),
        ("https://a.test", "https://b.test/y", "https://b.test/y"),
    ],
)
def test_absolute_url(base: str, target: str, url: str) -> None:
    assert absolute_url(Branding("Alora", base), target) == url
