"""Rank cards on /profile: what the card says, that it draws any script, and where it goes.

The card's content is checked on its layout input (`CardData`, captured on its way to the
renderer), not on pixels; glyphs are checked against each font's .notdef box; the platforms
are driven through the fake Telegram Bot API and the Discord fake.
"""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from PIL import Image, ImageDraw

import core.features.cards.profile_card as profile_card
import core.features.profile as profile
from bot.app import Dojo
from core.drawing import DrawingPool
from core.features.cards import fonts
from core.features.cards.render import HEIGHT, WIDTH, CardData, render_card
from core.messages import Drawing, Reply
from tests.fakes.discord_harness import running_bot
from tests.fakes.telegram_harness import running_adapter, texts
from tests.support import ChatDriver

GROUP = -100555
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(data)) as image:
        image.verify()
    with Image.open(io.BytesIO(data)) as image:
        return image.size


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[CardData]:
    """Every card /profile asks to draw, as its layout input (still drawn for real)."""
    seen: list[CardData] = []

    def recording(data: CardData) -> bytes:
        seen.append(data)
        return render_card(data)

    monkeypatch.setattr(profile_card, "render_card", recording)
    return seen


def _card(replies: list[Reply]) -> bytes:
    (answer,) = [item for item in replies if item.image is not None]
    assert answer.image is not None and answer.image.filename == "rank-card.png"
    return answer.image.data


async def test_profile_sends_a_card_with_the_learners_data(
    ada: ChatDriver, drawn: list[CardData]
) -> None:
    await ada.say("/start frontend junior Europe/Paris")
    caption = await ada.say("/profile")
    assert _png_size(_card(ada.last)) == (WIDTH, HEIGHT)
    (data,) = drawn
    assert (data.name, data.level, data.title, data.xp) == ("ada", 1, "Intern Arrival", 30)
    assert 0 <= data.fraction < 1 and data.next_text == f"{100 - data.xp} XP to level 2"
    assert (data.rank, data.rank_scope) == (1, "global")  # a private chat: everyone's board
    assert data.badge_count == len(data.badges)
    # The text profile is the caption, rank line included.
    assert "Level 1 · Intern Arrival" in caption and "Rank: #1 global" in caption


async def test_in_a_group_the_rank_is_this_communitys(
    sqlite_dojo: Dojo, drawn: list[CardData]
) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3101, "Ada").in_chat(GROUP)
        await tg.person(3101, "Ada").say("/start backend mid UTC")
        calls = await ada.say("/profile")
        (photo,) = [call for call in calls if call.method == "sendPhoto"]
        assert _png_size(bytes(photo.params["photo"])) == (WIDTH, HEIGHT)
        assert "Intern Arrival" in photo.params["caption"] and "Ada" in photo.params["caption"]
        assert drawn[-1].rank_scope == "in Study group" and drawn[-1].rank == 1


async def test_telegram_profile_is_a_photo_with_the_text_as_caption(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3001, "Ada")
        await ada.say("/start backend mid UTC")
        calls = await ada.say("/profile")
        (photo,) = [call for call in calls if call.method == "sendPhoto"]
        assert _png_size(bytes(photo.params["photo"])) == (WIDTH, HEIGHT)
        caption = photo.params["caption"]
        assert "<b>Ada</b>" in caption and "Rank: #1 global" in caption
        assert not [call for call in calls if call.method == "sendMessage"]


async def test_a_caption_over_telegrams_limit_follows_the_photo_as_text(
    sqlite_dojo: Dojo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(profile, "rank_line", lambda *_a, **_k: "🏆 " + "rank " * 300)
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3002, "Ada")
        calls = await ada.say("/profile")
        methods = [call.method for call in calls if call.method in ("sendPhoto", "sendMessage")]
        assert methods[0] == "sendPhoto" and "sendMessage" in methods
        assert "rank rank" in texts(calls)


async def test_discord_profile_carries_the_card_as_a_file(sqlite_dojo: Dojo) -> None:
    async with running_bot(sqlite_dojo) as bot:
        log = await bot.slash("profile")
        (message,) = log.messages
        assert [item["filename"] for item in message["attachments"]] == ["rank-card.png"]
        assert "Intern Arrival" in message["content"] and "Rank:" in message["content"]


async def test_settings_card_off_gives_text_only_and_on_brings_it_back(ada: ChatDriver) -> None:
    assert "Saved." in await ada.say("/settings card off")
    assert "Rank card image on /profile: off" in ada.last[-1].text.plain
    text = await ada.say("/profile")
    assert "Level 1" in text and all(item.image is None for item in ada.last)
    await ada.say("/settings card on")
    await ada.say("/profile")
    assert _png_size(_card(ada.last)) == (WIDTH, HEIGHT)


