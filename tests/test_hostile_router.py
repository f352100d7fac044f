"""The hostile-input corpus through the router: as plain messages and as arguments to every
command, in a private chat and in a community. Nothing crashes, replies stay within platform
limits, no learner gains a privilege and XP always equals the ledger."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from bot.app import Dojo
from core.codec import MAX_BYTES
from core.db.models import AdminAudit
from core.messages import ChatKind, CommunityRef, Platform, Reply
from core.router import CRASHED
from tests.hostile.corpus import CORPUS
from tests.support import ChatDriver

ARGS_PER_COMMAND = 24


def check_reply(reply: Reply) -> None:
    assert reply.text or reply.buttons or reply.poll or reply.image or reply.document
    assert CRASHED not in reply.text.plain, "a handler crashed"
    assert "Traceback" not in reply.text.plain
    for row in reply.buttons:
        for button in row:
            assert len(button.data.encode()) <= MAX_BYTES
            assert 0 < len(button.label) <= 64
    if reply.poll is not None:
        poll = reply.poll
        assert len(poll.question) <= 300 and 2 <= len(poll.options) <= 10
        assert all(0 < len(option) <= 100 for option in poll.options)
        assert 0 <= poll.correct_index < len(poll.options)
        assert len(f"{poll.answer_data}:9".encode()) <= MAX_BYTES
    if reply.image is not None:
        assert reply.image.data.startswith(b"\x89PNG") and len(reply.image.caption) <= 1024


async def _assert_consistent(dojo: Dojo, name: str, platform: str = "console") -> None:
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account(platform, name)
        if user is not None:
            assert user.xp == await uow.xp.ledger_sum(user.id)


async def test_corpus_as_plain_messages(sqlite_dojo: Dojo) -> None:
    private = ChatDriver(sqlite_dojo.router, "mallory")
    group = ChatDriver(
        sqlite_dojo.router,
        "eve",
        Platform.TELEGRAM,
        "-42",
        ChatKind.GROUP,
        CommunityRef(Platform.TELEGRAM, "-42", "<b>group</b> @everyone"),
    )
    await private.say("/start backend mid UTC")
    for text in CORPUS:
        for reply in await private.send(private.incoming(text)):
            check_reply(reply)
        for reply in await group.send(group.incoming(text, addressed=False)):
            check_reply(reply)
    await _assert_consistent(sqlite_dojo, "mallory")
    await _assert_consistent(sqlite_dojo, "eve", "telegram")


async def test_corpus_as_arguments_to_every_command(sqlite_dojo: Dojo) -> None:
    chat = ChatDriver(sqlite_dojo.router, "trudy")
    await chat.say("/start backend mid UTC")
    commands = sorted(sqlite_dojo.router.registry.commands)
    assert len(commands) >= 10
    inputs = itertools.cycle(CORPUS)
    for command in commands:
        for _ in range(ARGS_PER_COMMAND):
            text = f"/{command} {next(inputs)}"
            for reply in await chat.send(chat.incoming(text)):
                check_reply(reply)
            if command in ("forget", "end", "interview", "quiz"):
                await chat.say("/end")  # leave no session that would swallow later commands
    await _assert_consistent(sqlite_dojo, "trudy")


async def test_corpus_display_names_and_first_contact(sqlite_dojo: Dojo) -> None:
    for number, name in enumerate(CORPUS[:120]):
        chat = ChatDriver(sqlite_dojo.router, f"user{number}")
        incoming = chat.incoming("/profile")
        from dataclasses import replace

        incoming = replace(incoming, user=replace(incoming.user, display_name=name))
        for reply in await chat.send(incoming):
            check_reply(reply)


async def test_moderator_commands_from_a_learner_gain_nothing(sqlite_dojo: Dojo) -> None:
    learner = ChatDriver(sqlite_dojo.router, "oscar")
    await learner.say("/start backend mid UTC")
    admin_commands = [
        name for name, (spec, _) in sqlite_dojo.router.registry.commands.items() if spec.admin_only
    ]
    short_corpus = [text for text in CORPUS if len(text) < 1_000][:40]
    attempts = 0
    for command in admin_commands:
        for text in (
            "",
            "xp grant oscar 1000 because",
            "ban root",
            "budget oscar 999",
            *short_corpus,
        ):
            answer = await learner.say(f"/{command} {text}")
            attempts += 1
            assert "Only moderators" in answer
    async with sqlite_dojo.services.uow_factory() as uow:
        user = await uow.users.by_account("console", "oscar")
        assert user is not None and user.xp == 30 == await uow.xp.ledger_sum(user.id)
        refused = (
            await uow.session.scalars(select(AdminAudit).where(AdminAudit.allowed.is_(False)))
        ).all()
    # Every attempt is audited; repeats of one refusal within the hour fold into one entry.
    assert sum(entry.attempts for entry in refused) == attempts and len(refused) == 1
