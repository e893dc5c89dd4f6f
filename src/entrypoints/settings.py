"""Settings from ``ALORA_*`` environment variables (and a ``.env`` file), validated at start-up.

Every variable is listed in ``VARIABLES``; the README's configuration table is the same list.
A bad value raises ``SettingsError`` naming the variable.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen


class SettingsError(ValueError):
    pass


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true or false")


def _int(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        value = int(raw.strip())
        if not low <= value <= high:
            raise ValueError(f"expected a whole number from {low} to {high}")
        return value

    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    def parse(raw: str) -> float:
        value = float(raw.strip())
        if not low <= value <= high:
            raise ValueError(f"expected a number of seconds from {low:g} to {high:g}")
        return value

    return parse


def _cron(raw: str) -> str:
    from croniter import croniter

    value = " ".join(raw.split())
    if not croniter.is_valid(value):
        raise ValueError("expected a cron expression such as `0 */6 * * *`")
    return value


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return value

    return parse


def _text(raw: str) -> str:
    return raw.strip()


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _http_url(raw: str) -> str:
    value = raw.strip()
    if value and not value.lower().startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// URL")
    return value


def _region(raw: str) -> str:
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


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "ALORA_ENV",
        _choice("development", "production"),
        "development",
        "`development` or `production` (production refuses to start without secrets).",
    ),
    Variable("ALORA_HOST", _text, "127.0.0.1", "Interface the API listens on."),
    Variable("ALORA_PORT", _int(1, 65535), "8000", "Port the API listens on."),
    Variable("ALORA_WORKERS", _int(1, 64), "1", "API processes started by `alora serve`."),
    Variable(
        "ALORA_VAR_DIR",
        _text,
        "var",
        "Folder for the embedded database, mail, files and generated secrets.",
    ),
    Variable(
        "ALORA_DATABASE_URL",
        _text,
        None,
        "Database URL: `sqlite:///path/alora.db` or "
        "`postgresql://user:pass@host:5432/db`. Default: SQLite at `$ALORA_VAR_DIR/alora.db`.",
    ),
    Variable(
        "ALORA_REDIS_URL",
        _text,
        "",
        "Redis URL (`redis://host:6379/0`) for rate limits, real-time fan-out, presence and "
        "the job broker. Empty: all of them in process memory.",
    ),
    Variable(
        "ALORA_BACKGROUND",
        _choice("inprocess", "external"),
        None,
        "Where events are relayed and handled: `inprocess` (inside each API process) or "
        "`external` (`alora worker` processes). Default: external with Redis, else inprocess.",
    ),
    Variable(
        "ALORA_WORKER_CONCURRENCY",
        _int(1, 256),
        "8",
        "Jobs one worker process (or the in-process worker) runs at once.",
    ),
    Variable(
        "ALORA_JOB_MAX_ATTEMPTS",
        _int(1, 50),
        "5",
        "Attempts of a failing job before it is kept as dead.",
    ),
    Variable(
        "ALORA_JOB_BACKOFF_SECONDS",
        _seconds(0, 3600),
        "1",
        "Wait before the first retry of a failed job; doubles each time, capped at 5 minutes.",
    ),
    Variable(
        "ALORA_RELAY_POLL_SECONDS",
        _seconds(0.01, 60),
        "0.5",
        "How often the relay looks for new outbox rows written by other processes.",
    ),
    Variable(
        "ALORA_OUTBOX_REDELIVER_SECONDS",
        _seconds(1, 86_400),
        "600",
        "A dispatched outbox row whose job has not finished after this long is sent again "
        "(covers a broker that lost it).",
    ),
    Variable(
        "ALORA_SHUTDOWN_TIMEOUT_SECONDS",
        _seconds(0, 3600),
        "30",
        "On SIGTERM, how long in-flight requests and jobs may take to finish.",
    ),
    Variable(
        "ALORA_WS_HEARTBEAT_SECONDS",
        _seconds(1, 3600),
        "30",
        "Server ping interval on WebSockets; a socket that misses two pongs is closed.",
    ),
    Variable(
        "ALORA_WS_MAX_MESSAGE_BYTES",
        _int(256, 16_777_216),
        "65536",
        "Largest WebSocket message a client may send (the socket is closed beyond).",
    ),
    Variable(
        "ALORA_WS_MESSAGES_PER_MINUTE",
        _int(1, 100_000),
        "120",
        "Messages a client may send per socket per minute (the socket is closed beyond).",
    ),
    Variable(
        "ALORA_PRESENCE_GRACE_SECONDS",
        _seconds(0, 3600),
        "10",
        "A user goes offline this long after their last socket closes.",
    ),
    Variable(
        "ALORA_SECRET_KEY",
        _text,
        None,
        "Secret for signing tokens and hashing codes "
        "(32+ characters). Development: generated once into `$ALORA_VAR_DIR/secret_key`.",
    ),
    Variable("ALORA_ACCESS_TOKEN_MINUTES", _int(1, 1440), "15", "Access-token lifetime."),
    Variable("ALORA_REFRESH_TOKEN_DAYS", _int(1, 365), "7", "Refresh-token (session) lifetime."),
    Variable(
        "ALORA_MAX_SESSIONS",
        _int(1, 100),
        "5",
        "Active sessions per user; a new login revokes the oldest beyond this.",
    ),
    Variable("ALORA_JWT_ISSUER", _text, "alora", "`iss` claim of access tokens."),
    Variable("ALORA_JWT_AUDIENCE", _text, "alora-api", "`aud` claim of access tokens."),
    Variable("ALORA_REQUIRE_VERIFIED_EMAIL", _bool, "true", "Login needs a verified email."),
    Variable(
        "ALORA_DEFAULT_PHONE_REGION",
        _region,
        "US",
        "Region for phone numbers written without a country code.",
    ),
    Variable(
        "ALORA_ARGON2_MEMORY_KIB",
        _int(19456, 4_194_304),
        "19456",
        "argon2id memory cost in KiB (minimum 19 MiB).",
    ),
    Variable("ALORA_ARGON2_TIME_COST", _int(2, 100), "2", "argon2id iterations."),
    Variable("ALORA_ARGON2_PARALLELISM", _int(1, 64), "1", "argon2id lanes."),
    Variable(
        "ALORA_MAIL_DIR",
        _text,
        None,
        "Development mailbox: each email an `.eml` file here. Default `$ALORA_VAR_DIR/mail`.",
    ),
    Variable("ALORA_MAIL_FROM", _text, "Alora <no-reply@alora.local>", "Sender of emails."),
    Variable(
        "ALORA_SMTP_HOST",
        _text,
        "",
        "SMTP server for outgoing mail. Empty: emails go to the development mailbox.",
    ),
    Variable("ALORA_SMTP_PORT", _int(1, 65535), "587", "SMTP server port."),
    Variable(
        "ALORA_SMTP_SECURITY",
        _choice("none", "starttls", "tls"),
        "starttls",
        "`starttls` (upgrade after connecting), `tls` (implicit TLS, usually port 465) or `none`.",
    ),
    Variable("ALORA_SMTP_USER", _text, "", "SMTP login (empty: no authentication)."),
    Variable("ALORA_SMTP_PASSWORD", _text, "", "SMTP password."),
    Variable("ALORA_SMTP_TIMEOUT_SECONDS", _seconds(1, 600), "30", "SMTP connect/command timeout."),
    Variable("ALORA_PRODUCT_NAME", _text, "Alora", "Product name used in emails."),
    Variable("ALORA_PUBLIC_URL", _text, "http://127.0.0.1:8000", "Base of links in emails."),
    Variable(
        "ALORA_CORS_ORIGINS",
        _csv,
        "",
        "Comma-separated origins allowed by CORS (empty: no cross-origin access).",
    ),
    Variable("ALORA_COOKIE_SECURE", _bool, "true", "Mark auth cookies `Secure`."),
    Variable(
        "ALORA_TRUST_FORWARDED",
        _bool,
        "false",
        "Take the client IP from `X-Forwarded-For` (only behind a trusted proxy).",
    ),
    Variable(
        "ALORA_MAX_BODY_BYTES",
        _int(1024, 1_073_741_824),
        "1048576",
        "Largest request body accepted (413 beyond).",
    ),
    Variable(
        "ALORA_FILES_DIR",
        _text,
        None,
        "Folder for uploaded files' bytes (when no S3 bucket is set). "
        "Default `$ALORA_VAR_DIR/files`.",
    ),
    Variable(
        "ALORA_FILE_MAX_BYTES",
        _int(1, 1_073_741_824),
        "5242880",
        "Largest uploaded file (413 beyond); the upload routes take bodies this large (plus the "
        "form's framing) whatever `ALORA_MAX_BODY_BYTES` says.",
    ),
    Variable(
        "ALORA_FILE_CACHE_SECONDS",
        _int(0, 31_536_000),
        "3600",
        "`max-age` of public files' `Cache-Control`; private files are revalidated every time.",
    ),
    Variable(
        "ALORA_S3_BUCKET",
        _text,
        "",
        "Keep uploaded files in this S3 (or S3-compatible) bucket. Empty: in `ALORA_FILES_DIR`.",
    ),
    Variable(
        "ALORA_S3_ENDPOINT_URL",
        _http_url,
        "",
        "Endpoint of an S3-compatible service (MinIO, Ceph, R2 ...). Empty: AWS S3.",
    ),
    Variable("ALORA_S3_REGION", _text, "", "The bucket's region. Empty: boto3's default."),
    Variable(
        "ALORA_S3_ACCESS_KEY_ID",
        _text,
        "",
        "S3 access key. Empty (with the secret): boto3 finds credentials itself (environment, "
        "profile, instance role).",
    ),
    Variable("ALORA_S3_SECRET_ACCESS_KEY", _text, "", "S3 secret key; set with the access key."),
    Variable(
        "ALORA_LOGIN_MAX_FAILURES",
        _int(1, 1000),
        "5",
        "Failed logins per IP and per identifier within the window before 429.",
    ),
    Variable("ALORA_LOGIN_WINDOW_MINUTES", _int(1, 1440), "15", "Window for failed logins."),
    Variable(
        "ALORA_AUTH_RATE_PER_MINUTE",
        _int(1, 100_000),
        "60",
        "Requests per minute per IP to the public auth routes.",
    ),
    Variable(
        "ALORA_FEEDBACK_RATE_PER_HOUR",
        _int(1, 100_000),
        "5",
        "Feedback messages one client IP may send per hour (429 beyond).",
    ),
    Variable(
        "ALORA_CONTACT_RATE_PER_HOUR",
        _int(1, 100_000),
        "5",
        "Contact messages one client IP may send per hour (429 beyond).",
    ),
    Variable("ALORA_LOG_LEVEL", _choice("debug", "info", "warning", "error"), "info", "Log level."),
    Variable(
        "ALORA_LOG_FORMAT",
        _choice("text", "json"),
        None,
        "Log format; default json in production, text in development.",
    ),
    Variable(
        "ALORA_CRON_OTP_CLEANUP",
        _cron,
        "0 0 * * *",
        "Schedule (cron, UTC) of the expired one-time-code cleanup.",
    ),
    Variable(
        "ALORA_CRON_SESSION_CLEANUP",
        _cron,
        "0 */6 * * *",
        "Schedule of the expired and revoked session cleanup.",
    ),
    Variable(
        "ALORA_CRON_ACTIVITY_REPORT",
        _cron,
        "0 1 * * *",
        "Schedule of the daily activity report to admins (covers the previous UTC day).",
    ),
    Variable(
        "ALORA_CRON_OUTBOX_HEALTH",
        _cron,
        "*/5 * * * *",
        "Schedule of the outbox and dead-job health check.",
    ),
    Variable(
        "ALORA_CRON_HELD_EMAILS",
        _cron,
        "* * * * *",
        "Schedule of sending notification emails held by quiet hours.",
    ),
    Variable(
        "ALORA_CRON_BOOKING_COMPLETION",
        _cron,
        "*/15 * * * *",
        "Schedule of completing confirmed bookings whose end is past the grace period.",
    ),
    Variable(
        "ALORA_CRON_BOOKING_REMINDERS",
        _cron,
        "*/15 * * * *",
        "Schedule of the booking reminders (each goes from 09:00 in its recipient's zone).",
    ),
    Variable(
        "ALORA_BOOKING_COMPLETION_GRACE_MINUTES",
        _int(0, 10080),
        "120",
        "Confirmed bookings are completed automatically this long after their end.",
    ),
    Variable(
        "ALORA_ADMIN_PASSWORD",
        _text,
        "",
        "Password for `alora users create-admin` when `--password` is not given.",
    ),
)


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
    access_token_minutes: int
    refresh_token_days: int
    max_sessions: int
    jwt_issuer: str
    jwt_audience: str
    require_verified_email: bool
    default_phone_region: str
    argon2_memory_kib: int
    argon2_time_cost: int
    argon2_parallelism: int
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
    file_max_bytes: int
    file_cache_seconds: int
    s3_bucket: str
    s3_endpoint_url: str
    s3_region: str
    s3_access_key_id: str
    s3_secret_access_key: str
    login_max_failures: int
    login_window_minutes: int
    auth_rate_per_minute: int
    feedback_rate_per_hour: int
    contact_rate_per_hour: int
    log_level: str
    log_format: str
    cron: dict[str, str]
    """Schedule of each scheduled job, by job name (``otp-cleanup`` ...)."""
    admin_password: str
    booking_completion_grace_minutes: int

    @property
    def production(self) -> bool:
        return self.env == "production"


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env")
) -> Settings:
    """Read and validate every ``ALORA_*`` variable; the process environment wins over ``.env``."""
    source: dict[str, str] = _read_dotenv(dotenv) if dotenv is not None else {}
    source.update(os.environ if environ is None else environ)

    values: dict[str, Any] = {}
    for var in VARIABLES:
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
        access_token_minutes=values["ALORA_ACCESS_TOKEN_MINUTES"],
        refresh_token_days=values["ALORA_REFRESH_TOKEN_DAYS"],
        max_sessions=values["ALORA_MAX_SESSIONS"],
        jwt_issuer=values["ALORA_JWT_ISSUER"],
        jwt_audience=values["ALORA_JWT_AUDIENCE"],
        require_verified_email=values["ALORA_REQUIRE_VERIFIED_EMAIL"],
        default_phone_region=values["ALORA_DEFAULT_PHONE_REGION"],
        argon2_memory_kib=values["ALORA_ARGON2_MEMORY_KIB"],
        argon2_time_cost=values["ALORA_ARGON2_TIME_COST"],
        argon2_parallelism=values["ALORA_ARGON2_PARALLELISM"],
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
        file_max_bytes=values["ALORA_FILE_MAX_BYTES"],
        file_cache_seconds=values["ALORA_FILE_CACHE_SECONDS"],
        s3_bucket=values["ALORA_S3_BUCKET"],
        s3_endpoint_url=values["ALORA_S3_ENDPOINT_URL"],
        s3_region=values["ALORA_S3_REGION"],
        s3_access_key_id=values["ALORA_S3_ACCESS_KEY_ID"],
        s3_secret_access_key=values["ALORA_S3_SECRET_ACCESS_KEY"],
        login_max_failures=values["ALORA_LOGIN_MAX_FAILURES"],
        login_window_minutes=values["ALORA_LOGIN_WINDOW_MINUTES"],
        auth_rate_per_minute=values["ALORA_AUTH_RATE_PER_MINUTE"],
        feedback_rate_per_hour=values["ALORA_FEEDBACK_RATE_PER_HOUR"],
        contact_rate_per_hour=values["ALORA_CONTACT_RATE_PER_HOUR"],
        log_level=values["ALORA_LOG_LEVEL"],
        log_format=values["ALORA_LOG_FORMAT"] or ("json" if env == "production" else "text"),
        cron={
            var.name.removeprefix("ALORA_CRON_").lower().replace("_", "-"): values[var.name]
            for var in VARIABLES
            if var.name.startswith("ALORA_CRON_")
        },
        admin_password=values["ALORA_ADMIN_PASSWORD"],
        booking_completion_grace_minutes=values["ALORA_BOOKING_COMPLETION_GRACE_MINUTES"],
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
