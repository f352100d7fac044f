"""What the core needs to know of the configuration (bot/settings.py reads the environment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class CoreConfig:
    # `platform:id` keys of operators who are moderators everywhere (DOJO_ADMINS).
    admins: frozenset[str] = field(default_factory=frozenset)
    monthly_ai_budget_usd: Decimal = Decimal("3.00")
    model: str = "claude-sonnet-5-5"
    generation_model: str = "claude-haiku-5-5"
    # Where /report charts are written by adapters that cannot show images (the console).
    bot_username: str = ""
    max_message_chars: int = 25_000
    # DOJO_PUBLIC_URL without its trailing slash: the base of the web page addresses that
    # `/admin web on` shows (None: only the path can be shown).
    public_url: str | None = None
    # DOJO_WEB_PORT: whether this process serves the web pages (None: no web server).
    web_port: int | None = None
