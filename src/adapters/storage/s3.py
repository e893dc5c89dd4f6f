"""Files' bytes in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2 ...), through boto3.

boto3 blocks, so every call runs on a worker thread (its clients are thread-safe). A put
streams: up to ``part_bytes`` it is one ``PutObject``; beyond, a multipart upload sends each
part as it fills up (one part in memory at a time) and is aborted when anything fails, so a
key never holds part of a content. A read streams the object's body in chunks. Deleting an
owner's contents lists the objects under their prefix a page at a time and deletes them in
``DeleteObjects`` batches, then aborts the multipart uploads left open there.

``endpoint_url`` selects an S3-compatible service (path-style addressing, which they all
understand); without credentials boto3 finds them itself (environment, profile, instance role).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterable, AsyncIterator, Callable
from typing import Any, TypeVar

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from adapters.storage.keys import checked_key
from adapters.storage.reading import ThreadedContent
from alora_core.shared.storage import ContentMissing, StorageUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")

PART_BYTES = 8 * 1024 * 1024
"""Size of a multipart upload's parts (S3 wants at least 5 MiB for all but the last)."""
DELETE_BATCH = 1000
"""Keys per ``DeleteObjects`` request (S3 takes at most 1000) and per page of a listing."""
_MISSING = frozenset({"404", "NoSuchKey", "NotFound", "NoSuchUpload"})


class S3FileStorage:
    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        part_bytes: int = PART_BYTES,
        delete_batch: int = DELETE_BATCH,
        client: Any = None,
    ) -> None:
        if not 1 <= delete_batch <= DELETE_BATCH:
            raise ValueError(f"delete_batch must be between 1 and {DELETE_BATCH}")
        self.bucket = bucket
        self._part_bytes = part_bytes
        self._delete_batch = delete_batch
        self._client = client or boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(
                connect_timeout=5,
                read_timeout=60,
                retries={"max_attempts": 3, "mode": "standard"},
                s3={"addressing_style": "path" if endpoint_url else "auto"},
            ),
        )

    async def put(self, key: str, chunks: AsyncIterable[bytes], content_type: str) -> None:
        key = checked_key(key)
        buffer = bytearray()
        upload_id: str | None = None
        parts: list[dict[str, Any]] = []
        try:
            async for chunk in chunks:
                buffer += chunk
                while len(buffer) >= self._part_bytes:
                    if upload_id is None:
                        upload_id = await self._start_multipart(key, content_type)
                    part, buffer = bytes(buffer[: self._part_bytes]), buffer[self._part_bytes :]
                    parts.append(await self._upload_part(key, upload_id, len(parts) + 1, part))
            if upload_id is None:
                await self._call(
                    self._client.put_object,
                    Bucket=self.bucket,
                    Key=key,
                    Body=bytes(buffer),
                    ContentType=content_type,
                )
                return
            if buffer:
                parts.append(await self._upload_part(key, upload_id, len(parts) + 1, bytes(buffer)))
            await self._call(
                self._client.complete_multipart_upload,
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                await asyncio.shield(self._abort(key, upload_id))
            raise

    async def _start_multipart(self, key: str, content_type: str) -> str:
        started = await self._call(
            self._client.create_multipart_upload,
            Bucket=self.bucket,
            Key=key,
            ContentType=content_type,
        )
        return str(started["UploadId"])

    async def _upload_part(
        self, key: str, upload_id: str, number: int, body: bytes
    ) -> dict[str, Any]:
        done = await self._call(
            self._client.upload_part,
            Bucket=self.bucket,
            Key=key,
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
        )
        return {"ETag": done["ETag"], "PartNumber": number}

    async def _abort(self, key: str, upload_id: str) -> None:
        try:
            await asyncio.to_thread(
                self._client.abort_multipart_upload,
                Bucket=self.bucket,
                Key=key,
                UploadId=upload_id,
            )
        except (BotoCoreError, ClientError):
            logger.warning(
                "could not abort a multipart upload; the bucket's lifecycle rules must end it",
                extra={"key": key},
                exc_info=True,
            )

    async def open(self, key: str) -> ThreadedContent:
        try:
            found = await self._call(
                self._client.get_object, Bucket=self.bucket, Key=checked_key(key)
            )
        except _Missing:
            raise ContentMissing(key) from None
        body = found["Body"]
        return ThreadedContent(body.read, body.close, _unavailable)

    async def delete(self, key: str) -> None:
        # Some S3-compatible services answer 404 where S3 answers 204.
        with contextlib.suppress(_Missing):
            await self._call(self._client.delete_object, Bucket=self.bucket, Key=checked_key(key))

    async def exists(self, key: str) -> bool:
        try:
            await self._call(self._client.head_object, Bucket=self.bucket, Key=checked_key(key))
        except _Missing:
            return False
        return True

    async def delete_owned(self, owner_id: uuid.UUID) -> int:
        prefix = f"{owner_id}/"
        removed = 0
        pending: list[str] = []
        async for page in self._pages("list_objects_v2", Prefix=prefix):
            pending.extend(str(found["Key"]) for found in page.get("Contents", ()))
            while len(pending) >= self._delete_batch:
                removed += await self._delete_keys(pending[: self._delete_batch])
                del pending[: self._delete_batch]
        if pending:
            removed += await self._delete_keys(pending)
        async for page in self._pages("list_multipart_uploads", Prefix=prefix):
            for upload in page.get("Uploads", ()):
                with contextlib.suppress(_Missing):  # completed or aborted meanwhile
                    await self._call(
                        self._client.abort_multipart_upload,
                        Bucket=self.bucket,
                        Key=upload["Key"],
                        UploadId=upload["UploadId"],
                    )
        return removed

    async def _pages(self, operation: str, **kwargs: Any) -> AsyncIterator[dict[str, Any]]:
        """The pages of a listing, each fetched on a worker thread."""
        pages = iter(
            self._client.get_paginator(operation).paginate(
                Bucket=self.bucket,
                PaginationConfig={"PageSize": self._delete_batch},
                **kwargs,
            )
        )
        while (page := await self._call(next, pages, None)) is not None:
            yield page

    async def _delete_keys(self, keys: list[str]) -> int:
        """Delete up to ``DELETE_BATCH`` keys in one request; how many of them it removed (a
        key deleted meanwhile is no error). Any other key it could not delete fails it all."""
        done = await self._call(
            self._client.delete_objects,
            Bucket=self.bucket,
            Delete={"Objects": [{"Key": key} for key in keys], "Quiet": True},
        )
        errors = list(done.get("Errors", ()))
        failed = [error for error in errors if error.get("Code") not in _MISSING]
        if failed:
            raise _unavailable(
                RuntimeError(f"{len(failed)} of {len(keys)} objects were not deleted: {failed[0]}")
            )
        return len(keys) - len(errors)

    async def check(self) -> None:
        """Readiness: the bucket exists and the credentials may use it."""
        await asyncio.to_thread(self._client.head_bucket, Bucket=self.bucket)

    async def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``method`` on a worker thread. A missing key raises ``_Missing``; any other failure
        ``StorageUnavailable`` (logged)."""
        try:
            return await asyncio.to_thread(method, *args, **kwargs)
        except ClientError as exc:
            if _error_code(exc) in _MISSING:
                raise _Missing from exc
            raise _unavailable(exc) from exc
        except BotoCoreError as exc:
            raise _unavailable(exc) from exc


class _Missing(Exception):
    pass


def _error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _unavailable(exc: Exception) -> StorageUnavailable:
    logger.error("the file storage failed: %s", exc, exc_info=exc)
    return StorageUnavailable("the file storage is unavailable; try again later")
