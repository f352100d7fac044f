"""The public web leaderboard through the real aiohttp app on a loopback port: the boards in
order with hidden learners absent, hostile names escaped, the same data as JSON, security
headers on every response, a clean 404 for guessed and revoked addresses, /healthz, and the
page cache (one computation for 20 concurrent requests, refreshed once stale)."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from adapters.web.headers import CONTENT_SECURITY_POLICY
from bot.app import Dojo, build
from core.db.engine import create_engine
from core.db.uow import UnitOfWorkFactory
from core.ports import FixedClock
from tests.conftest import make_settings
from tests.web_support import HIDDEN, IMAGE, SCRIPT, VISIBLE, moderator, page_on, seed, web_client

PUBLIC_URL = "https://dojo.example.org"


@pytest.fixture
async def web_dojo(database_url: str, clock: FixedClock) -> AsyncIterator[Dojo]:
    app = await build(make_settings(database_url, DOJO_PUBLIC_URL=PUBLIC_URL), clock=clock)
    yield app
    await app.close()


def _names_in(html: str, section: str) -> list[str]:
    """The learners' names of one board, in the page's order, as the HTML spells them."""
    found = re.search(rf'<section id="{section}".*?</section>', html, re.S)
    assert found is not None, f"no {section} board"
    return re.findall(r'<td class="name"><span class="clip">(.*?)</span>', found.group(0), re.S)


def _escaped(name: str) -> str:
    return (
        name.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
    )


async def test_the_page_shows_each_board_in_order_without_hidden_learners(
    web_dojo: Dojo,
) -> None:
    await seed(web_dojo)
    path = await page_on(web_dojo)
    async with web_client(web_dojo) as client:
        response = await client.get(path)
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        html = await response.text()
    expected = [_escaped(display) for _, display, _ in VISIBLE]
    for board in ("week", "month", "all"):
        assert _names_in(html, board) == expected, board
    for _, display, _ in HIDDEN:
        assert display not in html  # opted out, banned, banned here: nowhere on the page
    # Hostile names are text: not one tag of theirs reaches the page.
    assert SCRIPT not in html and IMAGE not in html and "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # The hall of fame names last week's visible winner and not the hidden one.
    fame = html[html.index('id="fame"') :]
    assert "Ada Lovelace" in fame and "a learner hidden from boards" in fame
    assert "Quiet" not in fame
    assert "Members</dt><dd>9</dd>" in html
    assert re.search(r"Updated \d+ s ago", html)


async def test_the_json_has_the_same_boards_hall_of_fame_and_activity(web_dojo: Dojo) -> None:
    await seed(web_dojo)
    path = await page_on(web_dojo)
    async with web_client(web_dojo) as client:
        response = await client.get(path + ".json")
        assert response.status == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        data = await response.json()
    assert set(data) == {"community", "updated_at", "age_seconds", "boards", "hall_of_fame",
                         "activity"}  # fmt: skip
    assert data["community"] == {"name": "Web study group", "platform": "telegram"}
    assert set(data["boards"]) == {"week", "month", "all"}
    for board in data["boards"].values():
        assert [entry["name"] for entry in board["entries"]] == [d for _, d, _ in VISIBLE]
        assert [entry["rank"] for entry in board["entries"]] == [1, 2, 3, 4, 5]
        assert set(board["entries"][0]) == {"rank", "name", "xp", "level"}
    assert data["boards"]["week"]["entries"][0]["xp"] > data["boards"]["week"]["entries"][1]["xp"]
    hidden_names = {display for _, display, _ in HIDDEN}
    assert not hidden_names & {e["name"] for b in data["boards"].values() for e in b["entries"]}
    (last_week,) = data["hall_of_fame"]["week"]
    assert last_week["winners"] == [
        {"name": "Ada Lovelace", "hidden": False, "xp": 80, "streak": 1},
        {"name": None, "hidden": True},
    ]
    assert data["hall_of_fame"]["month"] == []
    assert data["activity"]["members"] == 9
    assert data["activity"]["active_learners_this_week"] >= 5


async def test_every_response_carries_the_security_headers_and_no_cookie(web_dojo: Dojo) -> None:
    await seed(web_dojo)
    path = await page_on(web_dojo)
    async with web_client(web_dojo) as client:
        for url, status in (
            (path, 200),
            (path + ".json", 200),
            ("/healthz", 200),
            ("/static/dojo.css", 200),
            ("/board/" + "A" * 32, 404),
            ("/nothing/here", 404),
        ):
            response = await client.get(url)
            assert response.status == status, url
            headers = response.headers
            assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
            assert "script-src" not in CONTENT_SECURITY_POLICY  # default-src 'none': no script
            assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "no-referrer"
            assert headers["X-Frame-Options"] == "DENY"
            assert "Set-Cookie" not in headers and not response.cookies, url
        posted = await client.post(path)
        assert posted.status == 405 and "Set-Cookie" not in posted.headers
        assert posted.headers["X-Frame-Options"] == "DENY"


async def test_guessed_malformed_replaced_and_revoked_addresses_answer_the_same_404(
    web_dojo: Dojo,
) -> None:
    await seed(web_dojo)
    path = await page_on(web_dojo)
    token = path.rsplit("/", 1)[1]
    async with web_client(web_dojo) as client:
        assert (await client.get(path)).status == 200
        not_found = await (await client.get("/board/" + "x" * len(token))).text()
        guesses = [
            "/board/" + token[:-1] + ("A" if token[-1] != "A" else "B"),  # one character off
            "/board/" + token[:-4],  # a prefix
            "/board/" + token.upper() if token.upper() != token else "/board/" + token.lower(),
            "/board/%3Cscript%3E",  # not a token's form at all
            "/board/" + "A" * 300,
            "/board/",
            "/",
        ]
        for guess in guesses:
            response = await client.get(guess)
            assert response.status == 404, guess
            assert await response.text() == not_found, guess
        # /admin web new: the old address is gone, the new one works.
        renewed = await moderator(web_dojo).say("/admin web new")
        new_path = re.search(r"/board/[A-Za-z0-9_-]+", renewed)
        assert new_path is not None and new_path.group(0) != path
        await asyncio.sleep(1.05)  # a found token is trusted for a second (KnownTokens)
        assert (await client.get(path)).status == 404
        assert (await client.get(path + ".json")).status == 404
        assert (await client.get(new_path.group(0))).status == 200
        # /admin web off: gone at once, though its data is still in the page cache.
        assert "removed" in await moderator(web_dojo).say("/admin web off")
        await asyncio.sleep(1.05)
        for gone in (new_path.group(0), new_path.group(0) + ".json"):
            response = await client.get(gone)
            assert response.status == 404 and await response.text() == not_found


async def test_healthz_answers_200_while_the_database_answers_and_503_when_not(
    web_dojo: Dojo, tmp_path: Path
) -> None:
    async with web_client(web_dojo) as client:
        response = await client.get("/healthz")
        assert response.status == 200 and await response.text() == "ok\n"
    missing = create_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a directory, not a database
    broken = dataclasses.replace(web_dojo.services, uow_factory=UnitOfWorkFactory(missing))
    web_dojo.services = broken
    try:
        async with web_client(web_dojo) as client:
            response = await client.get("/healthz")
            assert response.status == 503
    finally:
        await missing.dispose()


async def test_twenty_concurrent_requests_compute_the_page_once_and_stale_data_is_refreshed(
    web_dojo: Dojo,
) -> None:
    seeded = await seed(web_dojo)
    path = await page_on(web_dojo)
    async with web_client(web_dojo, fresh_for=0.3, stale_for=60.0) as client:
        from adapters.web.app import CACHE

        assert client.app is not None
        cache = client.app[CACHE]
        responses = await asyncio.gather(*(client.get(path + ".json") for _ in range(20)))
        assert [r.status for r in responses] == [200] * 20
        assert cache.computations == 1
        before = await responses[0].json()
        # Bob earns XP; within the fresh period the page does not change...
        async with web_dojo.services.uow_factory() as uow:
            now = web_dojo.services.clock.now()
            await uow.xp.award(seeded.ids["bob"], "admin_grant", "web later", 1000, now)
            await uow.commit()
        same = await (await client.get(path + ".json")).json()
        assert same["boards"] == before["boards"] and cache.computations == 1
        # ...once stale, a request gets the old data at once and starts one refresh.
        await asyncio.sleep(0.35)
        await asyncio.gather(*(client.get(path + ".json") for _ in range(5)))
        for _ in range(50):
            if cache.computations == 2 and not cache.refreshing:
                break
            await asyncio.sleep(0.02)
        assert cache.computations == 2
        after = await (await client.get(path + ".json")).json()
        assert after["boards"]["week"]["entries"][0]["name"] == "Bob"
