"""Question packs through the core: /admin pack add|list|remove|only, the checks on a file,
and which quizzes ask a pack's questions (its community's, never another's or a private one)."""

from __future__ import annotations

import asyncio
import json
import random
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import Dojo, build
from core.db.models import AdminAudit, QuestionPack, QuizQuestion, QuizSession
from core.db.models.live import LiveRound
from core.features.packs import admin as packs_admin
from core.features.packs.checks import check_pack
from core.features.packs.pack_file import read_items
from core.features.packs.store import PackNameTaken, PackStore
from core.features.quiz.store import QuizStore
from core.messages import Attachment, CommunityRef, Platform
from tests.conftest import make_settings
from tests.scheduler_support import group_member
from tests.support import ChatDriver

GROUP = CommunityRef(Platform.DISCORD, "guild-1", "Study guild")
OTHER = CommunityRef(Platform.DISCORD, "guild-2", "Other guild")
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def question(n: int, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "topic": "git",
        "difficulty": "junior",
        "question": f"Pack question number {n}: which option is right?",
        "options": ["right", "wrong", "also wrong"],
        "correct": 0,
        "explanation": "The first option is right.",
    }
    item.update(changes)
    return item


def yaml_file(items: object, name: str = "pack.yaml") -> Attachment:
    return Attachment(name, yaml.safe_dump(items, sort_keys=False).encode())


PACK = [question(n) for n in range(1, 21)]


async def _people(dojo: Dojo) -> tuple[ChatDriver, ChatDriver, ChatDriver]:
    mod = group_member(dojo, "mia", GROUP, is_admin=True)
    ada = group_member(dojo, "ada", GROUP)
    bob = group_member(dojo, "bob", OTHER)
    for person in (mod, ada, bob):
        await person.say("/start backend junior UTC")
    return mod, ada, bob


@pytest.fixture
async def people(dojo: Dojo) -> tuple[ChatDriver, ChatDriver, ChatDriver]:
    """A moderator and a learner in GROUP, and a learner in OTHER (on each backend)."""
    return await _people(dojo)


@pytest.fixture
async def sqlite_people(sqlite_dojo: Dojo) -> tuple[ChatDriver, ChatDriver, ChatDriver]:
    """The same people on SQLite alone, for the many checks of a file that write nothing."""
    return await _people(sqlite_dojo)


async def pack_question_ids(dojo: Dojo, *, live: bool = True) -> set[int]:
    async with dojo.services.uow_factory() as uow:
        query = select(QuizQuestion.id).join(QuestionPack, QuestionPack.id == QuizQuestion.pack_id)
        if live:
            query = query.where(QuestionPack.removed_at.is_(None))
        return set((await uow.session.scalars(query)).all())


async def picked(dojo: Dojo, community: CommunityRef | None, topic: str = "git") -> set[int]:
    """Every question a pick for `community` may choose (more than there are)."""
    async with dojo.services.uow_factory() as uow:
        await dojo.services.banks.quiz.ensure(uow, dojo.services.clock.now())
    async with dojo.services.uow_factory() as uow:
        community_id = None
        if community is not None:
            row = await uow.communities.by_ref(community.platform, community.id)
            assert row is not None
            community_id = row.id
        store = uow.repository(QuizStore)
        return set(
            await store.pick_questions(
                None, topic, 10_000, random.Random(1), community_id=community_id
            )
        )


async def last_quiz(dojo: Dojo, name: str) -> list[int]:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", name)
        assert user is not None
        quiz = await uow.session.scalar(
            select(QuizSession)
            .where(QuizSession.user_id == user.id)
            .order_by(QuizSession.id.desc())
        )
        assert quiz is not None
        return [int(qid) for qid in quiz.question_ids]


async def due(dojo: Dojo, name: str) -> list[int]:
    """The learner's review questions due within a year."""
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("discord", name)
        assert user is not None
        later = dojo.services.clock.now() + timedelta(days=365)
        return await uow.repository(QuizStore).due_questions(user.id, later, 100)


