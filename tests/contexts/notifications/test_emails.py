"""Notification emails on every backend: each kind follows its setting, quiet hours hold them
back, and the held ones go out later, each once (``n``: ``conftest.py``)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from alora_core.notifications import commands as c
from alora_core.notifications.events import NotificationCreated
from contexts.notifications.harness import START, Harness


@pytest.mark.parametrize(
    ("kind", "preference"),
    [
        ("account", "email_notifications"),
        ("security", "email_notifications"),
        ("marketing", "marketing_emails"),
        ("booking", "booking_reminders"),
        ("review", "review_notifications"),
    ],
)
async def test_each_kind_of_email_follows_its_preference(
    n: Harness, kind: str, preference: str
) -> None:
    yes = await n.add_user("yes", **{preference: True})
    no = await n.add_user("no", **{preference: False})
    for user in (yes, no):
        await n.notify(user, "Something happened", email_kind=kind)
    assert len(n.mailer.to("yes@example.com")) == 1
    assert n.mailer.to("no@example.com") == []


async def test_the_email_goes_at_once_outside_quiet_hours(n: Harness) -> None:
    ana = await n.add_user("ana", timezone="Europe/Berlin", quiet_hours_start="22:00",
                           quiet_hours_end="07:00")  # fmt: skip
    notification_id = await n.notify(
        ana, "Password changed", body="Your password was changed.\nWas it you?",
        link="/settings/security", email_kind="security",
    )  # fmt: skip
    stored = await n.stored(notification_id)
    assert stored is not None and stored.email_due_at == START  # 13:00 in Berlin
    [message] = n.mailer.to("ana@example.com")
    assert message.subject == "Password changed · Alora"
    assert "Hello Ana Example," in message.text
    assert "Was it you?" in message.text
    assert "https://alora.example/settings/security" in message.text
    assert "https://alora.example/settings/security" in message.html
    assert message.idempotency_key == f"notification.{notification_id}.email"
    stored = await n.stored(notification_id)
    assert stored is not None and stored.emailed_at == START

    # The job delivered again finds the email sent.
    created = NotificationCreated(
        occurred_at=START, notification_id=notification_id, recipient_id=ana, type="info",
        title="Password changed", body="", link=None, data={}, created_at=START,
        email_kind="security",
    )  # fmt: skip
    await n.run_handler("notifications.email", created)
    assert len(n.mailer.to("ana@example.com")) == 1


async def test_quiet_hours_hold_the_email_until_they_end(n: Harness) -> None:
    # 12:00 UTC is 07:00 in New York: quiet until 08:30.
    ana = await n.add_user("ana", timezone="America/New_York", quiet_hours_start="22:00",
                           quiet_hours_end="08:30")  # fmt: skip
    held = await n.notify(ana, "Your booking tomorrow", email_kind="booking")
    stored = await n.stored(held)
    assert stored is not None and stored.email_due_at == datetime(2030, 1, 15, 13, 30, tzinfo=UTC)
    assert n.mailer.sent == []
    assert n.realtime.published  # the push does not wait

    assert await n.handle(c.SendHeldEmails()) == 0
    n.clock.advance(timedelta(minutes=89))
    assert await n.handle(c.SendHeldEmails()) == 0
    n.clock.advance(timedelta(minutes=1))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert await n.handle(c.SendHeldEmails()) == 0  # sent once, even when run twice
    [message] = n.mailer.to("ana@example.com")
    assert message.subject.startswith("Your booking tomorrow")
    stored = await n.stored(held)
    assert stored is not None and stored.emailed_at == n.clock.now()


async def test_held_emails_go_in_batches_and_concurrent_runs_send_each_once(n: Harness) -> None:
    users = [
        await n.add_user(f"user{i}", quiet_hours_start="11:00", quiet_hours_end="13:00")
        for i in range(4)
    ]
    for user in users:
        for title in ("One", "Two"):
            await n.notify(user, title, email_kind="account")
    assert n.mailer.sent == []
    n.clock.advance(timedelta(hours=1))
    results = await asyncio.gather(*(n.send_held_emails(batch=3) for _ in range(3)),
                                   return_exceptions=True)  # fmt: skip
    sent = [r for r in results if isinstance(r, int)]
    assert sum(sent) == len(n.mailer.sent)
    # Racing senders may lose a batch to a concurrent one (409); another run sends the rest.
    assert await n.send_held_emails(batch=3) == 8 - len(n.mailer.sent)
    keys = [message.idempotency_key for message in n.mailer.sent]
    assert len(keys) == len(set(keys)) == 8


async def test_a_refused_email_is_tried_again_later_without_stopping_the_others(
    n: Harness,
) -> None:
    ana = await n.add_user("ana", quiet_hours_start="11:00", quiet_hours_end="13:00")
    bob = await n.add_user("bob", quiet_hours_start="11:00", quiet_hours_end="13:00")
    await n.notify(ana, email_kind="account")
    await n.notify(bob, email_kind="account")
    n.clock.advance(timedelta(hours=1))
    n.mailer.refuse.add("ana@example.com")
    assert await n.handle(c.SendHeldEmails()) == 1
    assert len(n.mailer.to("bob@example.com")) == 1
    assert await n.handle(c.SendHeldEmails()) == 0  # ana's waits a few minutes
    n.mailer.refuse.clear()
    n.clock.advance(timedelta(minutes=5))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert len(n.mailer.to("ana@example.com")) == 1


async def test_a_held_email_asks_the_settings_again_when_its_time_comes(n: Harness) -> None:
    quiet = {"quiet_hours_start": "11:00", "quiet_hours_end": "13:00"}
    ana = await n.add_user("ana", marketing_emails=True, **quiet)
    bob = await n.add_user("bob", **quiet)
    offer = await n.notify(ana, "An offer", email_kind="marketing")
    reminder = await n.notify(bob, "A reminder", email_kind="booking")
    await n.change_settings(ana, marketing_emails=False, **quiet)
    await n.change_settings(bob, quiet_hours_start="11:00", quiet_hours_end="14:00")
    n.clock.advance(timedelta(hours=1))

    assert await n.handle(c.SendHeldEmails()) == 0
    cancelled = await n.stored(offer)
    assert cancelled is not None and cancelled.email_due_at is None
    postponed = await n.stored(reminder)
    assert postponed is not None and postponed.email_due_at == START + timedelta(hours=2)
    n.clock.advance(timedelta(hours=1))
    assert await n.handle(c.SendHeldEmails()) == 1
    assert n.mailer.to("ana@example.com") == [] and len(n.mailer.to("bob@example.com")) == 1
