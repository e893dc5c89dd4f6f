"""What reading a file gives besides its metadata."""

from __future__ import annotations

from attrs import frozen

from alora_core.files.model import StoredFile
from alora_core.shared.storage import Content


@frozen
class Download:
    file: StoredFile
    content: Content | None
    """The bytes, open: the caller closes them. None when the caller has this version already
    (``DownloadFile.cached``)."""
