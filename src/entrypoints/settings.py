"""Settings from ``ALORA_*`` environment variables (and a ``.env`` file), validated at start-up.

The platform's variables are listed here (``VARIABLES``); each context adds its own group
(``SettingsGroup``, in its module), and each scheduled job its ``ALORA_CRON_<JOB>`` variable.
``variables()`` lists them all, as ``docs/configuration.md`` does. A bad value raises
``SettingsError`` naming the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from attrs import field, frozen

if TYPE_CHECKING:
    from entrypoints.modules.base import ContextModule

G = TypeVar("G")


class SettingsError(ValueError):
    pass


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def parse_int(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw.strip())
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def parse_seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw.strip())
        if not low <= value <= high:
            raise ValueError(f"expected a number of seconds from {low:g} to {high:g}")
        return value

    return parse


def parse_cron(raw: str) -> str:
    from croniter import croniter

    value = " ".join(raw.split())
    if not croniter.is_valid(value):
        raise ValueError("expected a cron expression such as `0 */6 * * *`")
    return value


def parse_choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return parse


def parse_text(raw: str) -> str:
    return raw.strip()


def parse_csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def parse_http_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// URL")
    return value


def parse_region(raw: str) -> str:
    value = raw.strip().upper()
    if len(value) != 2 or not value.isalpha():
        raise ValueError("expected a two-letter ISO 3166 region code, e.g. DE or US")
    return value


@frozen
class Variable:
    name: str
    parse: Callable[[str], Any]
    default: str | None
    help: str
    field: str = ""
    """In a ``SettingsGroup``: the attribute of the group's class that takes the value."""


