"""Files' errors: the two ways an upload is refused."""

from __future__ import annotations

from alora_core.shared.errors import AloraError


class FileTooLarge(AloraError):
    """The upload is larger than the limit (HTTP 413)."""

    code = "payload-too-large"
    title = "Payload too large"

    def __init__(self, detail: str, max_bytes: int) -> None:
        super().__init__(detail)
        self.max_bytes = max_bytes


class UnsupportedFileType(AloraError):
    """The upload's content is not of an accepted type (HTTP 415)."""

    code = "unsupported-media-type"
    title = "Unsupported media type"
