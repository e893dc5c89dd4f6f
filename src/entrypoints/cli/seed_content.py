"""The content module's part of ``alora seed demo``: a few FAQ entries and the about page,
written by the demo administrator through the message bus."""

from __future__ import annotations

from alora_core.content import commands as content
from alora_core.content.errors import AboutPageExists
from alora_core.content.model import AboutContent, TeamMember
from alora_core.shared.actor import Role
from entrypoints.cli.seed import Demo
from entrypoints.cli.seed_actors import ADMIN, acting

FAQS = (
    ("booking", "How do I book a professional?",
     "Open a professional's profile, choose a service and one of the open times, shown in "
     "the professional's time zone, and send the request. The professional confirms or "
     "declines it, and you are notified either way."),
    ("booking", "Can I cancel a booking?",
     "Yes, while it is pending or confirmed. A cancellation less than 24 hours before the "
     "start is recorded as late."),
    ("payment", "How are prices set?",
     "Each professional sets an hourly rate in euros; a booking costs the rate times its "
     "duration."),
    ("general", "How do reviews work?",
     "Once a booking is completed, its customer may rate it from 1 to 5 stars and write a "
     "comment. The professional may reply publicly."),
)  # fmt: skip

ABOUT = AboutContent(
    title="About Alora",
    description="Alora connects people with trusted local professionals for work at home.",
    mission="Make booking a plumber as easy as booking a table.",
    vision="Every neighbourhood's craftspeople, one tap away.",
    values=("Trust", "Fair prices", "Work done well"),
    team_members=(TeamMember(name="Root Admin", role="Operations"),),
    contact_email="hello@demo.alora.local",
)


async def seed_content(demo: Demo) -> list[str]:
    """The FAQ (when it is empty) and the about page (when there is none)."""
    alora, admin = demo.alora, acting(demo.accounts[ADMIN], Role.ADMIN)
    made = []
    faqs = await alora.bus.handle(content.ListFaqs(include_inactive=True, viewer=admin))
    if not faqs:
        for order, (kind, question, answer) in enumerate(FAQS):
            await alora.bus.handle(
                content.CreateFaq(
                    actor=admin,
                    type=kind,
                    question=question,
                    answer=answer,
                    order=order,
                )
            )
        made.append(f"{len(FAQS)} FAQ entries")
    try:
        await alora.bus.handle(content.InitializeAboutPage(actor=admin, content=ABOUT))
        made.append("the about page")
    except AboutPageExists:
        pass
    return ["Content: " + ", ".join(made)] if made else []
