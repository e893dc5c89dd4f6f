"""Files: uploads recognized by their bytes, kept in the platform's object storage.

Importable from here: the commands, the errors, and the models the commands return.
"""

from alora_core.files.commands import (
    DeleteFile,
    DownloadFile,
    GetFile,
    ReplaceFile,
    UploadFile,
)
from alora_core.files.errors import FileTooLarge, UnsupportedFileType
from alora_core.files.model import StoredFile
from alora_core.files.queries import Download
from alora_core.files.statistics import FileFigures

__all__ = [
    "DeleteFile",
    "Download",
    "DownloadFile",
    "FileFigures",
    "FileTooLarge",
    "GetFile",
    "ReplaceFile",
    "StoredFile",
    "UnsupportedFileType",
    "UploadFile",
]
