"""Every setting is checked at start: a malformed one stops Dojo with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError, load_settings

ALL_NAMES = [str(field.alias) for field in Settings.model_fields.values()]

MALFORMED = [
    ("DOJO_LOG_LEVEL", "LOUD", "one of DEBUG, INFO"),
    ("DOJO_LOG_LEVEL", "", "one of DEBUG, INFO"),
    ("DATABASE_URL", "mysql://dojo@db/dojo", "sqlite+aiosqlite://"),
    ("DATABASE_URL", "postgresql+asyncpg:///dojo", "names no host"),
    ("DATABASE_URL", "postgresql+asyncpg://h:notaport/db", "not a database URL"),
    ("TELEGRAM_BOT_TOKEN", "not a token", "BotFather"),
    ("TELEGRAM_BASE_URL", "api.telegram.org", "http:// or https://"),
    ("TELEGRAM_BASE_URL", "ftp://api.telegram.org", "http:// or https://"),
    ("TELEGRAM_BASE_URL", "http://host:99999", "not a URL"),
    ("TELEGRAM_WEBHOOK_URL", "http://dojo.example/hook", "https://"),
    ("TELEGRAM_WEBHOOK_URL", "https:///hook", "https://"),
    ("TELEGRAM_WEBHOOK_PORT", "0", "greater than or equal to 1"),
    ("TELEGRAM_WEBHOOK_PORT", "65536", "less than or equal to 65535"),
    ("TELEGRAM_WEBHOOK_PORT", "eighty", "valid integer"),
    ("DISCORD_BOT_TOKEN", "two words", "one word"),
    ("ANTHROPIC_API_KEY", "sk-ant\x07", "control characters"),
    ("ANTHROPIC_BASE_URL", "localhost:8080", "http:// or https://"),
    ("DOJO_MODEL", "claude sonnet", "model name"),
    ("DOJO_GENERATION_MODEL", "'haiku'", "model name"),
    ("DOJO_ADMINS", "ada", "platform:id"),
    ("DOJO_ADMINS", "slack:1", "platform:id"),
    ("DOJO_ADMINS", "console:", "platform:id"),
    ("DOJO_ADMINS", "telegram:123,telegram:@ada", "not a @name"),
    ("DOJO_ADMINS", "discord:my name", "not a @name"),
    ("DOJO_MONTHLY_AI_BUDGET_USD", "lots", "decimal"),
    ("DOJO_MONTHLY_AI_BUDGET_USD", "-1", "greater than or equal to 0"),
    ("DOJO_MONTHLY_AI_BUDGET_USD", "NaN", "finite"),
    ("DOJO_DATA_DIR", "   ", "directory path"),
    ("DOJO_WEB_PORT", "eighty", "valid integer"),
    ("DOJO_PUBLIC_URL", "dojo.example.org", "must be a URL"),
]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real .env and none of the machine's Dojo variables leak into these checks."""
    monkeypatch.chdir(tmp_path)
    for name in ALL_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_every_setting_has_a_malformed_case() -> None:
    assert set(ALL_NAMES) == {name for name, _, _ in MALFORMED}


@pytest.mark.parametrize(("name", "value", "reason"), MALFORMED)
def test_malformed_setting_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"Setting {name} is invalid: "), message
    assert reason in message
    assert "\n" not in message


def test_dojo_stops_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DOJO_LOG_LEVEL", "LOUD")
    assert main(["health"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "dojo: Setting DOJO_LOG_LEVEL is invalid: must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    ]


def test_env_file_is_checked_too(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DOJO_ADMINS=slack:ada\n")
    with pytest.raises(SettingsError, match="DOJO_ADMINS"):
        load_settings()


def test_well_formed_settings_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    good = {
        "DATABASE_URL": "postgres://dojo:secret@db:5432/dojo",
        "TELEGRAM_BOT_TOKEN": "123456:ABC-def_GHI",
        "TELEGRAM_BASE_URL": "http://127.0.0.1:8081",
        "TELEGRAM_WEBHOOK_URL": "https://dojo.example/tg-hook",
        "TELEGRAM_WEBHOOK_PORT": "8443",
        "DISCORD_BOT_TOKEN": "MTIz.abc.def",
        "ANTHROPIC_API_KEY": "sk-ant-xyz",
        "ANTHROPIC_BASE_URL": "http://localhost:9000/",
        "DOJO_MODEL": "claude-sonnet-5-5",
        "DOJO_GENERATION_MODEL": "claude-haiku-5-5",
        "DOJO_ADMINS": "telegram:123, discord:456,console:ada",
        "DOJO_MONTHLY_AI_BUDGET_USD": "2.50",
        "DOJO_LOG_LEVEL": "warning",
        "DOJO_DATA_DIR": "/srv/dojo",
        "DOJO_WEB_PORT": "8080",
        "DOJO_PUBLIC_URL": "https://dojo.example.org",
    }
    assert set(good) == set(ALL_NAMES)
    for name, value in good.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.database_url == "postgresql+asyncpg://dojo:secret@db:5432/dojo"
    assert settings.log_level == "WARNING"
    assert settings.admin_keys == {"telegram:123", "discord:456", "console:ada"}


def test_blank_optional_settings_mean_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_URL", "ANTHROPIC_BASE_URL"):
        monkeypatch.setenv(name, " ")
    settings = load_settings()
    assert settings.telegram_bot_token is None
    assert settings.telegram_webhook_url is None
    assert settings.anthropic_base_url is None
