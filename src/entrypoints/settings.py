"""Settings from ``ALORA_*`` environment variables (and a ``.env`` file), validated at start-up.

The platform's variables are in ``platform_variables`` (``VARIABLES``); each context adds its group
(``SettingsGroup``, in its module), and each scheduled job its ``ALORA_CRON_<JOB>`` variable.
``variables()`` lists them all, as ``docs/configuration.md`` does. A bad value raises
``SettingsError`` naming the variable.
"""

from __future__ import annotations

import difflib
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import field, frozen

from entrypoints.platform_variables import VARIABLES
from entrypoints.settings_parsing import (
    SettingsError,
    SettingsGroup,
    Variable,
    parse_bool,
    parse_choice,
    parse_cron,
    parse_csv,
    parse_http_url,
    parse_int,
    parse_region,
    parse_seconds,
    parse_text,
)

if TYPE_CHECKING:
    from entrypoints.modules.base import ContextModule

G = TypeVar("G")

__all__ = [
    "VARIABLES",
    "Settings",
    "SettingsError",
    "SettingsGroup",
    "Variable",
    "cron_variable",
    "load_settings",
    "parse_bool",
    "parse_choice",
    "parse_cron",
    "parse_csv",
    "parse_http_url",
    "parse_int",
    "parse_region",
    "parse_seconds",
    "parse_text",
    "settings_source",
    "unknown_variables",
    "variables",
]

NOT_SETTINGS = ("ALORA_TEST_", "ALORA_REQUIRE_SERVICES")
"""``ALORA_*`` names that are no settings: the test suite's own."""


def cron_variable(job_name: str, cron: str, description: str) -> Variable:
    """``ALORA_CRON_<JOB>``: the schedule of a scheduled job."""
    name = "ALORA_CRON_" + job_name.upper().replace("-", "_")
    help_text = f"Schedule (cron, UTC) of `{job_name}`: {description[:1].lower()}{description[1:]}"
    return Variable(name, parse_cron, cron, help_text)


def variables(modules: Iterable[ContextModule] | None = None) -> list[Variable]:
    """Every variable: the platform's, each module's group, and each scheduled job's schedule."""
    modules = _registry() if modules is None else list(modules)
    found = list(VARIABLES)
    for module in modules:
        if module.settings is not None:
            found.extend(module.settings.variables)
        found.extend(cron_variable(job.name, job.cron, job.description) for job in module.jobs)
    return found


def unknown_variables(
    environ: Mapping[str, str], modules: Iterable[ContextModule] | None = None
) -> list[str]:
    """A warning for each ``ALORA_*`` variable no setting reads, with the closest known name."""
    known = [var.name for var in variables(modules)]
    warnings = []
    for name in sorted(environ):
        if not name.startswith("ALORA_") or name in known or name.startswith(NOT_SETTINGS):
            continue
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]}?" if close else " (see docs/configuration.md)"
        warnings.append(f"{name} is not an Alora setting and is ignored{hint}")
    return warnings


def _registry() -> list[ContextModule]:
    from entrypoints.modules import MODULES

    return list(MODULES)


