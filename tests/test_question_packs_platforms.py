"""Question packs through the real adapters: a Telegram document with the command as its
caption, a Discord file option; and `dojo admin pack import` at the shell."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from bot.app import Dojo, build
from bot.cli import main
from core.db.models import QuestionPack, QuizQuestion, QuizSession
from core.ports import FixedClock
from tests.conftest import START, make_settings
from tests.fakes.discord_harness import DiscordBot, running_bot
from tests.fakes.discord_payloads import EVERYDAY, MANAGE_GUILD
from tests.fakes.telegram_harness import running_adapter, texts
from tests.scheduler_support import group_member
from tests.test_question_packs import GROUP, question

TELEGRAM_GROUP = -100888
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def pack_bytes(count: int = 5, **changes: Any) -> bytes:
    items = [question(n, **changes) for n in range(1, count + 1)]
    return yaml.safe_dump(items, sort_keys=False).encode()


async def scalar(dojo: Dojo, query: Any) -> Any:
    async with dojo.services.uow_factory() as uow:
        return await uow.session.scalar(query)


async def packs(dojo: Dojo) -> int:
    return int(await scalar(dojo, select(func.count()).select_from(QuestionPack)) or 0)


def document(file_id: str, name: str, size: int) -> dict[str, Any]:
    return {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": size}


async def test_telegram_pack_by_document_then_a_group_quiz_asks_it(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.admins[TELEGRAM_GROUP] = {3001}
        mod = tg.person(3001, "Mod").in_chat(TELEGRAM_GROUP)
        lea = tg.person(3002, "Lea").in_chat(TELEGRAM_GROUP)
        data = pack_bytes()
        tg.fake.files["documents/pack1"] = data
        refused = await lea.say(
            "", caption="/admin pack add git-extra", document=document("pack1", "p.yaml", len(data))
        )
        assert "Only moderators" in texts(refused) and await packs(sqlite_dojo) == 0
        added = await mod.say(
            "", caption="/admin pack add git-extra", document=document("pack1", "p.yaml", len(data))
        )
        assert "Pack git-extra added: 5 questions" in texts(added)
        assert "git-extra" in texts(await mod.say("/admin pack list"))
        assert "only this community's packs" in texts(await mod.say("/admin pack only on"))
        await lea.say("/quiz git 5")
        asked = await scalar(sqlite_dojo, select(QuizSession.question_ids))
        async with sqlite_dojo.services.uow_factory() as uow:
            pack_ids = set(
                (
                    await uow.session.scalars(
                        select(QuizQuestion.id).where(QuizQuestion.pack_id.is_not(None))
                    )
                ).all()
            )
        assert set(asked) == pack_ids and len(pack_ids) == 5
        # A 10 MB file is not even fetched: one line says why.
        huge = document("huge", "huge.yaml", 10 * 1024 * 1024)
        getfiles = len(tg.fake.sent("getFile"))
        refused = await mod.say("", caption="/admin pack add huge", document=huge)
        assert "a pack file may be at most 1.0 MB" in texts(refused)
        assert len(tg.fake.sent("getFile")) == getfiles
        tg.fake.files["documents/bad"] = pack_bytes(2, options=[str(n) for n in range(11)])
        bad = await mod.say(
            "", caption="/admin pack add bad", document=document("bad", "bad.yaml", 10)
        )
        assert "item 1: options must be a list of 2-10 texts, not 11" in texts(bad)
        assert "item 2: options" in texts(bad) and "Nothing was imported" in texts(bad)
        removed = await mod.say("/admin pack remove git-extra")
        assert "removed" in texts(removed)
        assert tg.fake.refusals() == []
    assert await packs(sqlite_dojo) == 1


@pytest.fixture
async def discord_bot(sqlite_dojo: Dojo) -> Any:
    async with running_bot(sqlite_dojo) as running:
        yield running
    assert running.fake.violations == []


async def test_discord_pack_by_file_option(discord_bot: DiscordBot) -> None:
    bot = discord_bot
    fake = bot.fake
    data = (EXAMPLES / "question-pack.yaml").read_bytes()
    upload = fake.add_file("question-pack.yaml", data, "application/x-yaml")
    moderator = EVERYDAY | MANAGE_GUILD
    refused = await bot.slash(
        "admin", bot.ada, subcommand="packadd", options={"name": "basics", "file": upload}
    )
    assert "Only moderators" in refused.messages[0]["content"]
    added = await bot.slash(
        "admin",
        bot.mod,
        subcommand="packadd",
        options={"name": "basics", "file": upload},
        permissions=moderator,
    )
    assert "Pack basics added: 3 questions" in added.messages[0]["content"]
    listed = await bot.slash("admin", bot.mod, subcommand="packlist", permissions=moderator)
    assert "basics" in listed.messages[0]["content"]
    huge = fake.add_file("huge.json", b"", "application/json", size=10 * 1024 * 1024)
    too_big = await bot.slash(
        "admin",
        bot.mod,
        subcommand="packadd",
        options={"name": "huge", "file": huge},
        permissions=moderator,
    )
    assert "a pack file may be at most 1.0 MB" in too_big.messages[0]["content"]
    assert upload in fake.downloads and huge not in fake.downloads  # never fetched
    broken = fake.add_file("broken.json", b'[{"topic": ', "application/json")
    bad = await bot.slash(
        "admin",
        bot.mod,
        subcommand="packadd",
        options={"name": "broken", "file": broken},
        permissions=moderator,
    )
    assert "broken.json is not valid JSON" in bad.messages[0]["content"]
    only = await bot.slash(
        "admin", bot.mod, subcommand="packonly", options={"state": "on"}, permissions=moderator
    )
    assert "only this community's packs" in only.messages[0]["content"]
    gone = await bot.slash(
        "admin", bot.mod, subcommand="packremove", options={"name": "basics"}, permissions=moderator
    )
    assert "Pack basics removed" in gone.messages[0]["content"]
    live = await scalar(
        bot.dojo,
        select(func.count()).select_from(QuestionPack).where(QuestionPack.removed_at.is_(None)),
    )
    assert live == 0 and await packs(bot.dojo) == 1


def test_pack_import_at_the_shell(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for name in ("TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN", "DOJO_ADMINS"):
        monkeypatch.delenv(name, raising=False)

    async def community() -> None:
        dojo = await build(make_settings(sqlite_url), clock=FixedClock(START))
        try:
            await group_member(dojo, "ada", GROUP).say("/start backend mid UTC")
        finally:
            await dojo.close()

    asyncio.run(community())
    where = ["--community", f"discord:{GROUP.id}"]
    example = str(EXAMPLES / "question-pack.yaml")
    assert main(["admin", "pack", "import", example, *where]) == 0
    assert "Pack question-pack added: 3 questions" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(pack_bytes(3, question="x" * 400))
    assert main(["admin", "pack", "import", str(bad), "--name", "bad-one", *where]) == 1
    err = capsys.readouterr().err
    assert "item 3: question is 400 characters (limit 300)" in err
    assert main(["admin", "pack", "import", str(tmp_path / "missing.yaml"), *where]) == 1
    assert "can't read" in capsys.readouterr().err
    assert main(["admin", "pack", "import", example]) == 1
    assert "--community" in capsys.readouterr().err
    assert main(["admin", "pack", "list", *where]) == 0
    out = capsys.readouterr().out
    assert "question-pack" in out and "bad-one" not in out and "shell:" in out

    async def stored() -> int:
        dojo = await build(make_settings(sqlite_url), clock=FixedClock(START))
        try:
            return int(await scalar(dojo, select(func.count()).select_from(QuestionPack)) or 0)
        finally:
            await dojo.close()

    assert asyncio.run(stored()) == 1
