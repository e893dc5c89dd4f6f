"""Content over HTTP: FAQ, feedback, contact messages and the about page."""

from entrypoints.http.content.about_admin import AboutAdminController
from entrypoints.http.content.faqs import FaqController
from entrypoints.http.content.submissions import SubmissionsController
from entrypoints.http.content.submissions_admin import (
    ContactAdminController,
    FeedbackAdminController,
)

ROUTE_HANDLERS = [
    FaqController,
    SubmissionsController,
    FeedbackAdminController,
    ContactAdminController,
    AboutAdminController,
]

__all__ = [
    "ROUTE_HANDLERS",
    "AboutAdminController",
    "ContactAdminController",
    "FaqController",
    "FeedbackAdminController",
    "SubmissionsController",
]
