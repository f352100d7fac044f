"""Offline code reviews: static analysis that never runs code, honest heuristics, XP rules."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.app import Dojo
from core.db.models import CodeReview, XpLedger
from core.features.review.complexity import cyclomatic, functions
from core.features.review.offline import offline_review
from core.messages import Attachment
from core.ports import FixedClock
from tests.support import ChatDriver

CLEAN = '''"""Totals."""


def total(prices: list[float]) -> float:
    """Sum prices, ignoring refunds."""
    return sum(price for price in prices if price > 0)
'''

MESSY = """import os
import sys


def handle(x=[]):
    try:
        return eval(x)
    except:
        return undefined_name
"""


def fenced(code: str, tag: str = "python") -> str:
    return f"```{tag}\n{code}```"


async def xp_rows(dojo: Dojo) -> list[tuple[str, int]]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.execute(
            select(XpLedger.source, XpLedger.amount).where(XpLedger.source.like("code_review%"))
        )
        return sorted((source, amount) for source, amount in rows)


def test_python_findings_have_lines_and_severities() -> None:
    result = offline_review(MESSY, "python")
    found = {(f.line, f.severity, f.message) for f in result.findings}
    assert (1, "warning", "'os' imported but unused") in found
    assert (9, "error", "undefined name 'undefined_name'") in found
    messages = " ".join(f.message for f in result.findings)
    assert "Bare except" in messages and "Mutable default" in messages and "eval()" in messages
    assert not result.approved and result.offline
    assert result.suggestion


def test_a_syntax_error_names_its_line_and_caps_the_score() -> None:
    result = offline_review("def ok():\n    return 1\n\ndef broken(:\n    pass\n", "python")
    assert result.findings[0].line == 4 and result.findings[0].severity == "error"
    assert "Syntax error" in result.findings[0].message
    assert result.score <= 40


def test_clean_code_is_approved() -> None:
    result = offline_review(CLEAN, "python")
    assert result.approved and result.findings == ()


def test_complexity_is_counted_from_the_tree() -> None:
    source = "def f(a, b):\n    if a and b:\n        return [x for x in a if x]\n    while b:\n        b -= 1\n"
    (function,) = functions(__import__("ast").parse(source))
    # 1 + if + and + comprehension (for + if) + while
    assert cyclomatic(function) == 6
    branches = "\n".join(f"    if x == {n}:\n        return {n}" for n in range(12))
    result = offline_review(f"def many(x):\n{branches}\n", "python")
    assert any("cyclomatic complexity 13" in f.message for f in result.findings)


def test_code_is_parsed_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit(3)\n"
    offline_review(source, "python")
    assert not marker.exists()


def test_other_languages_get_labelled_heuristics() -> None:
    nested = "function f(a) {\n" + "".join("  " * i + "if (a) {\n" for i in range(1, 7))
    nested += "".join("  " * i + "}\n" for i in range(6, 0, -1)) + "}\n"
    repeated = '  console.log("the same long line of output");\n' * 3
    result = offline_review(nested + repeated + "// TODO tidy\n", "javascript")
    assert "heuristics" in result.method and "no parser" in result.method
    messages = [f.message for f in result.findings]
    assert any("nested" in m for m in messages)
    assert any("appears 3 times" in m for m in messages)
    assert any("TODO" in m for m in messages)
    assert offline_review("const x = 1;\n", "javascript").score <= 90


async def test_review_in_one_message_awards_request_and_approval(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    answer = await ada.say(f"/review python\n{fenced(CLEAN)}")
    assert "Code review (python)" in answer and "Approved" in answer
    assert "Offline review" in answer and "Suggested improvement" in answer
    assert await xp_rows(dojo) == [("code_review_completed", 30), ("code_review_requested", 15)]
    async with dojo.services.uow_factory() as uow:
        review = await uow.session.scalar(select(CodeReview))
        assert review is not None
        assert (review.status, review.model, review.approved) == ("completed", "offline", True)


async def test_changes_needed_earns_only_the_request_xp(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    answer = await ada.say(f"/review\n{fenced(MESSY, 'py')}")
    assert "Changes needed" in answer and "line 9" in answer
    assert await xp_rows(sqlite_dojo) == [("code_review_requested", 15)]


async def test_code_in_the_next_message(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    prompt = await ada.say("/review go")
    assert "next message" in prompt
    answer = await ada.say(fenced('package main\n\nfunc main() {\n\tprintln("hi")\n}\n', ""))
    assert "Code review (go)" in answer and "heuristics" in answer
    # The request is used up: the next plain message is not reviewed.
    assert "Code review" not in await ada.say(fenced("x = 1\n"))


async def test_language_is_guessed_and_files_are_accepted(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    assert "Code review (python)" in await ada.say(f"/review\n{fenced(CLEAN, '')}")
    upload = Attachment("main.rs", b'fn main() {\n    println!("hi");\n}\n')
    assert "Code review (rust)" in await ada.say("/review", attachments=(upload,))


async def test_refused_work_gets_one_line_and_no_xp(sqlite_dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    empty = await ada.say("/review python\n```python\n```")
    too_long = await ada.say("/review\n" + fenced("x = 1\n" * 3500))
    paste = await ada.say("/review\n" + fenced("y = 2\n" * 8400))  # 50,000+ characters
    binary = await ada.say("/review\n```\n\x00\x01\x02\x03binary\x04\x05\n```")
    assert "no code" in empty
    assert "21,000 characters" in too_long and "20,000" in too_long
    assert "too long" in paste and "50,4" in paste
    assert "binary" in binary
    await ada.say("/review")
    no_code = await ada.say("thanks, that is all")
    assert "no code" in no_code
    assert "waiting" in await ada.say("/review cancel")
    for text in (empty, too_long, paste, binary, no_code):
        assert "\n" not in text
    assert await xp_rows(sqlite_dojo) == []


async def test_a_request_expires_and_can_be_cancelled(sqlite_dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await ada.say("/review")
    assert "cancelled" in await ada.say("/review cancel")
    await ada.say("/review")
    clock.advance(hours=1)
    assert "Code review" not in await ada.say(fenced(CLEAN))
    async with sqlite_dojo.services.uow_factory() as uow:
        statuses = sorted((await uow.session.scalars(select(CodeReview.status))).all())
    assert statuses == ["cancelled", "expired"]


async def test_code_after_review_is_reviewed_even_mid_interview(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    started = await ada.say("/interview backend junior")
    await ada.say("/review")
    assert "Code review (python)" in await ada.say(fenced(CLEAN))
    # With a review waiting, plain answers still belong to the interview.
    await ada.say("/review")
    answered = await ada.say("I would start by asking about the requirements.")
    assert answered and "no code" not in answered and "Code review" not in answered
    async with sqlite_dojo.services.uow_factory() as uow:
        statuses = sorted((await uow.session.scalars(select(CodeReview.status))).all())
    assert statuses == ["awaiting_code", "completed"]
    assert "interview" in started.lower()
