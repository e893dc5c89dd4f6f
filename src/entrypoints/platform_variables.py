"""The platform's ``ALORA_*`` variables: processes, database, Redis, background work, real time,
the secret, mail, object storage, HTTP and logging. Each context adds its own group
(``ContextModule.settings``); ``entrypoints.settings`` reads them all."""

from __future__ import annotations

from entrypoints.settings_parsing import (
    Variable,
    parse_bool,
    parse_choice,
    parse_csv,
    parse_http_url,
    parse_int,
    parse_seconds,
    parse_text,
)

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
        "ALORA_DATABASE_WRITE_TIMEOUT_SECONDS",
        parse_seconds(0.1, 300),
        "10",
        "SQLite: how long a write waits for this process's earlier writes before the request "
        "gets 503 with `Retry-After` (writers queue in order; other processes' writers are "
        "waited for up to 5 s more). Not used with PostgreSQL.",
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
        "ALORA_WS_MAX_SOCKETS_PER_USER",
        parse_int(1, 1000),
        "10",
        "Sockets one user may keep open, over every API process; a new one closes their oldest "
        "(4409).",
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
        "Secret for signing tokens, hashing codes and sealing secrets in stored events "
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
