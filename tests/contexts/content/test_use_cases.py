"""Content's use cases and handlers, on every backend (memory, SQLite, PostgreSQL).

The ``h`` fixture composes Alora on the test's backend with a ``FixedClock`` and a
``MemoryMailer``; feedback is limited to 3 and contact messages to 5 an hour per address. Jobs
run inline: when a command returns, the emails it causes are in the mailer. Events committed
by the bus are collected.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from attrs import define, evolve

from adapters.memory.mail import MemoryMailer
from alora_core.content import commands as c
from alora_core.content.errors import AboutPageExists, AboutPageMissing, StaleVersion
from alora_core.content.events import ContactReceived
from alora_core.content.model import (
    ABOUT_PAGE_ID,
    AboutContent,
    AboutPage,
    ContactStatus,
    FeedbackStatus,
    TeamMember,
)
from alora_core.identity.model import Role
from alora_core.shared.actor import Actor
from alora_core.shared.audit import AuditEntry
from alora_core.shared.clock import FixedClock
from alora_core.shared.commands import Command
from alora_core.shared.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from alora_core.shared.events import DomainEvent
from alora_core.shared.serialization import event_from_message, event_to_message
from entrypoints.bootstrap import Alora
from support.backends import Backend, committed_events
from support.builders import add_file, add_user, audit_entries, delete_user

START = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
IP = "203.0.113.7"
T = TypeVar("T")


@define
class Harness:
    alora: Alora
    clock: FixedClock
    mailer: MemoryMailer
    committed: list[DomainEvent]
    admin_id: uuid.UUID

    def uow_factory(self) -> Any:
        return self.alora.units_of_work["content"]()

    async def handle(self, command: Command[T]) -> T:
        return await self.alora.bus.handle(command)

    async def run_handlers_again(self, event: DomainEvent) -> None:
        """Run the handlers of ``event`` once more, as a job delivered late would, each in its
        unit of work with the event read back from its JSON message."""
        subscriptions = self.alora.subscriptions
        for name in subscriptions.handlers_of(event):
            subscription = subscriptions.get(name)
            received = event_from_message(event_to_message(event))
            async with subscription.unit_of_work() as uow:
                await subscription.handle(received, uow)
                await uow.commit()

    async def add_user(
        self, name: str, role: Role = Role.CUSTOMER, suspended: bool = False
    ) -> uuid.UUID:
        return (await add_user(self.alora, name, role, suspended=suspended)).id

    async def delete_user(self, user_id: uuid.UUID) -> None:
        await delete_user(self.alora, user_id)

    async def audit(self, action: str) -> list[AuditEntry]:
        return await audit_entries(self.alora, action)

    def admin(self) -> Actor:
        return Actor(user_id=self.admin_id, role=Role.ADMIN)

    async def faq(self, question: str = "How do I book?", **fields: Any) -> Any:
        command = c.CreateFaq(
            actor=self.admin(),
            type=fields.pop("type", "booking"),
            question=question,
            answer=fields.pop("answer", "Pick a slot and confirm."),
            **fields,
        )
        return await self.handle(command)

    async def feedback(self, ip: str = IP, **fields: Any) -> Any:
        values = {
            "rating": 4,
            "subject": "Nice",
            "message": "It works well.",
            "name": "Ann",
            "email": "ann@example.com",
        }
        return await self.handle(c.SubmitFeedback(**(values | fields), ip=ip))

    async def contact(self, ip: str = IP, **fields: Any) -> Any:
        values = {
            "name": "Bob",
            "email": "bob@example.com",
            "subject": "A question",
            "message": "Do you work on Sundays?",
        }
        return await self.handle(c.SendContactMessage(**(values | fields), ip=ip))


LIMITS = {"ALORA_FEEDBACK_RATE_PER_HOUR": "3", "ALORA_CONTACT_RATE_PER_HOUR": "5"}


@pytest.fixture
async def h(backend: Backend) -> Harness:
    clock = FixedClock(START)
    mailer = MemoryMailer()
    alora = await backend.build(clock=clock, mailer=mailer, environ=LIMITS)
    admin = await add_user(alora, "root", Role.ADMIN)
    await add_file(alora, admin.id, file_id=PHOTO)
    return Harness(alora, clock, mailer, committed_events(alora), admin.id)


@pytest.fixture
def writers_interleave(backend: Backend) -> bool:
    """Whether two units of work can both be writing at once (not on SQLite, whose writers
    queue for the database: ``BEGIN IMMEDIATE``)."""
    return backend.name != "sqlite"


def needs_interleaving(writers_interleave: bool) -> None:
    if not writers_interleave:
        pytest.skip("one writer at a time here: a change cannot land inside another's")


ANYONE = Actor(user_id=uuid.uuid4(), role=Role.CUSTOMER)


# --- FAQ ------------------------------------------------------------------------------------------


async def test_faqs_are_listed_by_type_then_order(h: Harness) -> None:
    late = await h.faq("Can I cancel?", order=2)
    early = await h.faq("How do I book?", order=1)
    payment = await h.faq("Which cards?", type="payment", order=0)
    account = await h.faq("How do I sign up?", type="account", order=9)
    tie = await h.faq("Tie on order 2", order=2)

    listed = await h.handle(c.ListFaqs())
    assert [f.id for f in listed] == [account.id, early.id, late.id, tie.id, payment.id]
    booking = await h.handle(c.ListFaqs(type=" Booking "))
    assert [f.id for f in booking] == [early.id, late.id, tie.id]
    assert await h.handle(c.ListFaqs(type="unknown")) == []


async def test_a_faq_is_stored_cleaned(h: Harness) -> None:
    faq = await h.faq("  Why?  ", type=" General ", answer="  Because.\nReally.  ", order=7)
    stored = await h.handle(c.GetFaq(faq_id=faq.id))
    assert (stored.type, stored.question, stored.answer, stored.order) == (
        "general", "Why?", "Because.\nReally.", 7
    )  # fmt: skip
    assert stored.active and stored.created_at == stored.updated_at == START
    [entry] = await h.audit("faq.create")
    assert entry.actor_id == h.admin_id and entry.target_id == str(faq.id)


async def test_inactive_faqs_are_hidden_except_from_administrators(h: Harness) -> None:
    shown = await h.faq("Shown?")
    hidden = await h.faq("Hidden?", active=False)
    assert [f.id for f in await h.handle(c.ListFaqs())] == [shown.id]
    with pytest.raises(NotFound):
        await h.handle(c.GetFaq(faq_id=hidden.id))
    assert (await h.handle(c.GetFaq(faq_id=hidden.id, viewer=h.admin()))).id == hidden.id
    everything = await h.handle(c.ListFaqs(include_inactive=True, viewer=h.admin()))
    assert {f.id for f in everything} == {shown.id, hidden.id}
    with pytest.raises(Forbidden):
        await h.handle(c.ListFaqs(include_inactive=True))


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"type": ""}, "type"),
        ({"type": "has space"}, "type"),
        ({"type": "-leading"}, "type"),
        ({"type": "x" * 33}, "type"),
        ({"question": "   "}, "question"),
        ({"question": "two\nlines"}, "question"),
        ({"question": "x" * 301}, "question"),
        ({"answer": ""}, "answer"),
        ({"answer": "x" * 10_001}, "answer"),
        ({"answer": "nul\x00"}, "answer"),
        ({"order": -1}, "order"),
        ({"order": 1_000_001}, "order"),
    ],
)
async def test_a_faq_with_a_bad_field_is_refused(
    h: Harness, fields: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(Invalid) as raised:
        await h.faq(**({"question": "Fine?"} | fields))
    assert field_name in {e.field for e in raised.value.errors}
    assert await h.handle(c.ListFaqs(include_inactive=True, viewer=h.admin())) == []


async def test_a_bad_type_filter_is_refused(h: Harness) -> None:
    with pytest.raises(Invalid) as raised:
        await h.handle(c.ListFaqs(type="not a type!"))
    assert [e.field for e in raised.value.errors] == ["type"]


async def test_only_administrators_write_faqs(h: Harness) -> None:
    faq = await h.faq()
    with pytest.raises(Forbidden):
        await h.handle(c.CreateFaq(actor=ANYONE, type="general", question="Q?", answer="A."))
    with pytest.raises(Forbidden):
        await h.handle(c.UpdateFaq(actor=ANYONE, faq_id=faq.id, changes={"answer": "No."}))
    with pytest.raises(Forbidden):
        await h.handle(c.DeleteFaq(actor=ANYONE, faq_id=faq.id))
    assert (await h.handle(c.GetFaq(faq_id=faq.id))).answer == faq.answer


async def test_updating_a_faq_changes_the_named_fields(h: Harness) -> None:
    faq = await h.faq()
    h.clock.advance(timedelta(minutes=5))
    changes = {"answer": " Choose a time. ", "active": False, "order": 3}
    updated = await h.handle(c.UpdateFaq(actor=h.admin(), faq_id=faq.id, changes=changes))
    assert (updated.answer, updated.active, updated.order) == ("Choose a time.", False, 3)
    assert updated.question == faq.question and updated.updated_at == h.clock.now()
    stored = await h.handle(c.GetFaq(faq_id=faq.id, viewer=h.admin()))
    assert stored.version == 2 and stored.answer == "Choose a time."
    [entry] = await h.audit("faq.update")
    assert entry.details == {"fields": ["active", "answer", "order"]}

    same = await h.handle(c.UpdateFaq(actor=h.admin(), faq_id=faq.id, changes={"order": 3}))
    assert same.version == 2 and len(await h.audit("faq.update")) == 1


async def test_updating_a_faq_refuses_bad_and_unknown_fields(h: Harness) -> None:
    faq = await h.faq()
    with pytest.raises(Invalid) as raised:
        await h.handle(
            c.UpdateFaq(actor=h.admin(), faq_id=faq.id, changes={"question": "", "id": "x"})
        )
    assert {(e.field, e.code) for e in raised.value.errors} == {
        ("question", "invalid"), ("id", "read-only")
    }  # fmt: skip
    with pytest.raises(NotFound):
        await h.handle(c.UpdateFaq(actor=h.admin(), faq_id=uuid.uuid4(), changes={"order": 1}))


async def test_a_faq_changed_meanwhile_is_a_conflict(h: Harness, writers_interleave: bool) -> None:
    needs_interleaving(writers_interleave)
    faq = await h.faq()
    async with h.uow_factory() as uow:
        stale = await uow.faqs.get(faq.id)
        stale.change({"answer": "Mine."}, h.clock.now())
        await h.handle(c.UpdateFaq(actor=h.admin(), faq_id=faq.id, changes={"answer": "Theirs."}))
        with pytest.raises(Conflict):
            await uow.commit()
    assert (await h.handle(c.GetFaq(faq_id=faq.id))).answer == "Theirs."


async def test_deleting_a_faq(h: Harness) -> None:
    faq = await h.faq()
    await h.handle(c.DeleteFaq(actor=h.admin(), faq_id=faq.id))
    with pytest.raises(NotFound):
        await h.handle(c.GetFaq(faq_id=faq.id, viewer=h.admin()))
    with pytest.raises(NotFound):
        await h.handle(c.DeleteFaq(actor=h.admin(), faq_id=faq.id))
    [entry] = await h.audit("faq.delete")
    assert entry.details == {"question": faq.question}


# --- feedback ------------------------------------------------------------------------------------


async def test_feedback_is_stored_cleaned_and_remembers_a_signed_in_sender(h: Harness) -> None:
    ann = await h.add_user("ann")
    anonymous = await h.feedback(subject="  Great  ", message=" Thanks!\n\nReally. ")
    signed_in = await h.feedback(actor=Actor(user_id=ann, role=Role.CUSTOMER), rating=5)
    assert anonymous.user_id is None and signed_in.user_id == ann
    stored = await h.handle(c.GetFeedback(actor=h.admin(), feedback_id=anonymous.id))
    assert (stored.rating, stored.subject, stored.message, stored.name, stored.email) == (
        4, "Great", "Thanks!\n\nReally.", "Ann", "ann@example.com"
    )  # fmt: skip
    assert stored.status is FeedbackStatus.NEW and stored.created_at == START


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"rating": 0}, "rating"),
        ({"rating": 6}, "rating"),
        ({"rating": True}, "rating"),
        ({"email": "nope"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "a..b@example.com"}, "email"),
        ({"email": "x" * 250 + "@example.com"}, "email"),
        ({"subject": ""}, "subject"),
        ({"subject": "a\rb"}, "subject"),
        ({"subject": "x" * 201}, "subject"),
        ({"message": " "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
    ],
)
async def test_feedback_with_a_bad_field_is_refused(
    h: Harness, fields: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(Invalid) as raised:
        await h.feedback(**fields)
    assert [e.field for e in raised.value.errors] == [field_name]
    page = await h.handle(c.ListFeedback(actor=h.admin()))
    assert page.total == 0


async def test_feedback_reports_every_bad_field_at_once(h: Harness) -> None:
    with pytest.raises(Invalid) as raised:
        await h.feedback(rating=9, subject="", message="", name="", email="x")
    assert {e.field for e in raised.value.errors} == {
        "rating", "subject", "message", "name", "email"
    }  # fmt: skip


async def test_feedback_is_limited_per_address(h: Harness) -> None:
    for _ in range(3):
        await h.feedback()
    with pytest.raises(RateLimited) as raised:
        await h.feedback()
    assert 0 < raised.value.retry_after_seconds <= 3600
    await h.feedback(ip="198.51.100.1")  # another address has its own count
    with pytest.raises(Invalid):
        await h.feedback(ip="198.51.100.2", rating=0)  # refused input does not count
    for _ in range(3):
        await h.feedback(ip="198.51.100.2")
    h.clock.advance(timedelta(hours=1))
    await h.feedback()
    assert (await h.handle(c.ListFeedback(actor=h.admin()))).total == 8


async def test_administrators_page_through_feedback_newest_first(h: Harness) -> None:
    ids = []
    for i in range(5):
        ids.append((await h.feedback(ip=f"10.0.0.{i}", subject=f"Number {i}")).id)
        h.clock.advance(timedelta(minutes=1))
    first = await h.handle(c.ListFeedback(actor=h.admin(), page=1, page_size=2))
    assert [f.id for f in first.items] == [ids[4], ids[3]]
    assert (first.total, first.page, first.page_size, first.pages) == (5, 1, 2, 3)
    last = await h.handle(c.ListFeedback(actor=h.admin(), page=3, page_size=2))
    assert [f.id for f in last.items] == [ids[0]]
    beyond = await h.handle(c.ListFeedback(actor=h.admin(), page=9, page_size=2))
    assert beyond.items == [] and beyond.total == 5

    await h.handle(
        c.SetFeedbackStatus(actor=h.admin(), feedback_id=ids[1], status=FeedbackStatus.RESOLVED)
    )
    resolved = await h.handle(c.ListFeedback(actor=h.admin(), status=FeedbackStatus.RESOLVED))
    assert [f.id for f in resolved.items] == [ids[1]] and resolved.total == 1
    new = await h.handle(c.ListFeedback(actor=h.admin(), status=FeedbackStatus.NEW))
    assert new.total == 4


@pytest.mark.parametrize("query", [{"page": 0}, {"page_size": 101}, {"page_size": 0}])
async def test_a_bad_feedback_query_is_refused(h: Harness, query: dict[str, Any]) -> None:
    with pytest.raises(Invalid):
        await h.handle(c.ListFeedback(actor=h.admin(), **query))


async def test_administrators_set_the_status_of_feedback(h: Harness) -> None:
    feedback = await h.feedback()
    h.clock.advance(timedelta(minutes=1))
    updated = await h.handle(
        c.SetFeedbackStatus(
            actor=h.admin(), feedback_id=feedback.id, status=FeedbackStatus.REVIEWED
        )
    )
    assert updated.status is FeedbackStatus.REVIEWED and updated.updated_at == h.clock.now()
    [entry] = await h.audit("feedback.update")
    assert entry.details == {"status_from": "new", "status_to": "reviewed"}
    await h.handle(
        c.SetFeedbackStatus(
            actor=h.admin(), feedback_id=feedback.id, status=FeedbackStatus.REVIEWED
        )
    )
    assert len(await h.audit("feedback.update")) == 1  # no change, no entry

    with pytest.raises(NotFound):
        await h.handle(
            c.SetFeedbackStatus(
                actor=h.admin(), feedback_id=uuid.uuid4(), status=FeedbackStatus.NEW
            )
        )


async def test_feedback_administration_is_for_administrators(h: Harness) -> None:
    feedback = await h.feedback()
    for command in (
        c.ListFeedback(actor=ANYONE),
        c.GetFeedback(actor=ANYONE, feedback_id=feedback.id),
        c.SetFeedbackStatus(actor=ANYONE, feedback_id=feedback.id, status=FeedbackStatus.RESOLVED),
        c.DeleteFeedback(actor=ANYONE, feedback_id=feedback.id),
    ):
        with pytest.raises(Forbidden):
            await h.handle(command)
    stored = await h.handle(c.GetFeedback(actor=h.admin(), feedback_id=feedback.id))
    assert stored.status is FeedbackStatus.NEW


async def test_deleting_feedback(h: Harness) -> None:
    feedback = await h.feedback()
    await h.handle(c.DeleteFeedback(actor=h.admin(), feedback_id=feedback.id))
    with pytest.raises(NotFound):
        await h.handle(c.GetFeedback(actor=h.admin(), feedback_id=feedback.id))
    with pytest.raises(NotFound):
        await h.handle(c.DeleteFeedback(actor=h.admin(), feedback_id=feedback.id))
    [entry] = await h.audit("feedback.delete")
    assert entry.target_id == str(feedback.id)


async def test_a_users_feedback_and_messages_go_with_them(h: Harness) -> None:
    ann = await h.add_user("ann")
    await h.feedback(actor=Actor(user_id=ann, role=Role.CUSTOMER))
    await h.contact(actor=Actor(user_id=ann, role=Role.CUSTOMER))
    kept = await h.feedback(ip="10.0.0.9", email="ann@example.com")
    await h.delete_user(ann)
    feedback = await h.handle(c.ListFeedback(actor=h.admin()))
    assert [f.id for f in feedback.items] == [kept.id]
    assert (await h.handle(c.ListContactMessages(actor=h.admin()))).total == 0


# --- contact messages ----------------------------------------------------------------------------


async def test_a_contact_message_is_stored_and_emailed_to_the_administrators(h: Harness) -> None:
    await h.add_user("second", Role.ADMIN)
    await h.add_user("away", Role.ADMIN, suspended=True)
    await h.add_user("carl")
    message = await h.contact(phone=" +49 30 1234567 ", message="  Line one\nLine two  ")
    stored = await h.handle(c.GetContactMessage(actor=h.admin(), message_id=message.id))
    assert (stored.name, stored.email, stored.phone, stored.subject, stored.message) == (
        "Bob", "bob@example.com", "+49 30 1234567", "A question", "Line one\nLine two"
    )  # fmt: skip
    assert stored.status is ContactStatus.NEW and stored.note == "" and stored.user_id is None

    [event] = h.committed  # its emails went before the command returned
    assert isinstance(event, ContactReceived) and event.message_id == message.id
    assert sorted(m.to for m in h.mailer.sent) == ["root@example.com", "second@example.com"]
    mail = h.mailer.to("root@example.com")[0]
    assert mail.subject == "Contact: A question · Alora"
    assert "Bob <bob@example.com>, phone +49 30 1234567" in mail.text
    assert "Line one\nLine two" in mail.text
    assert mail.idempotency_key == f"{event.event_id}.root@example.com"
    assert "&lt;bob@example.com&gt;" in mail.html


async def test_a_message_deleted_before_its_email_went_is_not_emailed(h: Harness) -> None:
    message = await h.contact()
    [received] = h.committed
    h.mailer.sent.clear()  # jobs run inline: its emails went already; this one comes late
    await h.handle(c.DeleteContactMessage(actor=h.admin(), message_id=message.id))
    await h.run_handlers_again(received)
    assert h.mailer.sent == []


async def test_a_signed_in_sender_is_remembered(h: Harness) -> None:
    carl = await h.add_user("carl")
    message = await h.contact(actor=Actor(user_id=carl, role=Role.CUSTOMER), phone="")
    assert message.user_id == carl and message.phone is None


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({"name": " "}, "name"),
        ({"email": "bob@"}, "email"),
        ({"email": "bob @example.com"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"phone": "1" * 26}, "phone"),
        ({"subject": "x" * 201}, "subject"),
        ({"subject": "tab\tinside"}, "subject"),
        ({"message": ""}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({"message": "bell\x07"}, "message"),
    ],
)
async def test_a_contact_message_with_a_bad_field_is_refused(
    h: Harness, fields: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(Invalid) as raised:
        await h.contact(**fields)
    assert [e.field for e in raised.value.errors] == [field_name]
    assert (await h.handle(c.ListContactMessages(actor=h.admin()))).total == 0
    assert h.committed == []


async def test_contact_messages_are_limited_per_address(h: Harness) -> None:
    for _ in range(5):
        await h.contact()
    with pytest.raises(RateLimited) as raised:
        await h.contact()
    assert raised.value.retry_after_seconds == 3600
    h.clock.advance(timedelta(minutes=59))
    with pytest.raises(RateLimited) as raised:
        await h.contact()
    assert raised.value.retry_after_seconds == 60
    await h.contact(ip="198.51.100.1")
    h.clock.advance(timedelta(minutes=1))
    await h.contact()
    assert (await h.handle(c.ListContactMessages(actor=h.admin()))).total == 7


async def test_administrators_handle_contact_messages(h: Harness) -> None:
    first = await h.contact(subject="First")
    h.clock.advance(timedelta(minutes=1))
    second = await h.contact(subject="Second")
    page = await h.handle(c.ListContactMessages(actor=h.admin()))
    assert [m.id for m in page.items] == [second.id, first.id] and page.total == 2

    h.clock.advance(timedelta(minutes=1))
    read = await h.handle(
        c.HandleContactMessage(actor=h.admin(), message_id=first.id, status=ContactStatus.READ)
    )
    assert read.status is ContactStatus.READ and read.updated_at == h.clock.now()
    noted = await h.handle(
        c.HandleContactMessage(actor=h.admin(), message_id=first.id, note="  Called back.\nOK  ")
    )
    assert noted.status is ContactStatus.READ and noted.note == "Called back.\nOK"
    both = await h.handle(
        c.HandleContactMessage(
            actor=h.admin(),
            message_id=first.id,
            status=ContactStatus.REPLIED,
            note="Answered by email.",
        )
    )
    assert (both.status, both.note) == (ContactStatus.REPLIED, "Answered by email.")
    assert [e.details for e in await h.audit("contact_message.update")] == [
        {"status_from": "read", "status_to": "replied", "note_changed": True},
        {"status_from": "read", "status_to": "read", "note_changed": True},
        {"status_from": "new", "status_to": "read", "note_changed": False},
    ]
    replied = await h.handle(c.ListContactMessages(actor=h.admin(), status=ContactStatus.REPLIED))
    assert [m.id for m in replied.items] == [first.id]


@pytest.mark.parametrize(
    ("fields", "field_name"),
    [
        ({}, "status"),
        ({"note": "x" * 2001}, "note"),
        ({"note": "nul\x00"}, "note"),
    ],
)
async def test_handling_a_contact_message_refuses_bad_input(
    h: Harness, fields: dict[str, Any], field_name: str
) -> None:
    message = await h.contact()
    with pytest.raises(Invalid) as raised:
        await h.handle(c.HandleContactMessage(actor=h.admin(), message_id=message.id, **fields))
    assert [e.field for e in raised.value.errors] == [field_name]


async def test_contact_administration_is_for_administrators(h: Harness) -> None:
    message = await h.contact()
    for command in (
        c.ListContactMessages(actor=ANYONE),
        c.GetContactMessage(actor=ANYONE, message_id=message.id),
        c.HandleContactMessage(actor=ANYONE, message_id=message.id, status=ContactStatus.READ),
        c.DeleteContactMessage(actor=ANYONE, message_id=message.id),
    ):
        with pytest.raises(Forbidden):
            await h.handle(command)


async def test_deleting_a_contact_message(h: Harness) -> None:
    message = await h.contact()
    await h.handle(c.DeleteContactMessage(actor=h.admin(), message_id=message.id))
    for command in (
        c.GetContactMessage(actor=h.admin(), message_id=message.id),
        c.HandleContactMessage(actor=h.admin(), message_id=message.id, status=ContactStatus.READ),
        c.DeleteContactMessage(actor=h.admin(), message_id=message.id),
    ):
        with pytest.raises(NotFound):
            await h.handle(command)
    assert len(await h.audit("contact_message.delete")) == 1


# --- the about page ------------------------------------------------------------------------------

PHOTO = uuid.UUID("01890a5d-ac96-774b-bcce-b302099a8057")
ABOUT = AboutContent(
    title="  About Alora ",
    description="We connect people with professionals.",
    mission="Make booking easy.",
    vision="Every job done well.",
    values=("Trust", " Care "),
    team_members=(
        TeamMember(name="Ada", role="Founder", bio="Builds things.", photo_file_id=PHOTO),
        TeamMember(name="Lin", role="Support"),
    ),
    contact_email="hello@alora.example",
    contact_phone="+49 30 1234567",
    address="Street 1\n10115 Berlin",
    social_links={"LinkedIn": "https://linkedin.com/company/alora", "x": "https://x.com/alora"},
)


async def initialize(h: Harness, content: AboutContent = ABOUT) -> Any:
    return await h.handle(c.InitializeAboutPage(actor=h.admin(), content=content))


async def test_the_about_page_is_missing_until_initialized(h: Harness) -> None:
    with pytest.raises(AboutPageMissing):
        await h.handle(c.GetAboutPage())
    for command in (
        c.ReplaceAboutPage(actor=h.admin(), content=ABOUT, version=1),
        c.UpdateAboutPage(actor=h.admin(), changes={"title": "New"}),
    ):
        with pytest.raises(AboutPageMissing):
            await h.handle(command)


async def test_initializing_the_about_page_stores_it_cleaned(h: Harness) -> None:
    await initialize(h)
    page = await h.handle(c.GetAboutPage())
    assert page.id == ABOUT_PAGE_ID and page.version == 1
    assert page.title == "About Alora" and page.values == ["Trust", "Care"]
    assert page.team_members == [
        TeamMember(name="Ada", role="Founder", bio="Builds things.", photo_file_id=PHOTO),
        TeamMember(name="Lin", role="Support", bio="", photo_file_id=None),
    ]
    assert page.social_links == {
        "linkedin": "https://linkedin.com/company/alora", "x": "https://x.com/alora"
    }  # fmt: skip
    assert page.address == "Street 1\n10115 Berlin" and page.contact_phone == "+49 30 1234567"
    assert (page.created_at, page.updated_at, page.updated_by) == (START, START, h.admin_id)
    assert len(await h.audit("about.initialize")) == 1


async def test_the_about_page_is_initialized_once(h: Harness) -> None:
    await initialize(h)
    with pytest.raises(AboutPageExists):
        await initialize(h, evolve(ABOUT, title="Another"))
    assert (await h.handle(c.GetAboutPage())).title == "About Alora"
    with pytest.raises(Forbidden):
        await h.handle(c.InitializeAboutPage(actor=ANYONE, content=ABOUT))


async def test_the_store_itself_refuses_a_second_about_page(h: Harness) -> None:
    """What a writer that did not see the first page meets: the storage keeps one page."""
    await initialize(h)
    async with h.uow_factory() as uow:
        await uow.about.add(AboutPage.initialize(ABOUT, h.admin_id, h.clock.now()))
        with pytest.raises(Conflict):
            await uow.commit()
    assert (await h.handle(c.GetAboutPage())).title == "About Alora"


async def test_a_team_photo_is_an_image_the_editing_administrator_uploaded(h: Harness) -> None:
    ann = await h.add_user("ann")
    refused = {
        "another user's private PDF": await add_file(h.alora, ann, "application/pdf", public=False),
        "another user's image": await add_file(h.alora, ann),
        "the administrator's own PDF": await add_file(h.alora, h.admin_id, "application/pdf"),
        "no file at all": uuid.uuid4(),
    }
    for case, file_id in refused.items():
        members = (ABOUT.team_members[0], evolve(ABOUT.team_members[1], photo_file_id=file_id))
        with pytest.raises(Invalid) as raised:
            await initialize(h, evolve(ABOUT, team_members=members))
        assert [(e.field, e.code) for e in raised.value.errors] == [
            ("team_members[1].photo_file_id", "unknown-file")
        ], case
    await initialize(h)

    # A photo the page shows already stays, whoever edits; a new one is the editor's own.
    editor = Actor(user_id=await h.add_user("editor", Role.ADMIN), role=Role.ADMIN)
    update = c.UpdateAboutPage(actor=editor, changes={"title": "About us"})
    assert (await h.handle(update)).team_members[0].photo_file_id == PHOTO
    theirs = evolve(ABOUT.team_members[1], photo_file_id=await add_file(h.alora, h.admin_id))
    members = (ABOUT.team_members[0], theirs)
    with pytest.raises(Invalid):
        await h.handle(c.UpdateAboutPage(actor=editor, changes={"team_members": members}))
    own = evolve(theirs, photo_file_id=await add_file(h.alora, editor.require_user_id()))
    members = (ABOUT.team_members[0], own)
    page = await h.handle(c.UpdateAboutPage(actor=editor, changes={"team_members": members}))
    assert [m.photo_file_id for m in page.team_members] == [PHOTO, own.photo_file_id]


async def test_replacing_the_about_page_checks_the_version(h: Harness) -> None:
    await initialize(h)
    h.clock.advance(timedelta(hours=1))
    editor = await h.add_user("editor", Role.ADMIN)
    bare = AboutContent(title="About us")
    replaced = await h.handle(
        c.ReplaceAboutPage(actor=Actor(user_id=editor, role=Role.ADMIN), content=bare, version=1)
    )
    assert replaced.version == 2 and replaced.values == [] and replaced.team_members == []
    assert replaced.contact_email is None and replaced.social_links == {}
    assert (replaced.updated_at, replaced.updated_by) == (h.clock.now(), editor)
    [entry] = await h.audit("about.replace")
    assert "title" in entry.details["fields"] and "values" in entry.details["fields"]

    with pytest.raises(StaleVersion):
        await h.handle(c.ReplaceAboutPage(actor=h.admin(), content=ABOUT, version=1))
    assert (await h.handle(c.GetAboutPage())).title == "About us"
    same = await h.handle(c.ReplaceAboutPage(actor=h.admin(), content=bare, version=2))
    assert same.version == 2  # nothing changed, nothing written


async def test_updating_the_about_page_changes_the_named_fields(h: Harness) -> None:
    await initialize(h)
    updated = await h.handle(
        c.UpdateAboutPage(actor=h.admin(), changes={"mission": " Fix it. ", "values": ["One"]})
    )
    assert (updated.mission, updated.values, updated.version) == ("Fix it.", ["One"], 2)
    assert updated.title == "About Alora" and len(updated.team_members) == 2
    [entry] = await h.audit("about.update")
    assert entry.details == {"fields": ["mission", "values"]}
    with pytest.raises(StaleVersion):
        await h.handle(c.UpdateAboutPage(actor=h.admin(), changes={"title": "X"}, version=1))
    pinned = await h.handle(c.UpdateAboutPage(actor=h.admin(), changes={"title": "X"}, version=2))
    assert pinned.version == 3

    with pytest.raises(Invalid) as raised:
        await h.handle(c.UpdateAboutPage(actor=h.admin(), changes={"id": "x", "version": 1}))
    assert {e.code for e in raised.value.errors} == {"read-only"}
    with pytest.raises(Forbidden):
        await h.handle(c.UpdateAboutPage(actor=ANYONE, changes={"title": "Mine"}))


async def test_a_concurrent_change_to_the_about_page_is_a_conflict(
    h: Harness, writers_interleave: bool
) -> None:
    needs_interleaving(writers_interleave)
    await initialize(h)
    async with h.uow_factory() as uow:
        page = await uow.about.get()
        page.replace(evolve(page.content(), title="Mine"), h.admin_id, h.clock.now())
        await h.handle(c.UpdateAboutPage(actor=h.admin(), changes={"title": "Theirs"}))
        with pytest.raises(Conflict):
            await uow.commit()
    assert (await h.handle(c.GetAboutPage())).title == "Theirs"


class _ReadTogether:
    """``uow.about``, holding every writer after its read until all of them have read: each
    then sees no page and inserts one."""

    def __init__(self, about: Any, barrier: asyncio.Barrier) -> None:
        self._about = about
        self._barrier = barrier

    async def get(self) -> AboutPage | None:
        page: AboutPage | None = await self._about.get()
        await self._barrier.wait()
        return page

    async def add(self, page: AboutPage) -> None:
        await self._about.add(page)


@pytest.mark.parametrize("writers", [2, 10])
async def test_concurrent_first_writes_of_the_about_page_keep_one(
    h: Harness, writers_interleave: bool, writers: int
) -> None:
    needs_interleaving(writers_interleave)
    barrier = asyncio.Barrier(writers)

    def racing_uow() -> Any:
        uow = h.uow_factory()
        uow.about = _ReadTogether(uow.about, barrier)
        return uow

    initialize_page = h.alora.bus.commands[c.InitializeAboutPage]  # the use case, wired
    outcomes = await asyncio.gather(
        *(
            initialize_page(
                c.InitializeAboutPage(actor=h.admin(), content=evolve(ABOUT, title=f"T{i}")),
                racing_uow(),
            )
            for i in range(writers)
        ),
        return_exceptions=True,
    )
    won = [page for page in outcomes if isinstance(page, AboutPage)]
    lost = [error for error in outcomes if not isinstance(error, AboutPage)]
    assert len(won) == 1, outcomes
    assert len(lost) == writers - 1 and all(isinstance(e, AboutPageExists) for e in lost)
    page = await h.handle(c.GetAboutPage())
    assert page.id == ABOUT_PAGE_ID and page.title == won[0].title
    assert len(await h.audit("about.initialize")) == 1


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 5001}, "description"),
        ({"values": ("ok", "")}, "values[1]"),
        ({"values": tuple(f"v{i}" for i in range(21))}, "values"),
        ({"team_members": (TeamMember(name="", role="Founder"),)}, "team_members[0].name"),
        ({"team_members": (TeamMember(name="A", role="x" * 101),)}, "team_members[0].role"),
        ({"team_members": (TeamMember(name="A", role="B", bio="x" * 2001),)},
         "team_members[0].bio"),
        ({"team_members": (TeamMember(name="A", role="B"),) * 51}, "team_members"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_phone": "12"}, "contact_phone"),
        ({"address": "x" * 501}, "address"),
        ({"social_links": {"site": "http://insecure.example"}}, "social_links.site"),
        ({"social_links": {"site": "javascript:alert(1)"}}, "social_links.site"),
        ({"social_links": {"site": "https://"}}, "social_links.site"),
        ({"social_links": {"site": "https://a b.example"}}, "social_links.site"),
        ({"social_links": {"bad name!": "https://a.example"}}, "social_links.bad name!"),
        ({"social_links": {"X": "https://a.example", "x": "https://b.example"}},
         "social_links.x"),
        ({"social_links": {f"n{i}": "https://a.example" for i in range(21)}}, "social_links"),
    ],
)  # fmt: skip
async def test_an_about_page_with_a_bad_field_is_refused(
    h: Harness, changes: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(Invalid) as raised:
        await initialize(h, evolve(ABOUT, **changes))
    assert field_name in {e.field for e in raised.value.errors}
    with pytest.raises(AboutPageMissing):
        await h.handle(c.GetAboutPage())
