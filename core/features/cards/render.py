"""The rank card: `CardData` (what the card says, built by /profile) drawn as a PNG.

Every text is fitted to its box by measured width (core.features.cards.fonts) and drawn into a
mask of that box, so nothing (a stack of marks, a tall script) can spill outside it. Badges are
drawn as named chips coloured by rarity rather than as their emoji icons: no shipped font has
colour emoji, and a title says more than a small glyph.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageDraw

from core.features.cards.fonts import BOLD, REGULAR, Run, fit, font

WIDTH, HEIGHT = 900, 280
SIZE = (WIDTH, HEIGHT)
BACKGROUND = (35, 39, 42)
PANEL = (47, 51, 56)
TEXT = (240, 240, 240)
MUTED = (170, 176, 184)
ACCENT = (88, 101, 242)
BAR_EMPTY = (72, 77, 84)
RARITY_COLOURS = {
    "common": (96, 125, 139),
    "rare": (33, 150, 243),
    "epic": (156, 39, 176),
    "legendary": (255, 152, 0),
}
MAX_BADGES = 4
LEFT = 230  # where the text column starts, right of the level disc
RIGHT = WIDTH - 30


@dataclass(frozen=True)
class CardData:
    """What the card shows; tests check this, not pixels."""

    name: str
    level: int
    title: str
    xp: int
    # Progress through the current level, 0-1, and what the bar's label says.
    fraction: float
    next_text: str
    # Rank on the all-time board, None when not ranked (hidden, or no XP yet).
    rank: int | None
    # "in <community>" or "global": which board the rank is on.
    rank_scope: str
    streak: int
    longest: int
    # Badge titles and rarities, newest first; `badge_count` counts all of them.
    badges: tuple[tuple[str, str], ...]
    badge_count: int

    @property
    def rank_text(self) -> str:
        return f"#{self.rank} {self.rank_scope}" if self.rank else f"unranked {self.rank_scope}"


def _text(
    card: Image.Image,
    box: tuple[int, int, int, int],
    text: str,
    *,
    bold: bool,
    size: int,
    colour: tuple[int, int, int],
    align_right: bool = False,
) -> None:
    """Draw text fitted into `box` (left, top, right, bottom), on a baseline 78% down."""
    left, top, right, bottom = box
    main = BOLD if bold else REGULAR
    parts = fit(text, main, size, right - left)
    mask = Image.new("L", (right - left, bottom - top), 0)
    pen = ImageDraw.Draw(mask)
    widths = [font(part.filename, size).getlength(part.text) for part in parts]
    x = (right - left) - sum(widths) if align_right else 0.0
    baseline = (bottom - top) * 0.78
    for part, part_width in zip(parts, widths, strict=True):
        pen.text((x, baseline), part.text, fill=255, font=font(part.filename, size), anchor="ls")
        x += part_width
    card.paste(colour, (left, top, right, bottom), mask)


def _level_disc(pen: ImageDraw.ImageDraw, card: Image.Image, level: int) -> None:
    pen.ellipse((40, 50, 200, 210), fill=ACCENT)
    label = int(font(BOLD, 20).getlength("LEVEL"))
    _text(
        card,
        (120 - label // 2, 75, 122 + label // 2, 105),
        "LEVEL",
        bold=True,
        size=20,
        colour=TEXT,
    )
    number = str(level)
    size = 72
    number_width = font(BOLD, size).getlength(number)
    left = int(120 - number_width / 2)
    _text(
        card,
        (left, 95, left + int(number_width) + 2, 185),
        number,
        bold=True,
        size=size,
        colour=TEXT,
    )


def _bar(pen: ImageDraw.ImageDraw, fraction: float) -> None:
    top, bottom = 160, 186
    pen.rounded_rectangle((LEFT, top, RIGHT, bottom), radius=13, fill=BAR_EMPTY)
    filled = LEFT + int((RIGHT - LEFT) * max(0.0, min(1.0, fraction)))
    if filled - LEFT >= 26:
        pen.rounded_rectangle((LEFT, top, filled, bottom), radius=13, fill=ACCENT)


def _badges(pen: ImageDraw.ImageDraw, card: Image.Image, data: CardData) -> None:
    x = LEFT + 250
    top, bottom = 208, 240
    shown = data.badges[:MAX_BADGES]
    if not shown:
        _text(card, (x, top, RIGHT, bottom), "No badges yet", bold=False, size=20, colour=MUTED)
        return
    more = data.badge_count - len(shown)
    for title, rarity in shown:
        parts: list[Run] = fit(title, BOLD, 16, 140)
        chip = int(sum(font(p.filename, 16).getlength(p.text) for p in parts)) + 20
        if x + chip > RIGHT - (50 if more else 0):
            more += 1
            continue
        pen.rounded_rectangle(
            (x, top, x + chip, bottom),
            radius=16,
            fill=RARITY_COLOURS.get(rarity, RARITY_COLOURS["common"]),
        )
        _text(card, (x + 10, top + 2, x + chip - 8, bottom), title, bold=True, size=16, colour=TEXT)
        x += chip + 8
    if more > 0:
        _text(card, (x, top, RIGHT, bottom), f"+{more}", bold=True, size=18, colour=MUTED)


def draw_card(data: CardData) -> Image.Image:
    card = Image.new("RGB", SIZE, BACKGROUND)
    pen = ImageDraw.Draw(card)
    pen.rounded_rectangle((15, 15, WIDTH - 15, HEIGHT - 15), radius=24, fill=PANEL)
    _level_disc(pen, card, data.level)
    _text(
        card, (LEFT, 35, RIGHT - 230, 95), data.name or "Learner", bold=True, size=40, colour=TEXT
    )
    _text(
        card,
        (RIGHT - 220, 45, RIGHT, 90),
        data.rank_text,
        bold=True,
        size=24,
        colour=MUTED,
        align_right=True,
    )
    _text(
        card,
        (LEFT, 100, RIGHT - 230, 140),
        f"Level {data.level} · {data.title}",
        bold=False,
        size=26,
        colour=TEXT,
    )
    _text(
        card,
        (RIGHT - 220, 108, RIGHT, 140),
        f"{data.xp:,} XP",
        bold=True,
        size=22,
        colour=TEXT,
        align_right=True,
    )
    _bar(pen, data.fraction)
    _text(card, (LEFT, 186, RIGHT, 208), data.next_text, bold=False, size=16, colour=MUTED)
    streak = f"Streak {data.streak} d · best {data.longest}"
    _text(card, (LEFT, 208, LEFT + 240, 240), streak, bold=False, size=20, colour=TEXT)
    _badges(pen, card, data)
    return card


def render_card(data: CardData) -> bytes:
    """The card as PNG bytes (run in core.drawing's pool, never on the event loop)."""
    buffer = io.BytesIO()
    draw_card(data).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()
