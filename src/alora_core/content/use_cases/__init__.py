"""Content's use cases, one async function per command.

Reading FAQ entries and the about page is public; sending feedback and contact messages is
open to anyone, limited per client address; everything else is for administrators, and each of
their changes is written to the audit log in the transaction that makes it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from alora_core.content import commands as c
from alora_core.content.use_cases.about import (
    get_about_page,
    initialize_about_page,
    replace_about_page,
    update_about_page,
)
from alora_core.content.use_cases.common import ContentConfig, ContentDeps
from alora_core.content.use_cases.faqs import (
    create_faq,
    delete_faq,
    get_faq,
    list_faqs,
    update_faq,
)
from alora_core.content.use_cases.messages import (
    delete_contact_message,
    delete_feedback,
    get_contact_message,
    get_feedback,
    handle_contact_message,
    list_contact_messages,
    list_feedback,
    send_contact_message,
    set_feedback_status,
    submit_feedback,
)

__all__ = ["USE_CASES", "ContentConfig", "ContentDeps", "command_handlers"]

USE_CASES: dict[type, Callable[..., Any]] = {
    c.ListFaqs: list_faqs,
    c.GetFaq: get_faq,
    c.CreateFaq: create_faq,
    c.UpdateFaq: update_faq,
    c.DeleteFaq: delete_faq,
    c.SubmitFeedback: submit_feedback,
    c.ListFeedback: list_feedback,
    c.GetFeedback: get_feedback,
    c.SetFeedbackStatus: set_feedback_status,
    c.DeleteFeedback: delete_feedback,
    c.SendContactMessage: send_contact_message,
    c.ListContactMessages: list_contact_messages,
    c.GetContactMessage: get_contact_message,
    c.HandleContactMessage: handle_contact_message,
    c.DeleteContactMessage: delete_contact_message,
    c.GetAboutPage: get_about_page,
    c.InitializeAboutPage: initialize_about_page,
    c.ReplaceAboutPage: replace_about_page,
    c.UpdateAboutPage: update_about_page,
}


def command_handlers(deps: ContentDeps) -> dict[type, Callable[..., Any]]:
    """Each content command bound to its use case and the context's dependencies."""
    return {command: partial(use_case, deps=deps) for command, use_case in USE_CASES.items()}
