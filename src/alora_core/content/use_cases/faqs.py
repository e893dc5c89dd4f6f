"""The FAQ: public reading, administrators' writing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from alora_core.content import commands as c
from alora_core.content.model import Faq
from alora_core.content.ports import ContentUnitOfWork
from alora_core.content.rules import MAX_ANSWER, MAX_QUESTION, Checks
from alora_core.content.use_cases.common import ContentDeps, audit, require_admin
from alora_core.shared.errors import NotFound

FAQ_FIELDS = ("type", "question", "answer", "order", "active")


async def list_faqs(cmd: c.ListFaqs, uow: ContentUnitOfWork, deps: ContentDeps) -> list[Faq]:
    if cmd.include_inactive:
        require_admin(cmd.viewer)
    label = None
    if cmd.type is not None:
        checks = Checks()
        label = checks.faq_type("type", cmd.type)
        checks.done("the type is not a FAQ type")
    async with uow.reading():
        return await uow.faqs.list(label, cmd.include_inactive)


async def get_faq(cmd: c.GetFaq, uow: ContentUnitOfWork, deps: ContentDeps) -> Faq:
    async with uow.reading():
        faq = await uow.faqs.get(cmd.faq_id)
    if faq is None or not (faq.active or cmd.viewer.is_admin):
        raise NotFound("no such FAQ entry")
    return faq


def _checked_faq(changes: Mapping[str, Any]) -> dict[str, Any]:
    checks = Checks()
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "type":
            clean[name] = checks.faq_type(name, value)
        elif name == "question":
            clean[name] = checks.line(name, value, MAX_QUESTION)
        elif name == "answer":
            clean[name] = checks.text(name, value, MAX_ANSWER)
        elif name == "order":
            clean[name] = checks.order(name, value)
        elif name == "active":
            clean[name] = bool(value)
        else:
            checks.refuse(name, "cannot be changed", "read-only")
    checks.done("the FAQ entry has invalid fields")
    return clean


async def create_faq(cmd: c.CreateFaq, uow: ContentUnitOfWork, deps: ContentDeps) -> Faq:
    require_admin(cmd.actor)
    fields = _checked_faq({name: getattr(cmd, name) for name in FAQ_FIELDS})
    now = deps.clock.now()
    faq = Faq(**fields, created_at=now, updated_at=now)
    async with uow:
        await uow.faqs.add(faq)
        await audit(uow, deps, cmd.actor, "faq.create", ("faq", faq.id), type=faq.type)
        await uow.commit()
    return faq


async def _faq(uow: ContentUnitOfWork, faq_id: uuid.UUID) -> Faq:
    faq = await uow.faqs.get(faq_id)
    if faq is None:
        raise NotFound("no such FAQ entry")
    return faq


async def update_faq(cmd: c.UpdateFaq, uow: ContentUnitOfWork, deps: ContentDeps) -> Faq:
    """Change the named fields; 409 (``Conflict``) when a concurrent change or deletion won."""
    require_admin(cmd.actor)
    changes = _checked_faq(cmd.changes)
    async with uow:
        faq = await _faq(uow, cmd.faq_id)
        before = {name: getattr(faq, name) for name in changes}
        faq.change(changes, deps.clock.now())
        changed = sorted(name for name in changes if before[name] != changes[name])
        if changed:
            await audit(uow, deps, cmd.actor, "faq.update", ("faq", faq.id), fields=changed)
            await uow.commit()
    return faq


async def delete_faq(cmd: c.DeleteFaq, uow: ContentUnitOfWork, deps: ContentDeps) -> None:
    require_admin(cmd.actor)
    async with uow:
        faq = await _faq(uow, cmd.faq_id)
        await uow.faqs.delete(faq)
        await audit(uow, deps, cmd.actor, "faq.delete", ("faq", faq.id), question=faq.question)
        await uow.commit()
