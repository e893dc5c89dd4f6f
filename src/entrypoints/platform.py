"""The platform's services as the settings configure them: branding, mail, object storage,
Redis."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from alora_core.shared.mail import Branding, Mailer
from alora_core.shared.storage import FileStorage
from entrypoints.settings import Settings

__all__ = ["configured_branding", "configured_mailer", "configured_storage", "redis_ping"]


def configured_storage(settings: Settings) -> tuple[FileStorage, Callable[[], Awaitable[None]]]:
    """The S3 bucket when one is configured, else the local folder; and its readiness check."""
    if not settings.s3_bucket:
        from adapters.storage.local import LocalFileStorage

        local = LocalFileStorage(settings.files_dir)
        return local, local.check
    from adapters.storage.s3 import S3FileStorage

    bucket = S3FileStorage(
        settings.s3_bucket,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
    )
    return bucket, bucket.check


def configured_branding(settings: Settings) -> Branding:
    """What emails call the product, and the base of their links."""
    return Branding(settings.product_name, settings.public_url)


def configured_mailer(settings: Settings) -> Mailer:
    """SMTP when a host is configured, else the development mailbox folder."""
    if not settings.smtp_host:
        from adapters.mail import MailboxMailer

        return MailboxMailer(settings.mail_dir, settings.mail_from)
    from adapters.smtp import SmtpMailer

    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        security=settings.smtp_security,
        username=settings.smtp_user,
        password=settings.smtp_password,
        sender=settings.mail_from,
        timeout_seconds=settings.smtp_timeout_seconds,
    )


async def redis_ping(redis: Any) -> None:
    await redis.ping()
