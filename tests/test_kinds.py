"""Execution kinds: every handler declares QUICK, MAY_CALL_MODEL or SLOW, and the router, not
the handler, decides from it what runs in a batch, what runs alone and what context it gets.
Quick handlers cannot reach a commit, a checkpoint, the raw session, the write gate or a
notifier: mypy refuses them, and at run time there is nothing to call."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from mypy import api as mypy_api
from sqlalchemy import select, text

from bot.app import Dojo, build
from core import codec
from core.banks import QuestionBanks
from core.context import Context, QuickContext, Services
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.db.models import User
from core.db.uow import UnitOfWork
from core.features.interview import abandon_idle_interviews
from core.kinds import Kind
from core.messages import ChatKind, CommunityRef, Platform
from core.open_work import OpenWork
from core.ports import FixedClock
from core.registry import action, command, text_handler
from tests.conftest import make_settings
from tests.fakes.interview_bank import tiny_bank
from tests.support import ChatDriver, text_of

ROOT = Path(__file__).resolve().parents[1]
GROUP = CommunityRef(Platform.TELEGRAM, "-77", "Kinds group")
# What a quick handler must not find on its context, its unit of work or its services.
NOT_ON_QUICK_CONTEXT = ("checkpoint", "gate", "_unit")
NOT_ON_QUICK_UOW = ("commit", "rollback", "savepoint", "session", "claim_and_preload", "shared")
NOT_ON_QUICK_SERVICES = ("uow_factory", "notifier", "write_gate", "llm")


@pytest.fixture
async def app(sqlite_url: str, clock: FixedClock) -> AsyncIterator[Dojo]:
    dojo = await build(make_settings(sqlite_url), clock=clock)
    dojo.services.banks = QuestionBanks(interview=tiny_bank())
    yield dojo
    await dojo.close()


async def open_work_of(app: Dojo, name: str) -> OpenWork:
    async with app.services.uow_factory() as uow:
        value = await uow.session.scalar(select(User.open_work).where(User.display_name == name))
    return OpenWork(value or 0)


def spy_on_handlers(app: Dojo) -> dict[str, list[object]]:
    """Wrap every registered handler so each call records the context it was given."""
    seen: dict[str, list[object]] = {}
    registry = app.router.registry

    def spy(name: str, handler: Callable[[Any], Awaitable[Any]]) -> Callable[[Any], Any]:
        async def recorded(context: Any) -> Any:
            seen.setdefault(name, []).append(context)
            return await handler(context)

        return recorded

    for name, (command_spec, handler) in list(registry.commands.items()):
        registry.commands[name] = (command_spec, spy(name, handler))
    for name, (action_spec, handler) in list(registry.actions.items()):
        registry.actions[name] = (action_spec, spy(name, handler))
    registry.text_handlers = [
        (spec, spy(spec.name, handler)) for spec, handler in registry.text_handlers
    ]
    return seen


def kinds(app: Dojo) -> dict[str, Kind]:
    registry = app.router.registry
    found = {spec.name: spec.kind for spec, _ in registry.commands.values()}
    found |= {spec.name: spec.kind for spec, _ in registry.actions.values()}
    found |= {spec.name: spec.kind for spec, _ in registry.text_handlers}
    return found


async def test_every_quick_handler_gets_a_context_without_a_transaction(app: Dojo) -> None:
    declared = kinds(app)
    assert set(declared.values()) == set(Kind), "every kind is in use"
    seen = spy_on_handlers(app)
    ada = ChatDriver(app.router, "ada")
    await ada.say("/start")
    await ada.press("Backend")  # the onboarding buttons
    await ada.say("mid")  # the onboarding's typed answer
    for line in (
        "/start backend mid UTC",
        "/help",
        "/help xp",
        "/profile",
        "/badges",
        "/streak",
        "/leaderboard",
        "/usage",
        "/settings",
        "/remind off",
        "/link",
        "/export",
        "what should I study next?",
    ):
        await ada.say(line)
    await ada.say("/forget")
    await ada.press("Cancel")  # /forget's confirmation
    await ada.say("/remind on")
    await ada.press_data(codec.encode("rm", "off"))
    await ada.say("/link NOPE-NOPE")
    await ada.press_data(codec.encode("lk", "no", "NOPE-NOPE", "0"))  # not hers: refused
    member = ChatDriver(app.router, "bob", Platform.TELEGRAM, "-77", ChatKind.GROUP, GROUP)
    await member.say("a long enough message about tries and hash maps in the group")
    await member.press_data(codec.encode("lv", "1", "0"))  # a live round's answer
    for duel_button in ("dy", "dn"):  # duel buttons for a challenge that does not exist
        await member.press_data(codec.encode(duel_button, "999"))
    await ada.press_data(codec.encode("da", "999", "0", "0"))
    await ada.say("/interview backend mid")
    await ada.say("I would add an index on the column the query filters on.")
    await ada.say("/end")
    await ada.say("/quiz")
    poll = next(item.poll for item in ada.last if item.poll is not None)
    await ada.press_data(f"{poll.answer_data}:0")  # an answer: a quick action
    await ada.say("/quiz")
    await ada.say("2")  # a typed answer
    await ada.press_data(codec.encode("dq", "999999", "0"))  # a daily answer (none such)

    quick = {name for name, kind in declared.items() if kind is Kind.QUICK}
    assert quick <= set(seen), f"not exercised: {sorted(quick - set(seen))}"
    for name, contexts in seen.items():
        for context in contexts:
            if declared[name] is Kind.QUICK:
                assert type(context) is QuickContext, name
                assert not any(hasattr(context, what) for what in NOT_ON_QUICK_CONTEXT), name
                # Nor, under another name, the unit of work or the full services themselves.
                fields = vars(context).values()
                assert not any(isinstance(v, UnitOfWork | Services) for v in fields), name
                uow = context.uow
                assert not any(hasattr(uow, what) for what in NOT_ON_QUICK_UOW), name
                services = context.services
                assert not any(hasattr(services, what) for what in NOT_ON_QUICK_SERVICES), name
            else:
                assert type(context) is Context, name
    assert {"quiz", "interview", "interview-answer"} <= set(seen)


MISBEHAVING = """
from core.context import Context, QuickContext
from core.kinds import Kind
from core.messages import Reply
from core.ports import LLMRequest
from core.registry import action, command, text_handler