@frozen
class SettingsGroup(Generic[G]):
    """A context's settings: its variables, read into an instance of ``build`` (an attrs class
    whose attributes the variables' ``field`` names). ``settings.of(cls)`` gives it."""

    build: type[G]
    variables: tuple[Variable, ...]

    def read(self, values: Mapping[str, Any]) -> G:
        return self.build(**{var.field: values[var.name] for var in self.variables})


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "ALORA_ENV",
        parse_choice("development", "production"),
        "development",
        "`development` or `production` (production refuses to start without secrets).",
    ),
    Variable("ALORA_HOST", parse_text, "127.0.0.1", "Interface the API listens on."),
    Variable("ALORA_PORT", parse_int(1, 65535), "8000", "Port the API listens on."),
    Variable("ALORA_WORKERS", parse_int(1, 64), "1", "API processes started by `alora serve`."),
    Variable(
        "ALORA_VAR_DIR",
        parse_text,
        "var",
        "Folder for the embedded database, mail, files and generated secrets.",
    ),
    Variable(
        "ALORA_DATABASE_URL",
        parse_text,
        None,
        "Database URL: `sqlite:///path/alora.db` or "
        "`postgresql://user:pass@host:5432/db`. Default: SQLite at `$ALORA_VAR_DIR/alora.db`.",
    ),
    Variable(
        "ALORA_REDIS_URL",
        parse_text,
        "",
        "Redis URL (`redis://host:6379/0`) for rate limits, real-time fan-out, presence and "
        "the job broker. Empty: all of them in process memory.",
    ),
    Variable(
        "ALORA_BACKGROUND",
        parse_choice("inprocess", "external"),
        None,
        "Where events are relayed and handled: `inprocess` (inside each API process) or "
        "`external` (`alora worker` processes). Default: external with Redis, else inprocess.",
    ),
    Variable(
        "ALORA_WORKER_CONCURRENCY",
        parse_int(1, 256),
        "8",
        "Jobs one worker process (or the in-process worker) runs at once.",
    ),
    Variable(
        "ALORA_JOB_MAX_ATTEMPTS",
        parse_int(1, 50),
        "5",
        "Attempts of a failing job before it is kept as dead.",
    ),
    Variable(
        "ALORA_JOB_BACKOFF_SECONDS",
        parse_seconds(0, 3600),
        "1",
        "Wait before the first retry of a failed job; doubles each time, capped at 5 minutes.",
    ),
    Variable(
        "ALORA_RELAY_POLL_SECONDS",
        parse_seconds(0.01, 60),
        "0.5",
        "How often the relay looks for new outbox rows written by other processes.",
    ),
    Variable(
        "ALORA_OUTBOX_REDELIVER_SECONDS",
        parse_seconds(1, 86_400),
        "600",
        "A dispatched outbox row whose job has not finished after this long is sent again "
        "(covers a broker that lost it).",
    ),
    Variable(
        "ALORA_SHUTDOWN_TIMEOUT_SECONDS",
        parse_seconds(0, 3600),
        "30",
        "On SIGTERM, how long in-flight requests and jobs may take to finish.",
    ),
    Variable(
        "ALORA_WS_HEARTBEAT_SECONDS",
        parse_seconds(1, 3600),
        "30",
        "Server ping interval on WebSockets; a socket that misses two pongs is closed.",
    ),
    Variable(
        "ALORA_WS_MAX_MESSAGE_BYTES",
        parse_int(256, 16_777_216),
        "65536",
        "Largest WebSocket message a client may send (the socket is closed beyond).",
    ),
    Variable(
        "ALORA_WS_MESSAGES_PER_MINUTE",
        parse_int(1, 100_000),
        "120",
        "Messages a client may send per socket per minute (the socket is closed beyond).",
    ),
    Variable(
        "ALORA_PRESENCE_GRACE_SECONDS",
        parse_seconds(0, 3600),
        "10",
        "A user goes offline this long after their last socket closes.",
    ),
    Variable(
        "ALORA_SECRET_KEY",
        parse_text,
        None,
        "Secret for signing tokens and hashing codes "
        "(32+ characters). Development: generated once into `$ALORA_VAR_DIR/secret_key`.",
    ),
    Variable(
        "ALORA_MAIL_DIR",
        parse_text,
        None,
        "Development mailbox: each email an `.eml` file here. Default `$ALORA_VAR_DIR/mail`.",
    ),
    Variable("ALORA_MAIL_FROM", parse_text, "Alora <no-reply@alora.local>", "Sender of emails."),
    Variable(
        "ALORA_SMTP_HOST",
        parse_text,
        "",
        "SMTP server for outgoing mail. Empty: emails go to the development mailbox.",
    ),
    Variable("ALORA_SMTP_PORT", parse_int(1, 65535), "587", "SMTP server port."),
    Variable(
        "ALORA_SMTP_SECURITY",
        parse_choice("none", "starttls", "tls"),
        "starttls",
        "`starttls` (upgrade after connecting), `tls` (implicit TLS, usually port 465) or `none`.",
    ),
    Variable("ALORA_SMTP_USER", parse_text, "", "SMTP login (empty: no authentication)."),
    Variable("ALORA_SMTP_PASSWORD", parse_text, "", "SMTP password."),
    Variable(
        "ALORA_SMTP_TIMEOUT_SECONDS", parse_seconds(1, 600), "30", "SMTP connect/command timeout."
    ),
    Variable("ALORA_PRODUCT_NAME", parse_text, "Alora", "Product name used in emails."),
    Variable("ALORA_PUBLIC_URL", parse_text, "http://127.0.0.1:8000", "Base of links in emails."),
    Variable(
        "ALORA_CORS_ORIGINS",
        parse_csv,
        "",
        "Comma-separated origins allowed by CORS (empty: no cross-origin access).",
    ),
    Variable("ALORA_COOKIE_SECURE", parse_bool, "true", "Mark auth cookies `Secure`."),
    Variable(
        "ALORA_TRUST_FORWARDED",
        parse_bool,
        "false",
        "Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).",
    ),
    Variable(
        "ALORA_MAX_BODY_BYTES",
        parse_int(1024, 1_073_741_824),
        "1048576",
        "Largest request body accepted (413 beyond).",
    ),
    Variable(
        "ALORA_FILES_DIR",
        parse_text,
        None,
        "Folder for uploaded files' bytes (when no S3 bucket is set). "
        "Default `$ALORA_VAR_DIR/files`.",
    ),
    Variable(
        "ALORA_S3_BUCKET",
        parse_text,
        "",
        "Keep uploaded files in this S3 (or S3-compatible) bucket. Empty: in `ALORA_FILES_DIR`.",
    ),
    Variable(
        "ALORA_S3_ENDPOINT_URL",
        parse_http_url,
        "",
        "Endpoint of an S3-compatible service (MinIO, Ceph, R2 ...). Empty: AWS S3.",
    ),
    Variable("ALORA_S3_REGION", parse_text, "", "The bucket's region. Empty: boto3's default."),
    Variable(
        "ALORA_S3_ACCESS_KEY_ID",
        parse_text,
        "",
        "S3 access key. Empty (with the secret): boto3 finds credentials itself (environment, "
        "profile, instance role).",
    ),
    Variable(
        "ALORA_S3_SECRET_ACCESS_KEY", parse_text, "", "S3 secret key; set with the access key."
    ),
    Variable(
        "ALORA_LOG_LEVEL", parse_choice("debug", "info", "warning", "error"), "info", "Log level."
    ),
    Variable(
        "ALORA_LOG_FORMAT",
        parse_choice("text", "json"),
        None,
        "Log format; default json in production, text in development.",
    ),
)


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
        """A context's settings: ``settings.of(BookingSettings)``."""
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


def load_settings(
    environ: Mapping[str, str] | None = None,
    dotenv: Path | None = Path(".env"),
    modules: Iterable[ContextModule] | None = None,
) -> Settings:
    """Read and validate every ``ALORA_*`` variable of the platform and of ``modules`` (default:
    the registry's); the process environment wins over ``.env``."""
    modules = _registry() if modules is None else list(modules)
    source: dict[str, str] = _read_dotenv(dotenv) if dotenv is not None else {}
    source.update(os.environ if environ is None else environ)

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
