"""Content's request and response bodies and parameters: camelCase on the wire.

The bounds here keep oversized input away from the core; the core checks the finer rules
(one-line fields, email and phone shapes, https links) and names every field it refuses.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar.params import PathParameter, QueryParameter
from msgspec import UNSET, Meta, UnsetType

from alora_core.content import rules as r
from alora_core.content.model import (
    ABOUT_FIELDS,
    AboutContent,
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
    TeamMember,
)
from alora_core.shared.pagination import Page
from entrypoints.http import examples
from entrypoints.http.identity.schemas import NO_NUL, text
from entrypoints.http.schemas import PageTotals, RequestSchema, ResponseSchema, page_totals


def _id_segment(what: str) -> PathParameter:
    # Documented as a UUID but read as text: anything else is a 404, like an unknown id.
    return PathParameter(
        format="uuid", description=f"The {what}'s id, a UUID; anything else answers 404."
    )


FaqIdPath = Annotated[str, _id_segment("FAQ entry")]
FeedbackIdPath = Annotated[str, _id_segment("feedback")]
ContactMessageIdPath = Annotated[str, _id_segment("contact message")]

FaqTypeFilter = Annotated[
    str | None,
    QueryParameter(
        max_length=64, pattern=NO_NUL, description="Only entries of this type (e.g. `booking`)."
    ),
]
IncludeInactive = Annotated[
    bool,
    QueryParameter(
        name="includeInactive",
        description="Administrators only: list inactive entries too.",
    ),
]
FeedbackStatusFilter = Annotated[
    FeedbackStatus | None, QueryParameter(description="Only feedback with this status.")
]
ContactStatusFilter = Annotated[
    ContactStatus | None, QueryParameter(description="Only messages with this status.")
]

FaqType = Annotated[
    str,
    text(
        r.MAX_FAQ_TYPE,
        examples=["booking"],
        description="A short category label: a-z, 0-9, `-` and `_` (stored lower-cased), "
        "e.g. `general`, `booking`, `payment`, `account`.",
    ),
]
Question = Annotated[str, text(r.MAX_QUESTION, examples=["How do I book a professional?"])]
Answer = Annotated[str, text(r.MAX_ANSWER, examples=["Pick a free slot and send the request."])]
Order = Annotated[
    int, Meta(ge=0, le=r.MAX_FAQ_ORDER, description="Position within the type, lowest first.")
]
Name = Annotated[str, text(r.MAX_NAME, examples=["Ada Lovelace"])]
Email = Annotated[str, text(r.MAX_EMAIL, examples=["ada@example.com"])]
Phone = Annotated[str, text(r.MAX_PHONE, examples=["+49 30 1234567"])]
Subject = Annotated[str, text(r.MAX_SUBJECT, examples=["A question about prices"])]
Message = Annotated[str, text(r.MAX_MESSAGE, description="Line breaks are kept.")]
Rating = Annotated[int, Meta(ge=1, le=5, description="1 (poor) to 5 (excellent).")]
Note = Annotated[str, text(r.MAX_NOTE, description="The team's own remark; empty clears it.")]


# --- FAQ ------------------------------------------------------------------------------------------


class FaqResponse(ResponseSchema):
    id: uuid.UUID
    type: str
    question: str
    answer: str
    order: int
    active: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, faq: Faq) -> FaqResponse:
        return cls(
            id=faq.id,
            type=faq.type,
            question=faq.question,
            answer=faq.answer,
            order=faq.order,
            active=faq.active,
            created_at=faq.created_at,
            updated_at=faq.updated_at,
        )


class FaqList(ResponseSchema):
    """Ordered by type, then order."""

    items: list[FaqResponse]

    @classmethod
    def of(cls, faqs: list[Faq]) -> FaqList:
        return cls(items=[FaqResponse.of(faq) for faq in faqs])


class CreateFaqRequest(RequestSchema):
    example = examples.CREATE_FAQ
    type: FaqType
    question: Question
    answer: Answer
    order: Order = 0
    active: bool = True


class UpdateFaqRequest(RequestSchema):
    """Only the fields present change."""

    example = examples.UPDATE_FAQ
    type: FaqType | UnsetType = UNSET
    question: Question | UnsetType = UNSET
    answer: Answer | UnsetType = UNSET
    order: Order | UnsetType = UNSET
    active: bool | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        return _present(self, ("type", "question", "answer", "order", "active"))


def _present(struct: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(struct, name) for name in names if getattr(struct, name) is not UNSET}


# --- feedback and contact messages ---------------------------------------------------------------


class SubmittedResponse(ResponseSchema):
    """What the sender learns: their message is stored under this id."""

    id: uuid.UUID
    created_at: datetime


class FeedbackRequest(RequestSchema):
    example = examples.FEEDBACK
    rating: Rating
    subject: Subject
    message: Message
    name: Name
    email: Email


class FeedbackResponse(ResponseSchema):
    id: uuid.UUID
    rating: int
    subject: str
    message: str
    name: str
    email: str
    user_id: Annotated[
        uuid.UUID | None, Meta(description="The sender's account, when they were signed in.")
    ]
    status: FeedbackStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, feedback: Feedback) -> FeedbackResponse:
        return cls(
            id=feedback.id,
            rating=feedback.rating,
            subject=feedback.subject,
            message=feedback.message,
            name=feedback.name,
            email=feedback.email,
            user_id=feedback.user_id,
            status=feedback.status,
            created_at=feedback.created_at,
            updated_at=feedback.updated_at,
        )


class FeedbackPage(PageTotals):
    items: list[FeedbackResponse]

    @classmethod
    def of(cls, page: Page[Feedback]) -> FeedbackPage:
        return cls(items=[FeedbackResponse.of(f) for f in page.items], **page_totals(page))


class FeedbackStatusRequest(RequestSchema):
    example = examples.FEEDBACK_STATUS
    status: FeedbackStatus


class ContactRequest(RequestSchema):
    example = examples.CONTACT
    name: Name
    email: Email
    subject: Subject
    message: Message
    phone: Phone | None = None


class ContactMessageResponse(ResponseSchema):
    id: uuid.UUID
    name: str
    email: str
    phone: str | None
    subject: str
    message: str
    user_id: Annotated[
        uuid.UUID | None, Meta(description="The sender's account, when they were signed in.")
    ]
    status: ContactStatus
    note: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, message: ContactMessage) -> ContactMessageResponse:
        return cls(
            id=message.id,
            name=message.name,
            email=message.email,
            phone=message.phone,
            subject=message.subject,
            message=message.message,
            user_id=message.user_id,
            status=message.status,
            note=message.note,
            created_at=message.created_at,
            updated_at=message.updated_at,
        )


class ContactMessagePage(PageTotals):
    items: list[ContactMessageResponse]

    @classmethod
    def of(cls, page: Page[ContactMessage]) -> ContactMessagePage:
        return cls(items=[ContactMessageResponse.of(x) for x in page.items], **page_totals(page))


class HandleContactRequest(RequestSchema):
    """A status, a note or both."""

    example = examples.HANDLE_CONTACT
    status: ContactStatus | UnsetType = UNSET
    note: Note | UnsetType = UNSET


# --- the about page ------------------------------------------------------------------------------

Title = Annotated[str, text(r.MAX_TITLE, examples=["About Alora"])]
AboutText = Annotated[str, text(r.MAX_ABOUT_TEXT)]
Values = Annotated[
    list[Annotated[str, text(r.MAX_VALUE)]],
    Meta(max_length=r.MAX_VALUES, examples=[["Trust", "Care"]]),
]
Address = Annotated[str, text(r.MAX_ADDRESS, examples=["Street 1\n10115 Berlin"])]
SocialLinks = Annotated[
    dict[Annotated[str, text(r.MAX_LINK_NAME)], Annotated[str, text(r.MAX_URL)]],
    Meta(
        max_length=r.MAX_SOCIAL_LINKS,
        description="Network name (a-z, 0-9, `.`, `-`, `_`; stored lower-cased) to an "
        "https:// URL.",
        examples=[{"linkedin": "https://www.linkedin.com/company/alora"}],
    ),
]


class TeamMemberSchema(RequestSchema):
    name: Name
    role: Annotated[str, text(r.MAX_ROLE, examples=["Founder"])]
    bio: Annotated[str, text(r.MAX_BIO)] = ""
    photo_file_id: Annotated[
        uuid.UUID | None,
        Meta(
            description="An image the editing administrator uploaded with `POST "
            "/api/v1/files`, or one the page shows already."
        ),
    ] = None

    def to_domain(self) -> TeamMember:
        return TeamMember(
            name=self.name, role=self.role, bio=self.bio, photo_file_id=self.photo_file_id
        )

    @classmethod
    def of(cls, member: TeamMember) -> TeamMemberSchema:
        return cls(
            name=member.name, role=member.role, bio=member.bio, photo_file_id=member.photo_file_id
        )


TeamMembers = Annotated[list[TeamMemberSchema], Meta(max_length=r.MAX_TEAM)]


class AboutRequest(RequestSchema):
    """The whole page; a field left out takes its default (empty)."""

    example = examples.ABOUT
    title: Title
    description: AboutText = ""
    mission: AboutText = ""
    vision: AboutText = ""
    values: Values = msgspec.field(default_factory=list)
    team_members: TeamMembers = msgspec.field(default_factory=list)
    contact_email: Email | None = None
    contact_phone: Phone | None = None
    address: Address = ""
    social_links: SocialLinks = msgspec.field(default_factory=dict)

    def to_domain(self) -> AboutContent:
        return AboutContent(
            title=self.title,
            description=self.description,
            mission=self.mission,
            vision=self.vision,
            values=tuple(self.values),
            team_members=tuple(member.to_domain() for member in self.team_members),
            contact_email=self.contact_email,
            contact_phone=self.contact_phone,
            address=self.address,
            social_links=dict(self.social_links),
        )


class ReplaceAboutRequest(AboutRequest, kw_only=True):
    example = examples.REPLACE_ABOUT
    version: Annotated[
        int, Meta(ge=1, description="The version this replaces, as last read (else 409).")
    ]


class UpdateAboutRequest(RequestSchema):
    """Only the fields present change; with ``version``, only while the page is at it."""

    example = examples.UPDATE_ABOUT
    title: Title | UnsetType = UNSET
    description: AboutText | UnsetType = UNSET
    mission: AboutText | UnsetType = UNSET
    vision: AboutText | UnsetType = UNSET
    values: Values | UnsetType = UNSET
    team_members: TeamMembers | UnsetType = UNSET
    contact_email: Email | UnsetType | None = UNSET
    contact_phone: Phone | UnsetType | None = UNSET
    address: Address | UnsetType = UNSET
    social_links: SocialLinks | UnsetType = UNSET
    version: Annotated[int, Meta(ge=1)] | UnsetType = UNSET

    def changes(self) -> dict[str, Any]:
        changes = _present(self, ABOUT_FIELDS)
        if "values" in changes:
            changes["values"] = tuple(changes["values"])
        if "team_members" in changes:
            changes["team_members"] = tuple(t.to_domain() for t in changes["team_members"])
        return changes


class AboutResponse(ResponseSchema):
    title: str
    description: str
    mission: str
    vision: str
    values: list[str]
    team_members: list[TeamMemberSchema]
    contact_email: str | None
    contact_phone: str | None
    address: str
    social_links: dict[str, str]
    version: Annotated[int, Meta(description="Send it back with `PUT` to replace the page.")]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, page: AboutPage) -> AboutResponse:
        return cls(
            title=page.title,
            description=page.description,
            mission=page.mission,
            vision=page.vision,
            values=list(page.values),
            team_members=[TeamMemberSchema.of(member) for member in page.team_members],
            contact_email=page.contact_email,
            contact_phone=page.contact_phone,
            address=page.address,
            social_links=dict(page.social_links),
            version=page.version,
            created_at=page.created_at,
            updated_at=page.updated_at,
        )
