"""Feedback and contact messages: anyone sends them (limited per client address);
administrators list, handle and delete them."""

from __future__ import annotations

import uuid

from alora_core.content import commands as c
from alora_core.content.model import (
    ContactMessage,
    Feedback,
)
from alora_core.content.ports import ContentUnitOfWork
from alora_core.content.rules import (
    MAX_MESSAGE,
    MAX_NAME,
    MAX_NOTE,
    MAX_SUBJECT,
    Checks,
)
from alora_core.content.use_cases.common import ContentDeps, audit, require_admin, within_limit
from alora_core.shared.errors import Invalid, NotFound
from alora_core.shared.pagination import Page, PageRequest


async def submit_feedback(
    cmd: c.SubmitFeedback, uow: ContentUnitOfWork, deps: ContentDeps
) -> Feedback:
    checks = Checks()
    rating = checks.rating("rating", cmd.rating)
    subject = checks.line("subject", cmd.subject, MAX_SUBJECT)
    message = checks.text("message", cmd.message, MAX_MESSAGE)
    name = checks.line("name", cmd.name, MAX_NAME)
    email = checks.email("email", cmd.email)
    checks.done("the feedback has invalid fields")
    await within_limit(
        deps, f"content:feedback:ip:{cmd.ip}", deps.config.feedback_limit, "feedback messages"
    )
    now = deps.clock.now()
    feedback = Feedback(
        rating=rating,
        subject=subject,
        message=message,
        name=name,
        email=email,
        user_id=cmd.actor.user_id,
        created_at=now,
        updated_at=now,
    )
    async with uow:
        await uow.feedback.add(feedback)
        await uow.commit()
    return feedback


async def list_feedback(
    cmd: c.ListFeedback, uow: ContentUnitOfWork, deps: ContentDeps
) -> Page[Feedback]:
    require_admin(cmd.actor)
    page = PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        return await uow.feedback.page(cmd.status, page)


async def _feedback(uow: ContentUnitOfWork, feedback_id: uuid.UUID) -> Feedback:
    feedback = await uow.feedback.get(feedback_id)
    if feedback is None:
        raise NotFound("no such feedback")
    return feedback


async def get_feedback(cmd: c.GetFeedback, uow: ContentUnitOfWork, deps: ContentDeps) -> Feedback:
    require_admin(cmd.actor)
    async with uow.reading():
        return await _feedback(uow, cmd.feedback_id)


async def set_feedback_status(
    cmd: c.SetFeedbackStatus, uow: ContentUnitOfWork, deps: ContentDeps
) -> Feedback:
    require_admin(cmd.actor)
    async with uow:
        feedback = await _feedback(uow, cmd.feedback_id)
        before = feedback.status
        if feedback.set_status(cmd.status, deps.clock.now()):
            await audit(
                uow, deps, cmd.actor, "feedback.update", ("feedback", feedback.id),
                status_from=before.value, status_to=cmd.status.value,
            )  # fmt: skip
            await uow.commit()
    return feedback


async def delete_feedback(cmd: c.DeleteFeedback, uow: ContentUnitOfWork, deps: ContentDeps) -> None:
    require_admin(cmd.actor)
    async with uow:
        feedback = await _feedback(uow, cmd.feedback_id)
        await uow.feedback.delete(feedback)
        await audit(uow, deps, cmd.actor, "feedback.delete", ("feedback", feedback.id))
        await uow.commit()


# --- contact messages ----------------------------------------------------------------------------


async def send_contact_message(
    cmd: c.SendContactMessage, uow: ContentUnitOfWork, deps: ContentDeps
) -> ContactMessage:
    """Store the message; its ``ContactReceived`` event emails the administrators."""
    checks = Checks()
    name = checks.line("name", cmd.name, MAX_NAME)
    email = checks.email("email", cmd.email)
    phone = checks.phone("phone", cmd.phone)
    subject = checks.line("subject", cmd.subject, MAX_SUBJECT)
    text = checks.text("message", cmd.message, MAX_MESSAGE)
    checks.done("the message has invalid fields")
    await within_limit(
        deps, f"content:contact:ip:{cmd.ip}", deps.config.contact_limit, "contact messages"
    )
    message = ContactMessage.receive(
        name=name,
        email=email,
        phone=phone,
        subject=subject,
        message=text,
        user_id=cmd.actor.user_id,
        now=deps.clock.now(),
    )
    async with uow:
        await uow.contact_messages.add(message)
        await uow.commit()
    return message


async def list_contact_messages(
    cmd: c.ListContactMessages, uow: ContentUnitOfWork, deps: ContentDeps
) -> Page[ContactMessage]:
    require_admin(cmd.actor)
    page = PageRequest(cmd.page, cmd.page_size)
    async with uow.reading():
        return await uow.contact_messages.page(cmd.status, page)


async def _message(uow: ContentUnitOfWork, message_id: uuid.UUID) -> ContactMessage:
    message = await uow.contact_messages.get(message_id)
    if message is None:
        raise NotFound("no such contact message")
    return message


async def get_contact_message(
    cmd: c.GetContactMessage, uow: ContentUnitOfWork, deps: ContentDeps
) -> ContactMessage:
    require_admin(cmd.actor)
    async with uow.reading():
        return await _message(uow, cmd.message_id)


async def handle_contact_message(
    cmd: c.HandleContactMessage, uow: ContentUnitOfWork, deps: ContentDeps
) -> ContactMessage:
    require_admin(cmd.actor)
    if cmd.status is None and cmd.note is None:
        raise Invalid.field("status", "give a status, a note or both", "required")
    note = None
    if cmd.note is not None:
        checks = Checks()
        note = checks.text("note", cmd.note, MAX_NOTE, required=False)
        checks.done("the note is invalid")
    async with uow:
        message = await _message(uow, cmd.message_id)
        before = message.status
        if message.handle(cmd.status, note, deps.clock.now()):
            await audit(
                uow, deps, cmd.actor, "contact_message.update",
                ("contact_message", message.id),
                status_from=before.value, status_to=message.status.value,
                note_changed=note is not None,
            )  # fmt: skip
            await uow.commit()
    return message


async def delete_contact_message(
    cmd: c.DeleteContactMessage, uow: ContentUnitOfWork, deps: ContentDeps
) -> None:
    require_admin(cmd.actor)
    async with uow:
        message = await _message(uow, cmd.message_id)
        await uow.contact_messages.delete(message)
        await audit(uow, deps, cmd.actor, "contact_message.delete", ("contact_message", message.id))
        await uow.commit()
