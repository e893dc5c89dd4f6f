"""Content over HTTP: FAQ, feedback, contact messages and the about page."""

from entrypoints.http.content.routes import (
    AboutAdminController,
    ContactAdminController,
    FaqController,
    FeedbackAdminController,
    SubmissionsController,
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
