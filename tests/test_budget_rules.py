"""What a call reserves, the key its spend is kept under, and the spend carried into the ledger."""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import text

from core.ai.pricing import (
    MESSAGE_OVERHEAD_TOKENS,
    REQUEST_OVERHEAD_TOKENS,
    input_token_bound,
    worst_case_cost,
)
from core.ai.spend import to_micros
from core.ai.spend_key import identity_key, learner_key
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.ports import LLMMessage, LLMRequest


def request(text_: str, max_tokens: int = 1000, schema: dict[str, Any] | None = None) -> LLMRequest:
    return LLMRequest(
        feature="review",
        system="sys",
        messages=(LLMMessage("user", text_),),
        schema=schema,
        max_tokens=max_tokens,
    )


def test_input_is_bounded_by_its_utf8_bytes_and_a_margin() -> None:
    cyrillic = "привет мир " * 100  # two bytes a letter: more tokens than characters / 4
    schema = {"type": "object", "properties": {"score": {"type": "integer"}}}
    bound = input_token_bound(request(cyrillic, schema=schema))
    sent = len(b"sys") + len(cyrillic.encode())
    assert len(cyrillic.encode()) > 2 * len(cyrillic) * 0.9
    assert bound == (
        sent
        + 2 * len(json.dumps(schema).encode())
        + REQUEST_OVERHEAD_TOKENS
        + MESSAGE_OVERHEAD_TOKENS
    )


def test_worst_case_prices_input_as_a_cache_write_and_all_of_max_tokens() -> None:
    # claude-sonnet-5-5: $2 input, $2.50 cache write, $10 output per million tokens.
    one = request("x" * 1000, max_tokens=2000)
    tokens = input_token_bound(one)
    expected = (tokens * Decimal("2.5") + 2000 * Decimal("10")) / 1_000_000
    millionth = Decimal("0.000001")
    assert worst_case_cost(one, "claude-sonnet-5-5") == expected.quantize(millionth, ROUND_CEILING)
    twice = (2 * expected).quantize(millionth, ROUND_CEILING)
    assert worst_case_cost(one, "claude-sonnet-5-5", answers=2) == twice
    # Unknown models are priced as the dearest Sonnet: never under-reserved.
    assert worst_case_cost(one, "claude-unknown") > worst_case_cost(one, "claude-sonnet-5-5")


def test_reservations_round_up_to_a_millionth() -> None:
    assert to_micros(Decimal("0.0000001")) == 1
    assert to_micros(Decimal("1.5")) == 1_500_000


def test_the_spend_key_is_a_salted_one_way_hash_of_the_platform_identity() -> None:
    key = identity_key("telegram", "123456789")
    assert len(key) == 64 and "123456789" not in key
    assert key == identity_key("telegram", "123456789")
    assert key != identity_key("discord", "123456789")
    import hashlib

    assert key != hashlib.sha256(b"telegram:123456789").hexdigest()  # salted


def test_a_linked_learner_spends_under_the_smallest_of_their_keys() -> None:
    accounts = [("telegram", "1"), ("discord", "2"), ("console", "ada")]
    assert learner_key(accounts) == min(identity_key(*account) for account in accounts)
    assert learner_key(reversed(accounts)) == learner_key(accounts)
    assert learner_key([]) is None


async def test_the_migration_carries_this_months_spend_over(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade(url, "0006")
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO users (id, display_name, time_zone, xp, level, streak_current,"
                    " streak_longest, streak_freezes, reminders_enabled, reminder_hour,"
                    " reminder_minute, announce_opt_out, leaderboard_opt_out, banned,"
                    " banned_notified, recent_chat_digests, created_at, updated_at) VALUES"
                    " (1, 'ada', 'UTC', 0, 1, 0, 0, 0, 0, 19, 0, 0, 0, 0, 0, '[]',"
                    " '2026-11-01 00:00:00', '2026-11-01 00:00:00')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO platform_accounts (platform, platform_user_id, user_id,"
                    " display_name, created_at) VALUES"
                    " ('discord', '42', 1, 'ada', '2026-11-01 00:00:00')"
                )
            )
            for cost, day in (("0.250000", "2026-11-03"), ("0.125000", "2026-11-20")):
                await connection.execute(
                    text(
                        "INSERT INTO ai_usage (user_id, feature, model, input_tokens,"
                        " output_tokens, cache_read_tokens, cache_write_tokens, cost_usd,"
                        " status, latency_ms, created_at) VALUES (1, 'review', 'm', 0, 0, 0,"
                        f" 0, {cost}, 'ok', 0, '{day} 10:00:00.000000')"
                    )
                )
        await upgrade(url)
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    text("SELECT identity_hash, month, spent_micros, reserved_micros FROM ai_spend")
                )
            ).all()
    finally:
        await engine.dispose()
    assert [tuple(row) for row in rows] == [
        (identity_key("discord", "42"), "2026-11-01", 375_000, 0)
    ]
