"""LLM cost: a 10-turn mock interview, one code review and one generated quiz, through the router
and the real Anthropic SDK against the local fake Messages API (which simulates prompt caching).

Prints input, cache-read and cache-write tokens, the cache-read share of the interview's input,
and the cost next to an uncached baseline (every input token at full price).
Targets: cache-read share >= 0.80; interview cost <= 30% of the uncached baseline. The cost
ratio counts output tokens on both sides (they cost 5x input and caching cannot cut them); the
input-only ratio is printed next to it.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from adapters.anthropic import AnthropicLLM
from bench.report import emit
from bot.app import build
from bot.settings import Settings
from core.ai.pricing import cost_of, price_for, uncached_cost_of
from core.db.models import AiUsage
from core.features.interview.prompts import REPORT_TOOL, TURN_TOOL
from core.ports import FixedClock, LLMUsage
from tests.conftest import START
from tests.fakes.anthropic_server import FakeAnthropic, Step, ToolUse, default_responder
from tests.support import ChatDriver

BENCH = "llm_cost"
MODEL = "claude-sonnet-4-6"
TURNS = 10
TOPICS = (
    "sharding the write path", "cache invalidation", "idempotent retries", "rate limiting",
    "queue back-pressure", "schema migrations", "read replicas", "observability",
    "failure domains", "capacity planning",
)  # fmt: skip
ANSWER = (
    "For {topic} I would first clarify the requirements: expected traffic, read/write ratio, "
    "latency targets and how stale data may be. Assuming about 5,000 requests per second at "
    "peak, I'd start simple and measure. The main trade-off is consistency against latency, "
    "so I would make the critical path idempotent, add timeouts and retries with jitter, and "
    "keep an eye on p99 latency and error budgets. If that is not enough, I'd partition by "
    "tenant, because it keeps hot spots contained, and I'd test the failure modes in staging."
)
CODE = """/review python
```python
def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)
```"""


def interviewer(body: dict[str, Any]) -> Step:
    """Realistic-length questions and a full report; other features get schema samples."""
    name = (body.get("tool_choice") or {}).get("name")
    turn = len(body["messages"]) // 2
    if name == TURN_TOOL:
        topic = TOPICS[turn % len(TOPICS)]
        message = (
            f"Thanks. Let's talk about {topic}. Suppose our order service must handle a "
            "tenfold traffic spike during a sale. Walk me through how you would approach "
            f"{topic} there, which trade-offs you would make, and what you would measure."
        )
        hint = f"Start from the requirements, then name one risk of {topic} and how to contain it."
        return ToolUse({"kind": "question", "message": message, "hint": hint})
    if name == REPORT_TOOL:
        points = [
            f"Point {i}: specific feedback tied to a moment of the interview." for i in range(3)
        ]
        scores = dict.fromkeys(
            ("communication", "code_quality", "requirements_gathering", "technical_depth"), 78
        )
        scores |= {"problem_solving": 81, "professionalism": 88}
        return ToolUse(
            {
                "overall": 80,
                "scores": scores,
                "strengths": points,
                "improvements": points,
                "next_steps": points,
                "summary": "Solid senior-level reasoning with clear trade-offs; deepen capacity math.",
            }
        )
    return default_responder(body)


def totals(rows: list[AiUsage]) -> dict[str, Any]:
    usages = [
        LLMUsage(
            r.model, r.input_tokens, r.output_tokens, r.cache_read_tokens, r.cache_write_tokens
        )
        for r in rows
    ]
    return {
        "calls": len(rows),
        "input": sum(u.input_tokens for u in usages),
        "read": sum(u.cache_read_tokens for u in usages),
        "write": sum(u.cache_write_tokens for u in usages),
        "output": sum(u.output_tokens for u in usages),
        "cost": sum((cost_of(u) for u in usages), Decimal(0)),
        "uncached": sum((uncached_cost_of(u) for u in usages), Decimal(0)),
    }


async def run(directory: Path) -> dict[str, dict[str, Any]]:
    async with FakeAnthropic(responder=interviewer) as fake:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            DATABASE_URL=f"sqlite+aiosqlite:///{directory / 'bench.db'}",
            ANTHROPIC_API_KEY="bench-key",
            DOJO_MODEL=MODEL,
            DOJO_DATA_DIR=str(directory),
        )
        llm = AnthropicLLM(api_key="bench-key", model=MODEL, base_url=fake.base_url)
        app = await build(settings, clock=FixedClock(START), llm=llm)
        try:
            ada = ChatDriver(app.router, "ada")
            await ada.say("/start backend senior UTC")
            await ada.say("/interview backend senior system-design neutral")
            for turn in range(TURNS):
                await ada.say(ANSWER.format(topic=TOPICS[turn]))
            report = await ada.say("/end")
            assert "Interview report" in report, report
            await ada.say(CODE)
            await ada.say("/quiz python 5")
            assert not fake.violations, fake.violations
            async with app.services.uow_factory() as uow:
                rows = list((await uow.session.scalars(select(AiUsage))).all())
                by_feature: dict[str, list[AiUsage]] = defaultdict(list)
                for row in rows:
                    by_feature[row.feature].append(row)
                return {feature: totals(items) for feature, items in by_feature.items()}
        finally:
            await llm.close()
            await app.close()


def report(figures: dict[str, dict[str, Any]]) -> None:
    for feature, numbers in sorted(figures.items()):
        for key in ("calls", "input", "read", "write", "output"):
            unit = "calls" if key == "calls" else "tokens"
            label = {"read": "cache-read", "write": "cache-write"}.get(key, key)
            emit(BENCH, f"{feature}: {label}", numbers[key], unit)
        emit(BENCH, f"{feature}: cost", float(numbers["cost"]), "USD")
        emit(BENCH, f"{feature}: uncached baseline", float(numbers["uncached"]), "USD")
    interview = figures.get("interview")
    if interview is None:
        emit(BENCH, "interview: ran", 0, "", target="1", met=False)
        return
    whole = interview["input"] + interview["read"] + interview["write"]
    share = interview["read"] / whole if whole else 0.0
    emit(
        BENCH, "interview: cache-read share of input", share, "", target=">= 0.80", met=share >= 0.8
    )
    ratio = float(interview["cost"] / interview["uncached"]) if interview["uncached"] else 1.0
    emit(BENCH, "interview: cost / uncached", ratio, "", target="<= 0.30", met=ratio <= 0.3)
    price = price_for(MODEL)
    cached_input = interview["read"] * price.cache_read + interview["write"] * price.cache_write
    input_ratio = float(cached_input / (whole * price.input)) if whole else 1.0
    emit(BENCH, "interview: input cost / uncached input cost", input_ratio, "")
    cost = sum((n["cost"] for n in figures.values()), Decimal(0))
    uncached = sum((n["uncached"] for n in figures.values()), Decimal(0))
    emit(BENCH, "all features: cost / uncached", float(cost / uncached) if uncached else 1.0, "")


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        report(asyncio.run(run(Path(directory))))


if __name__ == "__main__":
    main()
