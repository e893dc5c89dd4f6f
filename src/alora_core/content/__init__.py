"""Content: FAQ, feedback, contact messages and the about page.

Importable from here: the commands, the errors, and the models the commands return.
"""

from alora_core.content.commands import (
    CreateFaq,
    DeleteContactMessage,
    DeleteFaq,
    DeleteFeedback,
    GetAboutPage,
    GetContactMessage,
    GetFaq,
    GetFeedback,
    HandleContactMessage,
    InitializeAboutPage,
    ListContactMessages,
    ListFaqs,
    ListFeedback,
    ReplaceAboutPage,
    SendContactMessage,
    SetFeedbackStatus,
    SubmitFeedback,
    UpdateAboutPage,
    UpdateFaq,
)
from alora_core.content.errors import AboutPageExists, AboutPageMissing, StaleVersion
from alora_core.content.model import (
    AboutContent,
    AboutPage,
    ContactMessage,
    ContactStatus,
    Faq,
    Feedback,
    FeedbackStatus,
    TeamMember,
)
from alora_core.content.statistics import ContentFigures

__all__ = [
    "AboutContent",
    "AboutPage",
    "AboutPageExists",
    "AboutPageMissing",
    "ContactMessage",
    "ContactStatus",
    "ContentFigures",
    "CreateFaq",
    "DeleteContactMessage",
    "DeleteFaq",
    "DeleteFeedback",
    "Faq",
    "Feedback",
    "FeedbackStatus",
    "GetAboutPage",
    "GetContactMessage",
    "GetFaq",
    "GetFeedback",
    "HandleContactMessage",
    "InitializeAboutPage",
    "ListContactMessages",
    "ListFaqs",
    "ListFeedback",
    "ReplaceAboutPage",
    "SendContactMessage",
    "SetFeedbackStatus",
    "StaleVersion",
    "SubmitFeedback",
    "TeamMember",
    "UpdateAboutPage",
    "UpdateFaq",
]
