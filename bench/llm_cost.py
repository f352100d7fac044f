"""LLM cost: a 10-turn mock interview, one code review and one generated quiz, through the router
and the real Anthropic SDK against the local fake Messages API (which simulates prompt caching
and checks every request as the API checks it for the default models).

Prints a table and, through bench.report.emit, each figure: input, cache-read and cache-write
tokens, the cache-read share of the interview's input, and the cost next to an uncached
baseline (every input token at full price). Targets: cache-read share >= 0.80; interview cost
<= 30% of the uncached baseline. The cost ratio counts output tokens on both sides (they cost
5x input and caching cannot cut them); the input-only ratio is printed next to it.

The scripted answers are what the prompts ask for: interview questions of at most about 60
words, one hint (the learner asks once), a report of three points per list, a review with a
few findings, five valid quiz questions (so the quiz is really generated, not the bank's).
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
from core.features.interview.prompts import HINT_REQUEST
from core.ports import FixedClock, LLMUsage
from tests.conftest import START
from tests.fakes.anthropic_server import FakeAnthropic, Json, Step, default_responder
from tests.support import ChatDriver

BENCH = "llm_cost"
MODEL = "claude-sonnet-5-5"
TURNS = 10
HINT_AT = 4  # the learner asks for one hint, before this answer
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
REPORT = {
    "overall": 79,
    "scores": {
        "communication": 82,
        "code_quality": 70,
        "requirements_gathering": 85,
        "technical_depth": 76,
        "problem_solving": 80,
        "professionalism": 88,
    },
    "strengths": [
        "Opened every design answer by pinning down traffic, read/write ratio and staleness.",
        "Made retries safe with idempotency keys before adding them, as in the payments answer.",
        "Named p99 latency and error budgets as the signals to watch, not just averages.",
    ],
    "improvements": [
        "Capacity estimates stayed vague: derive storage and QPS per node from the 5k rps figure.",
        "Sharding by tenant ignored hot tenants; a strong answer adds splitting or isolation.",
        "Schema migration skipped the backfill: expand, backfill in batches, then contract.",
    ],
    "next_steps": [
        "Practise two back-of-the-envelope estimates a day (QPS, storage, bandwidth).",
        "Read about consistent hashing and hot-key mitigation, then redo the sharding question.",
        "In the next interview, state the failure mode before proposing each mechanism.",
    ],
}
SUMMARY = (
    "Solid senior-level reasoning with clear requirements and trade-offs; capacity math and "
    "hot-spot handling need depth before a senior loop."
)
REVIEW = {
    "score": 62,
    "summary": "Correct for non-empty lists, but it crashes on an empty one.",
    "findings": [
        {"line": 6, "severity": "error", "message": "An empty list raises ZeroDivisionError."},
        {"line": 3, "severity": "info", "message": "sum(values) replaces the manual loop."},
        {"line": 1, "severity": "info", "message": "Add type hints and a docstring."},
    ],
    "suggestion": "Return None (or raise a clear ValueError) for an empty list, then use sum().",
}
QUIZ = [
    (
        "What does a Python generator return when called?",
        ["A generator object", "A list of all values", "The first yielded value", "None"],
        0,
        "Calling a generator function runs no code yet; it returns a generator object.",
    ),
    (
        "Which structure gives O(1) average membership tests?",
        ["list", "tuple", "set", "str"],
        2,
        "Sets are hash tables, so `in` is O(1) on average; lists and tuples scan.",
    ),
    (
        "What does `is` compare in Python?",
        ["Values", "Identity of objects", "Types only", "Hash codes"],
        1,
        "`is` checks whether two names refer to the same object; `==` compares values.",
    ),
    (
        "Why is a mutable default argument risky?",
        [
            "It is evaluated once and shared between calls",
            "It is copied on every call",
            "It makes the function slower",
            "It is a syntax error",
        ],
        0,
        "Defaults are evaluated once at definition time, so mutations persist across calls.",
    ),
    (
        "What does the GIL prevent in CPython?",
        [
            "Running two threads' bytecode at the same time",
            "Using more than one process",
            "Asynchronous I/O",
            "Importing C extensions",
        ],
        0,
        "The GIL lets one thread execute bytecode at a time; processes sidestep it.",
    ),
]


def question_for(turn: int) -> str:
    topic = TOPICS[turn % len(TOPICS)]
    return (
        f"Thanks, that's clear. Now {topic}: our order service must survive a tenfold traffic "
        f"spike during a sale. How would you approach {topic} there, which trade-offs would "
        "you accept, and what would you measure to know it works?"
    )


def responder(body: dict[str, Any]) -> Step:
    """Answers of the length the instructions ask for, per feature and interview step."""
    last = body["messages"][-1]["content"][-1]["text"]
    properties = ((body.get("output_config") or {}).get("format") or {}).get("schema", {})
    fields = set(properties.get("properties", {}))
    if "kind" in fields:
        if last == HINT_REQUEST:
            return Json({"kind": "hint", "message": "Start from the peak load and the one "
                         "resource that saturates first."})  # fmt: skip
        if last.startswith("<end_of_interview/>"):
            return Json({"kind": "report", "message": SUMMARY, "report": REPORT})
        return Json({"kind": "question", "message": question_for(len(body["messages"]) // 2)})
    if "findings" in fields:
        return Json(REVIEW)
    if "questions" in fields:
        questions = [
            {
                "topic": "python",
                "difficulty": "mid",
                "question": text,
                "options": options,
                "correct": correct,
                "explanation": why,
            }
            for text, options, correct, why in QUIZ
        ]
        return Json({"questions": questions})
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
    async with FakeAnthropic(responder=responder) as fake:
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
                if turn == HINT_AT:
                    assert "resource that saturates" in await ada.say("/hint")
                await ada.say(ANSWER.format(topic=TOPICS[turn]))
            report = await ada.say("/end")
            assert "assessed by Claude" in report and "79/100" in report, report
            review = await ada.say(CODE)
            assert "62/100" in review and "Offline" not in review, review
            quiz = await ada.say("/quiz python 5")
            assert "AI-written" in quiz and "offline" not in quiz, quiz
            assert not fake.violations, fake.violations
            async with app.services.uow_factory() as uow:
                rows = list((await uow.session.scalars(select(AiUsage))).all())
                by_feature: dict[str, list[AiUsage]] = defaultdict(list)
                for row in rows:
                    by_feature[row.feature].append(row)
                return {feature: totals(items) for feature, items in by_feature.items()}
        finally:
            await app.close()


def table(figures: dict[str, dict[str, Any]]) -> None:
    columns = ("calls", "input", "read", "write", "output", "cost", "uncached")
    print(f"{'feature':<10}" + "".join(f"{name:>12}" for name in columns))
    for feature, numbers in sorted(figures.items()):
        cells = [
            f"{float(numbers[key]):>12.6f}"
            if key in ("cost", "uncached")
            else f"{numbers[key]:>12,}"
            for key in columns
        ]
        print(f"{feature:<10}" + "".join(cells))


def report(figures: dict[str, dict[str, Any]]) -> None:
    table(figures)
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
