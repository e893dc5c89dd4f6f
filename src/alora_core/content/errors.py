"""Content's domain errors."""

from __future__ import annotations

from alora_core.shared.errors import Conflict, NotFound


class AboutPageMissing(NotFound):
    code = "about-page-missing"
    title = "About page not initialized"


class AboutPageExists(Conflict):
    code = "about-page-exists"
    title = "About page exists"


class StaleVersion(Conflict):
    code = "stale-version"
    title = "Stale version"