async def count(dojo: Dojo, model: Any) -> int:
    async with dojo.services.uow_factory() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_pack_joins_its_communitys_quizzes_and_no_one_elses(
    dojo: Dojo, people: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    mod, ada, bob = people
    added = await mod.say("/admin pack add git-extra", attachments=(yaml_file(PACK),))
    assert "Pack git-extra added: 20 questions (git 20)" in added
    ours = await pack_question_ids(dojo)
    assert len(ours) == 20
    assert ours <= await picked(dojo, GROUP)  # beside the bank
    assert len(await picked(dojo, GROUP)) > 20
    assert not ours & await picked(dojo, OTHER)
    assert not ours & await picked(dojo, None)  # a private chat
    # A group /quiz of the community: 20 questions out of 20 pack and 36 bank ones.
    await ada.say("/quiz git 20")
    assert set(await last_quiz(dojo, "ada")) & ours
    await bob.say("/quiz git 20")
    assert not set(await last_quiz(dojo, "bob")) & ours
    private = ChatDriver(dojo.router, "ada", Platform.DISCORD)
    await private.say("/quiz git 20")
    assert not set(await last_quiz(dojo, "ada")) & ours
    listed = await mod.say("/admin pack list")
    assert "git-extra" in listed and "20 questions" in listed and "discord:mia" in listed


async def test_pack_only_asks_the_packs_alone_and_falls_back_to_the_bank(
    dojo: Dojo, people: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    mod, ada, _ = people
    empty = await mod.say("/admin pack only on")
    assert "There are none yet" in empty
    bank = await picked(dojo, GROUP)
    assert len(bank) >= 30  # no packs: the bank stands in
    await mod.say("/admin pack add git-extra", attachments=(yaml_file(PACK[:5]),))
    ours = await pack_question_ids(dojo)
    assert await picked(dojo, GROUP) == ours
    await ada.say("/quiz git 5")
    assert set(await last_quiz(dojo, "ada")) == ours
    (poll,) = [reply.poll for reply in ada.last if reply.poll is not None]
    wrong = (poll.correct_index + 1) % len(poll.options)
    assert "Not quite" in await ada.press_data(f"{poll.answer_data}:{wrong}")
    assert set(await due(dojo, "ada")) & ours  # a missed pack question comes back for review
    assert await picked(dojo, GROUP, "sql")  # packs without sql: the bank's sql
    assert "packs and the bank" in await mod.say("/admin pack only off")
    assert len(await picked(dojo, GROUP)) == len(bank) + 5


async def test_remove_and_replace_keep_past_quizzes_whole(
    dojo: Dojo, people: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    mod, ada, _ = people
    await mod.say("/admin pack add git-extra", attachments=(yaml_file(PACK[:3]),))
    await mod.say("/admin pack only on")
    first = await pack_question_ids(dojo)
    await ada.say("/quiz git 3")
    replaced = await mod.say("/admin pack add git-extra", attachments=(yaml_file(PACK[3:7]),))
    assert "Pack git-extra replaced: 4 questions (git 4), was 3" in replaced
    second = await pack_question_ids(dojo)
    assert len(second) == 4 and not first & second
    assert await picked(dojo, GROUP) == second
    # Ada's quiz from the first upload still answers.
    (poll,) = [reply.poll for reply in ada.last if reply.poll is not None]
    wrong = (poll.correct_index + 1) % len(poll.options)
    answered = await ada.press_data(f"{poll.answer_data}:{wrong}")
    assert "Not quite" in answered
    # Missed, but its upload was replaced: it is not brought back for review either.
    assert not set(await due(dojo, "ada")) & first
    removed = await mod.say("/admin pack remove git-extra")
    assert "Pack git-extra removed" in removed
    assert not await pack_question_ids(dojo)
    assert not (first | second) & await picked(dojo, GROUP)
    assert len(await pack_question_ids(dojo, live=False)) == 7  # kept for the past
    assert not set(await due(dojo, "ada")) & (first | second)  # but not for review
    assert "No question packs here yet" in await mod.say("/admin pack list")
    assert "no pack called git-extra" in await mod.say("/admin pack remove git-extra")
    async with dojo.services.uow_factory() as uow:
        actions = list((await uow.session.scalars(select(AdminAudit.action))).all())
    assert {"pack.add", "pack.replace", "pack.remove", "pack.only"} <= set(actions)


TEN_MB = Attachment("huge.yaml", b"", skipped_size=10 * 1024 * 1024)
MALFORMED: list[tuple[Attachment, str]] = [
    (Attachment("pack.json", b'[{"topic": "git",]'), "pack.json is not valid JSON"),
    (Attachment("pack.yaml", b"- topic: git\n  question: [unclosed\n"), "is not valid YAML"),
    (Attachment("pack.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "is a binary file"),
    (Attachment("pack.yaml", b"\xff\xfe\xfa not text"), "is not UTF-8 text"),
    (yaml_file({"questions": PACK}), "holds a mapping; a pack is a list of questions"),
    (yaml_file("just words"), "is not a list of questions"),
    (yaml_file([]), "has no questions"),
    (yaml_file([question(n) for n in range(501)]), "a pack holds at most 500"),
    (TEN_MB, "huge.yaml is 10.5 MB; a pack file may be at most 1.0 MB"),
    (
        yaml_file([question(1), question(2), question(3, question="x" * 400)]),
        "item 3: question is 400 characters (limit 300)",
    ),
    (
        yaml_file([question(1, options=[f"option {n}" for n in range(11)])]),
        "item 1: options must be a list of 2-10 texts, not 11",
    ),
    (
        yaml_file([question(1), {k: v for k, v in question(2).items() if k != "correct"}]),
        "item 2: correct is missing",
    ),
    (yaml_file([question(1), question(1)]), "item 2: question is the same as item 1's"),
    (yaml_file([question(1, correct=5)]), "item 1: correct index 5 is outside the 3 options"),
    (yaml_file([question(1, topic="cooking")]), "item 1: topic must be one of"),
    (yaml_file([question(1, answer=1)]), "item 1: unknown field 'answer'"),
    (yaml_file([question(1), "a line"]), "item 2: a question must be a mapping"),
]


@pytest.mark.parametrize(("attachment", "message"), MALFORMED)
async def test_a_malformed_pack_is_refused_with_one_clear_message_and_imports_nothing(
    sqlite_dojo: Dojo,
    sqlite_people: tuple[ChatDriver, ChatDriver, ChatDriver],
    attachment: Attachment,
    message: str,
) -> None:
    mod, _, _ = sqlite_people
    questions = await count(sqlite_dojo, QuizQuestion)
    answer = await mod.say("/admin pack add broken", attachments=(attachment,))
    assert message in answer
    assert "Nothing was imported" in answer
    assert await count(sqlite_dojo, QuestionPack) == 0
    assert await count(sqlite_dojo, QuizQuestion) == questions


async def test_every_problem_is_listed_with_its_item(
    sqlite_dojo: Dojo, sqlite_people: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    mod, _, _ = sqlite_people
    bad = [question(1, question="y" * 400), question(2), question(3, options=["only"])]
    answer = await mod.say("/admin pack add broken", attachments=(yaml_file(bad),))
    assert "2 problems" in answer and "item 1: question" in answer and "item 3: options" in answer
    assert "item 2" not in answer


async def test_wrong_names_files_and_places_are_refused(
    sqlite_dojo: Dojo,
    sqlite_people: tuple[ChatDriver, ChatDriver, ChatDriver],
    monkeypatch: Any,
) -> None:
    mod, ada, _ = sqlite_people
    assert "can't be a pack name" in await mod.say(
        "/admin pack add Bad_Name!", attachments=(yaml_file(PACK),)
    )
    assert "Attach the pack" in await mod.say("/admin pack add good-name")
    assert "should be add, list, remove or only" in await mod.say("/admin pack frobnicate")
    assert "Only moderators" in await ada.say(
        "/admin pack add mine", attachments=(yaml_file(PACK),)
    )
    private = ChatDriver(sqlite_dojo.router, "root", Platform.DISCORD, is_admin=True)
    await private.say("/start backend junior UTC")
    assert "belong to a group or server" in await private.say(
        "/admin pack add mine", attachments=(yaml_file(PACK),)
    )
    monkeypatch.setattr(packs_admin, "MAX_PACKS", 1)
    await mod.say("/admin pack add one", attachments=(yaml_file(PACK[:1]),))
    assert "the most it may hold" in await mod.say(
        "/admin pack add two", attachments=(yaml_file(PACK[1:2]),)
    )
    assert await count(sqlite_dojo, QuestionPack) == 1
    async with sqlite_dojo.services.uow_factory() as uow:
        refused = await uow.session.scalar(
            select(func.count()).select_from(AdminAudit).where(AdminAudit.allowed.is_(False))
        )
    assert refused == 1


@pytest.mark.parametrize("name", ["question-pack.yaml", "question-pack.json"])
def test_the_example_packs_are_valid(name: str) -> None:
    path = EXAMPLES / name
    checked = check_pack(read_items(Attachment(name, path.read_bytes())))
    assert checked.problems == () and len(checked.questions) >= 2
    if name.endswith(".json"):
        assert len(json.loads(path.read_text())) == len(checked.questions)


@pytest.mark.postgres
async def test_two_moderators_adding_one_name_at_once_keep_one_pack(
    postgres_url: str, clock: Any
) -> None:
    """The second add waits on the first's unique name, then is refused with one line."""
    dojo = await build(make_settings(postgres_url), clock=clock)
    try:
        await group_member(dojo, "mia", GROUP, is_admin=True).say("/start backend mid UTC")
        questions = check_pack(PACK[:2]).questions
        now = dojo.services.clock.now()
        async with dojo.services.uow_factory() as first:
            community = await first.communities.by_ref(GROUP.platform, GROUP.id)
            assert community is not None
            await first.repository(PackStore).add(community.id, "same", questions, "a", now)
            async with dojo.services.uow_factory() as second:
                racing = asyncio.create_task(
                    second.repository(PackStore).add(community.id, "same", questions, "b", now)
                )
                await asyncio.sleep(0.3)
                assert not racing.done()  # waiting on the first transaction's row
                await first.commit()
                with pytest.raises(PackNameTaken, match="added just now"):
                    await racing
        assert await count(dojo, QuestionPack) == 1
    finally:
        await dojo.close()


async def test_a_file_too_large_to_fetch_is_too_big_for_a_review_too(ada: ChatDriver) -> None:
    """Adapters hand a file over 1 MB over unread (Attachment.skipped_size): /review, the other
    reader of files, says it is too big rather than finding no code."""
    await ada.say("/start backend mid UTC")
    huge = Attachment("big.py", b"", skipped_size=5_000_000)
    assert "That file is too big" in await ada.say("/review python", attachments=(huge,))


async def test_a_live_round_asks_the_communitys_pack(
    dojo: Dojo, people: tuple[ChatDriver, ChatDriver, ChatDriver]
) -> None:
    """Live rounds pick through pick_questions with their community: its packs join them."""
    mod, ada, _ = people
    await mod.say("/admin pack add git-extra", attachments=(yaml_file(PACK[:3]),))
    await mod.say("/admin pack only on")
    assert "Live round" in await ada.say("/quiz live git 3 10")
    async with dojo.services.uow_factory() as uow:
        asked = await uow.session.scalar(select(LiveRound.question_ids))
    assert asked is not None and set(asked) == await pack_question_ids(dojo)
