"""Settings from the environment or `.env`, validated at start with one clear line per problem."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.config import CoreConfig

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/dojo.db"
PLATFORMS = ("telegram", "discord", "console")


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

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        for plain in ("postgres://", "postgresql://"):
            if value.startswith(plain):
                return "postgresql+asyncpg://" + value[len(plain) :]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("admins")
    @classmethod
    def _admins(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            platform, sep, ident = entry.partition(":")
            if not sep or platform not in PLATFORMS or not ident:
                raise ValueError(f"entry {entry!r} should be platform:id, e.g. telegram:123")
        return value

    @field_validator("telegram_bot_token", "discord_bot_token", "anthropic_api_key", mode="before")
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
        )


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]) if first.get("loc") else "setting"
        raise SettingsError(f"Setting {name} is invalid: {first['msg']}") from None
