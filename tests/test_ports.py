"""Adapters reach the core through ports only, and features reach the database through
repositories only: both checked on the source, so a shortcut that comes back fails here."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

from bot.app import Dojo
from core.community_lookup import StoredCommunitySettings
from core.features.quiz.store import QuizStore
from core.messages import CommunityRef, Platform
from core.polls import StoredPollLinks
from core.ports import PollPlace

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def _forbidden_for_adapters(name: str) -> bool:
    return any(name == root or name.startswith(root + ".") for root in ("sqlalchemy", "core.db"))


def test_adapters_import_neither_sqlalchemy_nor_the_database() -> None:
    files = sorted((ROOT / "adapters").rglob("*.py"))
    assert len(files) > 30, "the scan must see the adapters"
    found = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imports(path)
        if _forbidden_for_adapters(name)
    }
    assert not found, f"adapters must use the core's ports, not the database: {sorted(found)}"


def test_the_import_scan_sees_imports_of_the_database(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from core.db.models import PollLink\nimport sqlalchemy.orm\nfrom core.dbx import a\n"
    )
    assert {name for name in _imports(sample) if _forbidden_for_adapters(name)} == {
        "core.db.models",
        "sqlalchemy.orm",
    }


_RAW_SESSION = re.compile(r"\buow\.session\b")


def _raw_session_uses(*folders: str) -> list[str]:
    uses = []
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if _RAW_SESSION.search(line):
                    uses.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return uses


def test_features_and_jobs_use_repositories_not_the_session() -> None:
    assert len(list((ROOT / "core/features").rglob("*.py"))) > 40, "the scan must see features"
    uses = _raw_session_uses("core/features", "core/jobs")
    assert not uses, "move these queries into a repository (uow.repository(...)):\n" + "\n".join(
        uses
    )


def test_the_session_scan_sees_a_raw_session() -> None:
    assert _RAW_SESSION.search("    row = await context.uow.session.get(Thing, 1)")
    assert not _RAW_SESSION.search("    store = uow.repository(QuizStore)")


async def test_poll_links_are_kept_by_the_core_and_survive_a_new_unit_of_work(
    sqlite_dojo: Dojo,
) -> None:
    links = StoredPollLinks(sqlite_dojo.services.uow_factory, Platform.TELEGRAM)
    place = PollPlace(-100123, "x" * 300, "why it is right", topic=7)
    await links.remember("poll-1", "qa:1:0", place, NOW)
    await links.remember("poll-1", "qa:9:9", place, NOW)  # a retried send keeps the first link
    found = await links.lookup("poll-1")
    assert found is not None
    data, where = found
    assert data == "qa:1:0"
    assert where == PollPlace(-100123, "x" * 200, "why it is right", 7)
    assert await links.lookup("poll-2") is None
    other_platform = StoredPollLinks(sqlite_dojo.services.uow_factory, Platform.DISCORD)
    assert await other_platform.lookup("poll-1") is None


async def test_an_adapter_reads_typed_settings_through_the_port(sqlite_dojo: Dojo) -> None:
    source = StoredCommunitySettings(sqlite_dojo.services.uow_factory)
    assert (await source.settings_of("discord", "guild-9")).mod_role is None  # unknown: defaults
    async with sqlite_dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref("discord", "guild-9")
        assert community is None
        community = await uow.communities.ensure(
            CommunityRef(Platform.DISCORD, "guild-9", "Guild"), NOW
        )
        community.settings = {"mod_role": "<@&4242>", "chat_xp": True}  # an old-shaped row
        await uow.commit()
    settings = await source.settings_of("discord", "guild-9")
    assert settings.mod_role == "4242" and settings.chat_xp


async def test_a_feature_repository_is_built_once_per_unit_of_work(sqlite_dojo: Dojo) -> None:
    async with sqlite_dojo.services.uow_factory() as uow:
        store = uow.repository(QuizStore)
        assert uow.repository(QuizStore) is store
        assert store.session is uow.session
    async with sqlite_dojo.services.uow_factory() as other:
        assert other.repository(QuizStore) is not store