async def test_settings_card_off_on_telegram_sends_no_photo(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        ada = tg.person(3003, "Ada")
        await ada.say("/settings card off")
        calls = await ada.say("/profile")
        assert "Level 1" in texts(calls)
        assert not [call for call in calls if call.method == "sendPhoto"]


async def test_a_render_failure_falls_back_to_the_text(
    ada: ChatDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_data: CardData) -> bytes:
        raise OSError("font file unreadable")

    monkeypatch.setattr(profile_card, "render_card", broken)
    text = await ada.say("/profile")
    assert "Level 1" in text and all(item.image is None for item in ada.last)
    assert ada.router.services.drawing.failed == 1  # it was tried, and failed to text


async def test_a_slow_render_falls_back_to_text_without_blocking_others(
    sqlite_dojo: Dojo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow(_data: CardData) -> bytes:
        time.sleep(1.0)
        return b""

    monkeypatch.setattr(profile_card, "render_card", slow)
    sqlite_dojo.services.drawing.timeout = 0.2
    ada, bo = ChatDriver(sqlite_dojo.router, "ada"), ChatDriver(sqlite_dojo.router, "bo")
    started = time.monotonic()
    profile, streak = await asyncio.gather(ada.say("/profile"), bo.say("/streak"))
    assert time.monotonic() - started < 0.9  # neither waited out the drawing
    assert "Level 1" in profile and "streak" in streak.lower()
    assert sqlite_dojo.services.drawing.failed == 1  # the card was tried and timed out


async def test_the_pool_draws_at_most_its_workers_at_once() -> None:
    pool = DrawingPool(workers=2, timeout=5)
    running = 0
    peak = 0

    def draw() -> bytes:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        time.sleep(0.05)
        running -= 1
        return b"png"

    results = await asyncio.gather(*(pool.draw(Drawing(draw)) for _ in range(8)))
    pool.close()
    assert results == [b"png"] * 8 and peak == 2


HOSTILE = {
    "combining": "Z" + "\u0301\u0336\u0489" * 67,
    "emoji": "😀🎉👩‍💻🇯🇵 Ada",
    "rtl": "محمد عبد الله \u202e reversed",
    "empty": "",
    "long": "W" * 1000,
    "mixed": "Ада 李小龍 שלום देवनागरी",
}


@pytest.mark.parametrize("name", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_names_fit_the_card_and_draw(name: str) -> None:
    box = 440
    parts = fonts.fit(name, fonts.BOLD, 40, box)
    assert fonts.width(parts, 40) <= box
    shown = fonts.visible(parts)
    assert sum(1 for char in shown if char in "\u0301\u0336\u0489") <= fonts.MAX_MARKS
    assert "\u202e" not in shown
    data = CardData(
        name,
        10,
        "Legend",
        123456789,
        1.0,
        "Top level",
        None,
        "global",
        999,
        999,
        ((name, "epic"),) * 6,
        6,
    )
    assert _png_size(render_card(data)) == (WIDTH, HEIGHT)


def test_a_long_name_is_cut_with_an_ellipsis_by_measured_width() -> None:
    wide = fonts.fit("李" * 100, fonts.BOLD, 40, 440)
    narrow = fonts.fit("i" * 100, fonts.BOLD, 40, 440)
    assert fonts.visible(wide).endswith(fonts.ELLIPSIS)
    assert fonts.visible(narrow).endswith(fonts.ELLIPSIS)
    # Measured, not counted: far more narrow letters fit than wide ones.
    assert len(fonts.visible(narrow)) > 2 * len(fonts.visible(wide))


def _mask(filename: str, char: str) -> bytes:
    """The character drawn alone in a font, as grey levels."""
    image = Image.new("L", (80, 80), 0)
    ImageDraw.Draw(image).text((10, 60), char, fill=255, font=fonts.font(filename, 40), anchor="ls")
    return image.tobytes()


@pytest.mark.parametrize("name", ["李小龍", "محمد", "Дмитрий", "さくら", "김민준", "สมชาย"])
def test_names_in_other_scripts_draw_real_glyphs(name: str) -> None:
    """Each character is drawn by a font that has it: not its .notdef box, and not the main
    font's box either (which is what a card without fallback fonts would draw)."""
    main_box = _mask(fonts.BOLD, "\U0010fffd")
    for part in fonts.runs(name, fonts.BOLD):
        for char in part.text:
            if char == " ":
                continue
            glyph = _mask(part.filename, char)
            assert glyph != _mask(part.filename, "\U0010fffd"), (char, part.filename)
            assert glyph != main_box
            assert any(glyph), char
    assert fonts.visible(fonts.runs(name, fonts.BOLD)).replace(" ", "") == name.replace(" ", "")
