"""Files' response body and path parameter: camelCase on the wire."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from litestar.params import PathParameter
from msgspec import Meta

from alora_core.files.model import StoredFile
from entrypoints.http.schemas import ResponseSchema

FileIdPath = Annotated[
    str,
    PathParameter(
        format="uuid",
        description="The file's id, a UUID; anything else answers 404, as does a file the "
        "caller may not see (or change).",
    ),
]


class FileResponse(ResponseSchema):
    """A stored file's metadata."""

    id: uuid.UUID
    owner_id: uuid.UUID
    content_type: Annotated[
        str,
        Meta(
            description="Recognized from the content: image/jpeg, image/png, image/gif, "
            "image/webp or application/pdf.",
            examples=["image/png"],
        ),
    ]
    size: Annotated[int, Meta(description="In bytes.")]
    sha256: Annotated[str, Meta(description="Hex digest of the content; the download's ETag.")]
    filename: Annotated[
        str,
        Meta(
            description="The uploaded name, cleaned, with the extension of the content type.",
            examples=["kitchen.png"],
        ),
    ]
    public: Annotated[bool, Meta(description="Anyone may download it; else owner and admins.")]
    url: Annotated[str, Meta(description="Where to download it.")]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, file: StoredFile) -> FileResponse:
        return cls(
            id=file.id,
            owner_id=file.owner_id,
            content_type=file.content_type,
            size=file.size,
            sha256=file.sha256,
            filename=file.filename,
            public=file.public,
            url=f"/api/v1/files/{file.id}",
            created_at=file.created_at.astimezone(UTC),
            updated_at=file.updated_at.astimezone(UTC),
        )
