"""Content's domain errors."""

from __future__ import annotations

from alora_core.shared.errors import Conflict, NotFound


class AboutPageMissing(NotFound):
    """The about page is not written yet: an administrator initializes it first."""

    code = "about-page-missing"
    title = "About page not initialized"


class AboutPageExists(Conflict):
    """The about page is written already: replace or update it."""

    code = "about-page-exists"
    title = "About page exists"


class StaleVersion(Conflict):
    """The page changed since the `version` sent: reload it and apply the change again."""

    code = "stale-version"
    title = "Stale version"