@frozen(kw_only=True)
class Settings:
    env: str
    host: str
    port: int
    workers: int
    var_dir: Path
    database_url: str
    database_write_timeout_seconds: float
    redis_url: str
    background: str
    worker_concurrency: int
    job_max_attempts: int
    job_backoff_seconds: float
    relay_poll_seconds: float
    outbox_redeliver_seconds: float
    shutdown_timeout_seconds: float
    ws_heartbeat_seconds: float
    ws_max_message_bytes: int
    ws_messages_per_minute: int
    ws_max_sockets_per_user: int
    presence_grace_seconds: float
    secret_key: str
    mail_dir: Path
    mail_from: str
    smtp_host: str
    smtp_port: int
    smtp_security: str
    smtp_user: str
    smtp_password: str
    smtp_timeout_seconds: float
    product_name: str
    public_url: str
    cors_origins: tuple[str, ...]
    cookie_secure: bool
    trust_forwarded: bool
    max_body_bytes: int
    files_dir: Path
    s3_bucket: str
    s3_endpoint_url: str
    s3_region: str
    s3_access_key_id: str
    s3_secret_access_key: str
    log_level: str
    log_format: str
    cron: dict[str, str]
    """Schedule of each scheduled job, by job name (``otp-cleanup`` ...)."""
    groups: Mapping[type, Any] = field(factory=dict, repr=False)
    """Each context's settings, by the class of its group."""

    @property
    def production(self) -> bool:
        return self.env == "production"

    def of(self, group: type[G]) -> G:
        """A context's settings, by the class of its group: ``settings.of(FilesSettings)``."""
        try:
            return cast(G, self.groups[group])
        except KeyError:
            raise LookupError(
                f"no settings group {group.__name__}: is its module registered?"
            ) from None


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def settings_source(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> dict[str, str]:
    """The variables settings are read from: ``.env``, then the environment, which wins."""
    source: dict[str, str] = _read_dotenv(dotenv) if dotenv is not None else {}
    source.update(os.environ if environ is None else environ)
    return source


def load_settings(
    environ: Mapping[str, str] | None = None,
    dotenv: Path | None = Path(".env"),
    modules: Iterable[ContextModule] | None = None,
) -> Settings:
    """Read and validate every ``ALORA_*`` variable of the platform and of ``modules`` (default:
    the registry's); the process environment wins over ``.env``."""
    modules = _registry() if modules is None else list(modules)
    source = settings_source(environ, dotenv)

    values: dict[str, Any] = {}
    for var in variables(modules):
        raw = source.get(var.name)
        if raw is None or (raw.strip() == "" and var.default is None):
            values[var.name] = None if var.default is None else var.parse(var.default)
            continue
        try:
            values[var.name] = var.parse(raw)
        except ValueError as exc:
            raise SettingsError(f"{var.name}={raw!r} is invalid: {exc}") from None

    env = values["ALORA_ENV"]
    var_dir = Path(values["ALORA_VAR_DIR"])
    secret = values["ALORA_SECRET_KEY"]
    if secret is None:
        if env == "production":
            raise SettingsError("ALORA_SECRET_KEY is required when ALORA_ENV=production")
        secret = _development_secret(var_dir)
    elif len(secret) < 32:
        raise SettingsError("ALORA_SECRET_KEY is invalid: use at least 32 characters")

    if bool(values["ALORA_S3_ACCESS_KEY_ID"]) != bool(values["ALORA_S3_SECRET_ACCESS_KEY"]):
        raise SettingsError(
            "ALORA_S3_ACCESS_KEY_ID and ALORA_S3_SECRET_ACCESS_KEY go together: set both or neither"
        )

    database_url = values["ALORA_DATABASE_URL"] or f"sqlite:///{var_dir / 'alora.db'}"
    if not database_url.startswith(("sqlite", "postgres")):
        raise SettingsError(
            f"ALORA_DATABASE_URL={database_url!r} is invalid: expected sqlite:/// or postgresql://"
        )
    return Settings(
        env=env,
        host=values["ALORA_HOST"],
        port=values["ALORA_PORT"],
        workers=values["ALORA_WORKERS"],
        var_dir=var_dir,
        database_url=database_url,
        database_write_timeout_seconds=values["ALORA_DATABASE_WRITE_TIMEOUT_SECONDS"],
        redis_url=values["ALORA_REDIS_URL"],
        background=values["ALORA_BACKGROUND"]
        or ("external" if values["ALORA_REDIS_URL"] else "inprocess"),
        worker_concurrency=values["ALORA_WORKER_CONCURRENCY"],
        job_max_attempts=values["ALORA_JOB_MAX_ATTEMPTS"],
        job_backoff_seconds=values["ALORA_JOB_BACKOFF_SECONDS"],
        relay_poll_seconds=values["ALORA_RELAY_POLL_SECONDS"],
        outbox_redeliver_seconds=values["ALORA_OUTBOX_REDELIVER_SECONDS"],
        shutdown_timeout_seconds=values["ALORA_SHUTDOWN_TIMEOUT_SECONDS"],
        ws_heartbeat_seconds=values["ALORA_WS_HEARTBEAT_SECONDS"],
        ws_max_message_bytes=values["ALORA_WS_MAX_MESSAGE_BYTES"],
        ws_messages_per_minute=values["ALORA_WS_MESSAGES_PER_MINUTE"],
        ws_max_sockets_per_user=values["ALORA_WS_MAX_SOCKETS_PER_USER"],
        presence_grace_seconds=values["ALORA_PRESENCE_GRACE_SECONDS"],
        secret_key=secret,
        mail_dir=Path(values["ALORA_MAIL_DIR"] or var_dir / "mail"),
        mail_from=values["ALORA_MAIL_FROM"],
        smtp_host=values["ALORA_SMTP_HOST"],
        smtp_port=values["ALORA_SMTP_PORT"],
        smtp_security=values["ALORA_SMTP_SECURITY"],
        smtp_user=values["ALORA_SMTP_USER"],
        smtp_password=values["ALORA_SMTP_PASSWORD"],
        smtp_timeout_seconds=values["ALORA_SMTP_TIMEOUT_SECONDS"],
        product_name=values["ALORA_PRODUCT_NAME"],
        public_url=values["ALORA_PUBLIC_URL"].rstrip("/"),
        cors_origins=values["ALORA_CORS_ORIGINS"],
        cookie_secure=values["ALORA_COOKIE_SECURE"],
        trust_forwarded=values["ALORA_TRUST_FORWARDED"],
        max_body_bytes=values["ALORA_MAX_BODY_BYTES"],
        files_dir=Path(values["ALORA_FILES_DIR"] or var_dir / "files"),
        s3_bucket=values["ALORA_S3_BUCKET"],
        s3_endpoint_url=values["ALORA_S3_ENDPOINT_URL"],
        s3_region=values["ALORA_S3_REGION"],
        s3_access_key_id=values["ALORA_S3_ACCESS_KEY_ID"],
        s3_secret_access_key=values["ALORA_S3_SECRET_ACCESS_KEY"],
        log_level=values["ALORA_LOG_LEVEL"],
        log_format=values["ALORA_LOG_FORMAT"] or ("json" if env == "production" else "text"),
        cron={
            job.name: values[cron_variable(job.name, job.cron, job.description).name]
            for module in modules
            for job in module.jobs
        },
        groups={
            module.settings.build: module.settings.read(values)
            for module in modules
            if module.settings is not None
        },
    )


def _development_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.is_file():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
