"""Settings: defaults, validation naming the variable, secrets, .env handling; each context's
group and each scheduled job's schedule."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from entrypoints.modules import MODULES
from entrypoints.modules.booking import BookingSettings
from entrypoints.modules.content import ContentSettings
from entrypoints.modules.files import FilesSettings
from entrypoints.modules.identity import IdentitySettings
from entrypoints.settings import VARIABLES, SettingsError, load_settings, variables

SECRET = "s" * 32


def test_defaults_are_the_embedded_profile(tmp_path: Path) -> None:
    settings = load_settings(environ={}, dotenv=None)

    assert settings.env == "development"
    assert not settings.production
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.var_dir == Path("var")
    assert settings.database_url == "sqlite:///var/alora.db"
    assert settings.redis_url == ""
    assert settings.mail_dir == Path("var/mail")
    assert settings.log_format == "text"
    assert settings.cors_origins == ()
    assert settings.cookie_secure is True
    identity = settings.of(IdentitySettings)
    assert identity.require_verified_email is True
    assert identity.default_phone_region == "US"
    assert identity.access_token_minutes == 15
    assert settings.of(FilesSettings).file_max_bytes == 5 * 1024 * 1024
    assert settings.of(ContentSettings).contact_rate_per_hour == 5
    assert settings.of(BookingSettings).completion_grace_minutes == 120
    assert settings.public_url == "http://127.0.0.1:8000"
    assert (tmp_path / "var" / "secret_key").is_file()  # the working directory is tmp_path


def test_values_are_parsed(tmp_path: Path) -> None:
    settings = load_settings(
        environ={
            "ALORA_ENV": " Production ",
            "ALORA_SECRET_KEY": SECRET,
            "ALORA_PORT": "9000",
            "ALORA_VAR_DIR": str(tmp_path / "data"),
            "ALORA_DATABASE_URL": "postgresql://alora@db:5432/alora",
            "ALORA_CORS_ORIGINS": "https://a.example, https://b.example,",
            "ALORA_COOKIE_SECURE": "off",
            "ALORA_DEFAULT_PHONE_REGION": "de",
            "ALORA_PUBLIC_URL": "https://api.example/",
            "ALORA_FILE_MAX_BYTES": "1024",
            "ALORA_FEEDBACK_RATE_PER_HOUR": "7",
            "ALORA_BOOKING_COMPLETION_GRACE_MINUTES": "30",
            "ALORA_CRON_HELD_EMAILS": "*/2  * * * *",
        },
        dotenv=None,
    )

    assert settings.production
    assert settings.port == 9000
    assert settings.database_url == "postgresql://alora@db:5432/alora"
    assert settings.mail_dir == tmp_path / "data" / "mail"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.cookie_secure is False
    assert settings.of(IdentitySettings).default_phone_region == "DE"
    assert settings.of(FilesSettings).file_max_bytes == 1024
    assert settings.of(ContentSettings).feedback_rate_per_hour == 7
    assert settings.of(BookingSettings).completion_grace_minutes == 30
    assert settings.cron["held-emails"] == "*/2 * * * *"
    assert settings.public_url == "https://api.example"
    assert settings.log_format == "json"


def test_an_empty_value_means_the_default_where_the_default_is_computed() -> None:
    settings = load_settings(environ={"ALORA_DATABASE_URL": " ", "ALORA_VAR_DIR": "x"}, dotenv=None)
    assert settings.database_url == "sqlite:///x/alora.db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALORA_ENV", "staging"),
        ("ALORA_PORT", "http"),
        ("ALORA_PORT", "70000"),
        ("ALORA_WORKERS", "0"),
        ("ALORA_REQUIRE_VERIFIED_EMAIL", "maybe"),
        ("ALORA_DEFAULT_PHONE_REGION", "USA"),
        ("ALORA_ARGON2_MEMORY_KIB", "1024"),
        ("ALORA_MAX_BODY_BYTES", "-1"),
        ("ALORA_LOG_LEVEL", "verbose"),
        ("ALORA_LOG_FORMAT", "xml"),
        ("ALORA_DATABASE_URL", "mysql://u@h/db"),
        ("ALORA_FILE_MAX_BYTES", "0"),
        ("ALORA_CONTACT_RATE_PER_HOUR", "none"),
        ("ALORA_BOOKING_COMPLETION_GRACE_MINUTES", "-5"),
        ("ALORA_CRON_OTP_CLEANUP", "every night"),
    ],
)
def test_a_bad_value_names_its_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=rf"^{name}\b") as caught:
        load_settings(environ={name: value}, dotenv=None)
    assert "invalid" in str(caught.value)


def test_every_default_is_valid() -> None:
    for variable in variables():
        if variable.default is not None:
            variable.parse(variable.default)


def test_variables_are_the_platforms_then_each_modules_group_and_schedules() -> None:
    names = [variable.name for variable in variables()]
    assert names[: len(VARIABLES)] == [variable.name for variable in VARIABLES]
    assert len(names) == len(set(names))
    for module in MODULES:
        if module.settings is not None:
            assert {v.name for v in module.settings.variables} <= set(names)
        for job in module.jobs:
            assert "ALORA_CRON_" + job.name.upper().replace("-", "_") in names


def test_a_schedule_variable_says_which_job_it_times_and_what_the_job_does() -> None:
    found = {variable.name: variable for variable in variables()}
    otp = found["ALORA_CRON_OTP_CLEANUP"]
    assert otp.default == "0 0 * * *"
    assert otp.help == (
        "Schedule (cron, UTC) of `otp-cleanup`: delete one-time codes that expired or were used up."
    )
    assert found["ALORA_CRON_BOOKING_REMINDERS"].help.startswith(
        "Schedule (cron, UTC) of `booking-reminders`: remind customers"
    )


def test_a_group_is_known_only_when_its_module_is_loaded() -> None:
    identity_only = [module for module in MODULES if module.name == "identity"]
    settings = load_settings(environ={}, dotenv=None, modules=identity_only)
    assert settings.of(IdentitySettings).max_sessions > 0
    with pytest.raises(LookupError, match="FilesSettings"):
        settings.of(FilesSettings)


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"^ALORA_SECRET_KEY is required"):
        load_settings(environ={"ALORA_ENV": "production"}, dotenv=None)
    assert not (tmp_path / "var").exists()  # and generates none


@pytest.mark.parametrize("env", ["development", "production"])
def test_a_short_secret_key_is_refused(env: str) -> None:
    with pytest.raises(SettingsError, match=r"^ALORA_SECRET_KEY is invalid"):
        load_settings(environ={"ALORA_ENV": env, "ALORA_SECRET_KEY": "s" * 31}, dotenv=None)


def test_a_given_secret_key_is_used_as_is(tmp_path: Path) -> None:
    settings = load_settings(environ={"ALORA_SECRET_KEY": SECRET}, dotenv=None)
    assert settings.secret_key == SECRET
    assert not (tmp_path / "var" / "secret_key").exists()


def test_development_secret_is_generated_once_and_reused(tmp_path: Path) -> None:
    environ = {"ALORA_VAR_DIR": str(tmp_path / "state")}

    first = load_settings(environ=environ, dotenv=None).secret_key
    second = load_settings(environ=environ, dotenv=None).secret_key

    path = tmp_path / "state" / "secret_key"
    assert first == second == path.read_text().strip()
    assert len(first) >= 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    other = load_settings(environ={"ALORA_VAR_DIR": str(tmp_path / "other")}, dotenv=None)
    assert other.secret_key != first


def test_dotenv_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dotenv = tmp_path / "custom.env"
    dotenv.write_text(
        "# development settings\nALORA_PORT=9000\nALORA_HOST=0.0.0.0\n"
        f"ALORA_SECRET_KEY='{SECRET}'\n"
    )
    monkeypatch.setenv("ALORA_PORT", "9100")

    settings = load_settings(dotenv=dotenv)

    assert (settings.host, settings.port, settings.secret_key) == ("0.0.0.0", 9100, SECRET)


def test_dotenv_in_the_working_directory_is_read_by_default(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ALORA_WORKERS=3\n")
    assert load_settings(environ={}).workers == 3
    assert load_settings(environ={}, dotenv=None).workers == 1


def test_a_bad_value_in_dotenv_names_its_variable(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("ALORA_ACCESS_TOKEN_MINUTES=forever\n")
    with pytest.raises(SettingsError, match=r"^ALORA_ACCESS_TOKEN_MINUTES='forever' is invalid"):
        load_settings(environ={}, dotenv=dotenv)


def test_missing_dotenv_is_fine() -> None:
    assert load_settings(environ={}, dotenv=Path("nowhere/.env")).port == 8000


def test_developer_environment_does_not_leak_into_tests() -> None:
    assert not [name for name in os.environ if name.startswith("ALORA_")]


def test_misspelt_variables_are_named_with_the_closest_known_name() -> None:
    from entrypoints.settings import unknown_variables

    warnings = unknown_variables(
        {
            "ALORA_PROT": "9000",
            "ALORA_DATABSE_URL": "sqlite:///x.db",
            "ALORA_PORT": "8000",
            "ALORA_TEST_POSTGRES_URL": "postgresql://test",  # the test suite's own
            "PATH": "/bin",
        }
    )
    assert warnings == [
        "ALORA_DATABSE_URL is not an Alora setting and is ignored; did you mean "
        "ALORA_DATABASE_URL?",
        "ALORA_PROT is not an Alora setting and is ignored; did you mean ALORA_PORT?",
    ]
    assert unknown_variables({"ALORA_ZZZZZZZZZZZZZZZZZZZZZZZZZZ": "1"}) == [
        "ALORA_ZZZZZZZZZZZZZZZZZZZZZZZZZZ is not an Alora setting and is ignored "
        "(see docs/configuration.md)"
    ]


@pytest.mark.parametrize(("name", "value"), [("ALORA_PORT", "abc"), ("ALORA_WORKERS", "1.5")])
def test_a_number_that_is_no_number_says_what_is_expected(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=r"expected a whole number from \d+ to \d+$"):
        load_settings(environ={name: value}, dotenv=None)
