"""The catalog's errors."""

from __future__ import annotations

from alora_core.shared.errors import Conflict, NotFound


class ServiceNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__("no such service")


class ServiceInUse(Conflict):
    """Open bookings (pending or confirmed) use the service: it cannot be deleted yet."""

    def __init__(self) -> None:
        super().__init__(
            "open bookings (pending or confirmed) use this service; deactivate it instead, "
            "or delete it once they are over"
        )


class TitleInUse(Conflict):
    def __init__(self) -> None:
        super().__init__("another service has this title", field="title")


class StaleVersion(Conflict):
    def __init__(self, current: int) -> None:
        super().__init__(
            f"the service was changed since (it is at version {current}); reload it and "
            "apply the change again",
            field="version",
        )
