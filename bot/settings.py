"""Settings from the environment or `.env`, validated at start with one clear line per problem."""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from core.config import CoreConfig

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/dojo.db"
PLATFORMS = ("telegram", "discord", "console")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TELEGRAM_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@/-]*")  # a model name: no spaces, no quotes


def _url(value: str, schemes: tuple[str, ...]) -> str:
    """A URL with one of `schemes` and a host; anything else would fail much later, obscurely."""
    value = value.strip()
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError as error:
        raise ValueError(f"is not a URL ({error})") from None
    if parts.scheme not in schemes or not parts.hostname:
        raise ValueError(f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
    if any(char.isspace() for char in value):
        raise ValueError("must not contain spaces")
    return value


class SettingsError(Exception):
    """A missing or malformed setting; the message names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field(default=DEFAULT_DATABASE_URL, alias="DATABASE_URL")
    telegram_bot_token: str | None = Field(default=None, alias="TELEGRAM_BOT_TOKEN")
    telegram_base_url: str = Field(default="https://api.telegram.org", alias="TELEGRAM_BASE_URL")
    telegram_webhook_url: str | None = Field(default=None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_port: int = Field(default=8443, alias="TELEGRAM_WEBHOOK_PORT", ge=1, le=65535)
    discord_bot_token: str | None = Field(default=None, alias="DISCORD_BOT_TOKEN")
    anthropic_api_key: str | None = Field(default=None, alias="ANTHROPIC_API_KEY")
    anthropic_base_url: str | None = Field(default=None, alias="ANTHROPIC_BASE_URL")
    model: str = Field(default="claude-sonnet-5-5", alias="DOJO_MODEL")
    generation_model: str = Field(default="claude-haiku-5-5", alias="DOJO_GENERATION_MODEL")
    admins: str = Field(default="", alias="DOJO_ADMINS")
    monthly_ai_budget_usd: Decimal = Field(
        default=Decimal("3.00"), alias="DOJO_MONTHLY_AI_BUDGET_USD", ge=0, le=10_000
    )
    log_level: str = Field(default="INFO", alias="DOJO_LOG_LEVEL")
    data_dir: str = Field(default="./data", alias="DOJO_DATA_DIR")
    # The public web leaderboard (adapters/web): unset, no web server is started.
    web_port: int | None = Field(default=None, alias="DOJO_WEB_PORT", ge=1, le=65535)
    # The address the web server is reached at, the base of the page addresses /admin web shows.
    public_url: str | None = Field(default=None, alias="DOJO_PUBLIC_URL")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        for plain in ("postgres://", "postgresql://"):
            if value.startswith(plain):
                return "postgresql+asyncpg://" + value[len(plain) :]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        try:
            url = make_url(value)
        except (ArgumentError, ValueError) as error:
            raise ValueError(f"is not a database URL ({error})") from None
        if url.get_backend_name() == "postgresql" and not url.host:
            raise ValueError("names no host: postgresql+asyncpg://user:pass@host/db")
        return value

    @field_validator("telegram_base_url", "anthropic_base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return None if value is None else _url(value, ("http", "https"))

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        # Page paths are appended to it: a query or fragment would swallow them.
        if value is None:
            return None
        value = _url(value, ("http", "https"))
        parts = urlsplit(value)
        if parts.query or parts.fragment:
            raise ValueError("must be a plain base address, without ?query or #fragment")
        return value

    @field_validator("telegram_webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        # Telegram delivers webhooks over HTTPS only.
        return None if value is None else _url(value, ("https",))

    @field_validator("telegram_bot_token")
    @classmethod
    def _telegram_token(cls, value: str | None) -> str | None:
        if value is not None and not _TELEGRAM_TOKEN.fullmatch(value.strip()):
            raise ValueError("should look like 123456:ABC-DEF... as BotFather gives it")
        return None if value is None else value.strip()

    @field_validator("discord_bot_token", "anthropic_api_key")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        if value is not None and (
            any(c.isspace() for c in value.strip()) or not value.isprintable()
        ):
            raise ValueError("must be one word with no spaces or control characters")
        return None if value is None else value.strip()

    @field_validator("model", "generation_model")
    @classmethod
    def _model(cls, value: str) -> str:
        if not _NAME.fullmatch(value.strip()):
            raise ValueError("should be a model name such as claude-sonnet-5-5")
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("data_dir")
    @classmethod
    def _data_dir(cls, value: str) -> str:
        if not value.strip() or "\0" in value:
            raise ValueError("must be a directory path")
        return value.strip()

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            platform, sep, ident = entry.partition(":")
            if not sep or platform not in PLATFORMS or not ident.strip():
                raise ValueError(f"entry {entry!r} should be platform:id, e.g. telegram:123")
            if ident.startswith("@") or any(char.isspace() for char in ident):
                raise ValueError(
                    f"entry {entry!r}: use the account's id (e.g. {platform}:123), not a @name"
                )
        return value

    @field_validator(
        "telegram_bot_token",
        "discord_bot_token",
        "anthropic_api_key",
        "anthropic_base_url",
        "telegram_webhook_url",
        "public_url",
        "web_port",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def admin_keys(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.admins.split(",") if part.strip())

    def core_config(self) -> CoreConfig:
        return CoreConfig(
            admins=self.admin_keys,
            monthly_ai_budget_usd=self.monthly_ai_budget_usd,
            model=self.model,
            generation_model=self.generation_model,
            public_url=(self.public_url or "").rstrip("/") or None,
            web_port=self.web_port,
        )


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "setting"
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"Setting {name} is invalid: {message}") from None
