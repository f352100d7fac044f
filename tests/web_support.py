"""A community with a board for the web page's tests: learners with XP this week, a few
hidden from boards, a winner in the hall of fame, and the page switched on by a moderator."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from adapters.web.app import build_web_app
from bot.app import Dojo
from core.features.seasons.winners import WinnerStore
from core.leaderboard import Entry, week_start
from core.messages import ChatKind, CommunityRef, Platform
from core.rules.periods import Cadence
from tests.support import ChatDriver

GROUP = CommunityRef(Platform.TELEGRAM, "-100777", "Web study group")
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=\"document.title='pwned'\">"
# (chat name, display name, XP this week): the board's order is this list's.
VISIBLE = [
    ("ada", "Ada Lovelace", 120),
    ("scripty", SCRIPT, 90),
    ("imagey", IMAGE, 70),
    ("zalgo", "Z" + "\u0301" * 99, 50),  # display names hold 100 characters
    ("bob", "Bob", 30),
]
HIDDEN = [("quiet", "Quiet Opted Out", 500), ("banned", "Banned Everywhere", 400),
          ("banned_here", "Banned Here", 300)]  # fmt: skip
PAGE = re.compile(r"/board/([A-Za-z0-9_-]{20,64})")


@dataclass(frozen=True)
class Seeded:
    community_id: int
    ids: dict[str, int]


def moderator(dojo: Dojo) -> ChatDriver:
    return ChatDriver(dojo.router, "mod", GROUP.platform, GROUP.id, ChatKind.GROUP, GROUP, True)


def member(dojo: Dojo, name: str) -> ChatDriver:
    return ChatDriver(dojo.router, name, GROUP.platform, GROUP.id, ChatKind.GROUP, GROUP)


async def seed(dojo: Dojo) -> Seeded:
    """The learners above, in GROUP, with their XP earned this week; hidden ones really hidden."""
    for name, _, _ in VISIBLE + HIDDEN:
        await member(dojo, name).say("/start backend mid UTC")
    now = dojo.services.clock.now()
    ids: dict[str, int] = {}
    async with dojo.services.uow_factory() as uow:
        community = await uow.communities.by_ref(str(GROUP.platform), GROUP.id)
        assert community is not None
        for name, display, xp in VISIBLE + HIDDEN:
            user = await uow.users.by_account(str(Platform.TELEGRAM), name)
            assert user is not None
            ids[name] = user.id
            uow.learners.change(user, display_name=display)
            await uow.xp.award(user.id, "admin_grant", f"web {name}", xp, now)
            if name == "quiet":
                uow.learners.change(user, leaderboard_opt_out=True)
            if name == "banned":
                uow.learners.change(user, banned=True)
        await uow.standing.ban(community.id, ids["banned_here"], "mod", None, now)
        # Last week's winners: Ada, and a learner hidden from boards now (named nowhere).
        last_week = week_start(now - timedelta(days=7)).date()
        await uow.repository(WinnerStore).record(
            community.id, Cadence.WEEK, last_week, last_week - timedelta(days=7),
            [Entry(1, ids["ada"], "Ada Lovelace", 80, 2), Entry(1, ids["quiet"], "Quiet", 80, 2)],
            now,
        )  # fmt: skip
        await uow.commit()
        return Seeded(community.id, ids)


async def page_on(dojo: Dojo) -> str:
    """`/admin web on` by a moderator; returns the page's path."""
    answer = await moderator(dojo).say("/admin web on")
    found = PAGE.search(answer)
    assert found is not None, answer
    return found.group(0)


@asynccontextmanager
async def web_client(dojo: Dojo, **options: float) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """The real web app, served on a loopback port, and a client for it."""
    client: TestClient[web.Request, web.Application] = TestClient(
        TestServer(build_web_app(dojo.services, **options))
    )
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