@command("sneaky", "A quick command that commits inside its batch", kind=Kind.QUICK)
async def sneaky(context: QuickContext) -> list[Reply]:
    await context.checkpoint()
    await context.uow.commit()
    async with context.uow.savepoint():
        pass
    await context.uow.session.commit()
    context.gate.release()
    context.services.notifier
    context.services.uow_factory()
    return []


@action("wide", kind=Kind.QUICK)
async def wide(context: Context) -> list[Reply]:
    return []


@text_handler("model-in-a-batch", priority=1, kind=Kind.QUICK)
async def model_in_a_batch(context: QuickContext) -> list[Reply] | None:
    gateway = context.services.ai
    assert gateway is not None
    await gateway.complete(context, LLMRequest("quiz", "", ()))
    return None


@command("odd", "Only a text handler may call a model now and then", kind=Kind.MAY_CALL_MODEL)
async def odd(context: Context) -> list[Reply]:
    return []


@command("fine", "A slow command may commit before it waits", kind=Kind.SLOW)
async def fine(context: Context) -> list[Reply]:
    await context.checkpoint()
    await context.uow.commit()
    return []
"""


def test_mypy_refuses_a_quick_handler_that_reaches_for_the_transaction(tmp_path: Path) -> None:
    fixture = tmp_path / "misbehaving_handlers.py"
    fixture.write_text(textwrap.dedent(MISBEHAVING))
    out, err, status = mypy_api.run(
        [
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-error-summary",
            "--show-error-codes",
            str(fixture),
        ]
    )
    assert status == 1, err
    errors = [line.split(": error: ", 1)[1] for line in out.splitlines() if ": error: " in line]
    expected = [
        '"QuickContext" has no attribute "checkpoint"',
        '"Repositories" has no attribute "commit"',
        '"Repositories" has no attribute "savepoint"',
        '"Repositories" has no attribute "session"',
        '"QuickContext" has no attribute "gate"',
        '"QuickServices" has no attribute "notifier"',
        '"QuickServices" has no attribute "uow_factory"',
        'Argument 1 has incompatible type "Callable[[Context], Coroutine[Any, Any, list[Reply]]]"',
        'Argument 1 to "complete" of "AiGateway" has incompatible type "QuickContext"; '
        'expected "Caller"',
        'No overload variant of "command" matches argument types "str", "str", "Kind"',
    ]
    for message in expected:
        assert any(message in line for line in errors), (message, out)
    # Nothing else is refused: the SLOW handler, checkpoint and all, is fine.
    lines = {int(line.split(":")[1]) for line in out.splitlines() if ": error: " in line}
    slow_start = (
        textwrap.dedent(MISBEHAVING)
        .splitlines()
        .index('@command("fine", "A slow command may commit before it waits", kind=Kind.SLOW)')
    )
    assert all(line <= slow_start for line in lines), out
    assert len(errors) == len(expected), out


def test_commands_are_quick_or_slow_and_text_handlers_never_slow() -> None:
    """Only a plain message can be handed back by its batch when its learner has model work
    open, so MAY_CALL_MODEL is for text handlers, and a text handler is never SLOW."""
    with pytest.raises(ValueError, match="command is quick or slow"):
        command("odd", "odd", kind=Kind.MAY_CALL_MODEL)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="button is quick or slow"):
        action("odd", kind=Kind.MAY_CALL_MODEL)  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="text handler is quick or may_call_model"):
        text_handler("odd", 1, kind=Kind.SLOW)  # type: ignore[call-overload]


def test_a_may_call_model_text_handler_names_the_open_work_it_serves() -> None:
    with pytest.raises(ValueError, match="open work is what a MAY_CALL_MODEL one serves"):
        text_handler("odd", 1, kind=Kind.MAY_CALL_MODEL, serves=OpenWork.NONE)
    with pytest.raises(ValueError, match="open work is what a MAY_CALL_MODEL one serves"):
        text_handler("odd", 1, kind=Kind.QUICK, serves=OpenWork.REVIEW)  # type: ignore[call-overload]


async def test_open_work_runs_only_the_text_handler_that_serves_it(app: Dojo) -> None:
    """A learner with a review waiting for code, and no interview, sends a plain message: the
    review's handler looks at it, the interview's is not asked (and the other way round)."""
    seen = spy_on_handlers(app)
    ada = ChatDriver(app.router, "ada")
    await ada.say("/start backend mid UTC")
    assert "Send the code" in await ada.say("/review")
    await ada.say("just a thought, not code")
    assert "review-code" in seen and "interview-answer" not in seen
    await ada.say("/review cancel")
    seen.clear()
    await ada.say("/interview backend mid")
    await ada.say("I would add an index on the filtered column.")
    assert "interview-answer" in seen and "review-code" not in seen


async def test_the_reminders_quiz_button_runs_alone_and_reruns_no_batch(app: Dojo) -> None:
    """The `go` button runs /quiz, which is SLOW: it never joins a batch (it used to, and
    /quiz's early commit sent the whole batch to run again)."""
    people = [
        ChatDriver(app.router, f"p{n}", Platform.TELEGRAM, "-77", ChatKind.GROUP, GROUP)
        for n in range(6)
    ]
    for person in people:
        await person.say("/start backend mid UTC")
    press = people[0].incoming("", action=codec.decode("dj:go:quiz"))
    assert app.router.kind_of(press) is Kind.SLOW
    assert app.router.kind_of(people[0].incoming("", action=codec.decode("dj:go:streak"))) is (
        Kind.QUICK
    )
    reruns, batches = app.router.batcher.rerun, app.router.batcher.batches
    events = [(person, person.incoming("/streak")) for person in people[1:]]
    events.insert(2, (people[0], press))
    answers = await asyncio.gather(*(person.send(event) for person, event in events))
    assert app.router.batcher.rerun == reruns
    assert app.router.batcher.batches > batches
    quiz = answers[2]
    assert quiz and (quiz[0].poll or quiz[0].buttons), text_of(quiz)
    assert all("streak" in text_of(answer).lower() for answer in answers[:2] + answers[3:])


async def test_open_work_follows_interviews_and_reviews(app: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(app.router, "ada")
    await ada.say("/start backend mid UTC")
    assert await open_work_of(app, "ada") == OpenWork.NONE
    await ada.say("/interview backend mid")
    assert await open_work_of(app, "ada") == OpenWork.INTERVIEW
    assert "Send the code" in await ada.say("/review")
    assert await open_work_of(app, "ada") == OpenWork.INTERVIEW | OpenWork.REVIEW
    assert "cancelled" in await ada.say("/review cancel")
    assert await open_work_of(app, "ada") == OpenWork.INTERVIEW
    # With work open, a plain message is handed back by its batch and runs alone.
    reruns = app.router.batcher.rerun
    await ada.say("I would add an index on the filtered column.")
    assert app.router.batcher.rerun == reruns + 1
    await ada.say("/end")
    assert await open_work_of(app, "ada") == OpenWork.NONE
    reruns = app.router.batcher.rerun
    assert "not sure what you mean" in await ada.say("I would add an index, I think.")
    assert app.router.batcher.rerun == reruns, "no open work: the message stays in its batch"

    bob = ChatDriver(app.router, "bob")
    await bob.say("/interview data mid databases")
    assert await open_work_of(app, "bob") == OpenWork.INTERVIEW
    clock.advance(hours=24)
    assert await abandon_idle_interviews(app.services.uow_factory, clock.now()) == 1
    assert await open_work_of(app, "bob") == OpenWork.NONE


async def test_the_migration_fills_open_work_from_what_is_open(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await upgrade(url, "0013")
    engine = create_engine(url)
    now = "'2026-11-01 00:00:00'"
    try:
        async with engine.begin() as connection:
            for user_id, name in ((1, "ada"), (2, "bob"), (3, "cy"), (4, "dee")):
                await connection.execute(
                    text(
                        "INSERT INTO users (id, display_name, time_zone, xp, level,"
                        " streak_current, streak_longest, streak_freezes, reminders_enabled,"
                        " reminder_hour, reminder_minute, announce_opt_out,"
                        " leaderboard_opt_out, banned, banned_notified, recent_chat_digests,"
                        f" created_at, updated_at) VALUES ({user_id}, '{name}', 'UTC', 0, 1,"
                        f" 0, 0, 0, 0, 19, 0, 0, 0, 0, 0, '[]', {now}, {now})"
                    )
                )
            for user_id, status in ((1, "active"), (3, "active"), (4, "completed")):
                await connection.execute(
                    text(
                        "INSERT INTO interview_sessions (user_id, chat_key, role, difficulty,"
                        " focus_areas, persona, mode, status, pending, transcript, state,"
                        f" created_at, updated_at) VALUES ({user_id}, 'console:x', 'backend',"
                        f" 'mid', '[]', 'friendly', 'offline', '{status}', 0, '[]', '{{}}',"
                        f" {now}, {now})"
                    )
                )
            for user_id, status in ((2, "awaiting_code"), (3, "awaiting_code"), (4, "expired")):
                await connection.execute(
                    text(
                        "INSERT INTO code_reviews (user_id, chat_key, language, code, findings,"
                        f" model, status, created_at) VALUES ({user_id}, 'console:x', '', '',"
                        f" '[]', '', '{status}', {now})"
                    )
                )
        await upgrade(url)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT id, open_work FROM users"))).all()
    finally:
        await engine.dispose()
    assert sorted(tuple(row) for row in rows) == [
        (1, OpenWork.INTERVIEW),
        (2, OpenWork.REVIEW),
        (3, OpenWork.INTERVIEW | OpenWork.REVIEW),
        (4, OpenWork.NONE),
    ]
