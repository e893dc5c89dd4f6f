"""The about page: public reading; administrators initialize it once, then replace or update
it, each change naming the version it changes."""

from __future__ import annotations

from attrs import evolve

from alora_core.content import commands as c
from alora_core.content.errors import AboutPageExists, AboutPageMissing, StaleVersion
from alora_core.content.model import ABOUT_FIELDS, AboutContent, AboutPage, checked_about
from alora_core.content.ports import ContentUnitOfWork
from alora_core.content.use_cases.common import ContentDeps, audit, require_admin
from alora_core.shared.actor import Actor
from alora_core.shared.errors import Conflict, FieldError, Invalid


async def get_about_page(
    cmd: c.GetAboutPage, uow: ContentUnitOfWork, deps: ContentDeps
) -> AboutPage:
    async with uow.reading():
        page = await uow.about.get()
    if page is None:
        raise AboutPageMissing("the about page is not written yet")
    return page


async def initialize_about_page(
    cmd: c.InitializeAboutPage, uow: ContentUnitOfWork, deps: ContentDeps
) -> AboutPage:
    """Write the page the first time. Of two concurrent first writes, the database keeps one;
    the other is refused like any later one (``AboutPageExists``)."""
    require_admin(cmd.actor)
    content = checked_about(cmd.content)
    exists = AboutPageExists("the about page exists already; replace or update it")
    async with uow:
        if await uow.about.get() is not None:
            raise exists
        await _check_photos(uow, cmd.actor, content, None)
        page = AboutPage.initialize(content, cmd.actor.require_user_id(), deps.clock.now())
        await uow.about.add(page)
        await audit(uow, deps, cmd.actor, "about.initialize", ("about", page.id))
        try:
            await uow.commit()
        except Conflict:
            raise exists from None
    return page


async def _check_photos(
    uow: ContentUnitOfWork, actor: Actor, content: AboutContent, page: AboutPage | None
) -> None:
    """A team member's new photo is an image the editing administrator uploaded (anyone else's
    file is refused like an unknown one); photos the page shows already stay as they are."""
    shown = {member.photo_file_id for member in page.team_members} if page else set()
    new = [
        (index, member.photo_file_id)
        for index, member in enumerate(content.team_members)
        if member.photo_file_id is not None and member.photo_file_id not in shown
    ]
    if not new:
        return
    images = await uow.own_images.images_of(actor.require_user_id(), {i for _, i in new})
    errors = [
        FieldError(
            f"team_members[{index}].photo_file_id", "is not an image you uploaded", "unknown-file"
        )
        for index, file_id in new
        if file_id not in images
    ]
    if errors:
        raise Invalid("the about page has invalid fields", errors)


async def _about_to_change(uow: ContentUnitOfWork, version: int | None) -> AboutPage:
    page = await uow.about.get()
    if page is None:
        raise AboutPageMissing("the about page is not written yet; initialize it first")
    if version is not None and version != page.version:
        raise StaleVersion(
            f"the about page is at version {page.version}, not {version}; read it again"
        )
    return page


async def _replace(
    uow: ContentUnitOfWork,
    deps: ContentDeps,
    page: AboutPage,
    content: AboutContent,
    actor: Actor,
    action: str,
) -> AboutPage:
    await _check_photos(uow, actor, content, page)
    version = page.version
    before = page.content()
    if page.replace(content, actor.require_user_id(), deps.clock.now()):
        fields = sorted(n for n in ABOUT_FIELDS if getattr(before, n) != getattr(content, n))
        await audit(uow, deps, actor, action, ("about", page.id), fields=fields)
        try:
            await uow.commit()
        except Conflict:
            raise StaleVersion(
                f"the about page changed after version {version}; read it again"
            ) from None
    return page


async def replace_about_page(
    cmd: c.ReplaceAboutPage, uow: ContentUnitOfWork, deps: ContentDeps
) -> AboutPage:
    require_admin(cmd.actor)
    content = checked_about(cmd.content)
    async with uow:
        page = await _about_to_change(uow, cmd.version)
        return await _replace(uow, deps, page, content, cmd.actor, "about.replace")


async def update_about_page(
    cmd: c.UpdateAboutPage, uow: ContentUnitOfWork, deps: ContentDeps
) -> AboutPage:
    require_admin(cmd.actor)
    unknown = [name for name in cmd.changes if name not in ABOUT_FIELDS]
    if unknown:
        raise Invalid(
            "some fields cannot be changed",
            [FieldError(name, "cannot be changed", "read-only") for name in unknown],
        )
    async with uow:
        page = await _about_to_change(uow, cmd.version)
        content = checked_about(evolve(page.content(), **cmd.changes))
        return await _replace(uow, deps, page, content, cmd.actor, "about.update")
