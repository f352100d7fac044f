"""Text in any script on the card: per-character font fallback, measuring and fitting.

The fonts ship in core/content/fonts (scripts/build_card_fonts.py says what is in them and
why). Each character is drawn by the first font whose character map has it: Noto Sans for
Latin, Greek and Cyrillic, then one font per script, then CJK, then symbols. A character no
font has is left out rather than drawn as a box, and combining marks beyond a few on one
character are dropped (a "Zalgo" name stacks hundreds). Runs of one font are shaped by
Pillow's Raqm layout (Arabic joining, Indic conjuncts, right-to-left order within a run).

Font objects are per thread: a FreeType face must not be used by two threads at once, and the
drawing pool (core.drawing) has a few.
"""

from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent.parent / "content" / "fonts"
REGULAR = "NotoSans-Regular.woff"
BOLD = "NotoSans-Bold.woff"
# After the main font, in order: the scripts of names, CJK, then symbols.
FALLBACKS = (
    "NotoSansArabic-Regular.woff",
    "NotoSansHebrew-Regular.woff",
    "NotoSansDevanagari-Regular.woff",
    "NotoSansBengali-Regular.woff",
    "NotoSansTamil-Regular.woff",
    "NotoSansTelugu-Regular.woff",
    "NotoSansKannada-Regular.woff",
    "NotoSansMalayalam-Regular.woff",
    "NotoSansGujarati-Regular.woff",
    "NotoSansGurmukhi-Regular.woff",
    "NotoSansOriya-Regular.woff",
    "NotoSansSinhala-Regular.woff",
    "NotoSansThai-Regular.woff",
    "NotoSansLao-Regular.woff",
    "NotoSansKhmer-Regular.woff",
    "NotoSansMyanmar-Regular.woff",
    "NotoSansGeorgian-Regular.woff",
    "NotoSansArmenian-Regular.woff",
    "NotoSansEthiopic-Regular.woff",
    "NotoSansThaana-Regular.woff",
    "NotoSansCJK-Regular.woff",
    "NotoSansSymbols-Regular.woff",
    "NotoSansSymbols2-Regular.woff",
)
ELLIPSIS = "…"
MAX_MARKS = 3  # combining marks kept on one character
MAX_CHARS = 200  # more than any card line holds; a longer text is cut before measuring
# Joiners and selectors ride with the character before them, in its font.
_STICKY = {"\u200c", "\u200d", "\ufe0e", "\ufe0f"}
# Bidi controls and other invisible format characters could reorder or hide the rest.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_RTL = {"R", "AL"}


@cache
def coverage(filename: str) -> frozenset[int]:
    """The code points a font draws (read once per process)."""
    font = TTFont(FONT_DIR / filename, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


_local = threading.local()


def font(filename: str, size: int) -> ImageFont.FreeTypeFont:
    """This thread's FreeType font for a file and size."""
    fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] | None = getattr(_local, "fonts", None)
    if fonts is None:
        fonts = _local.fonts = {}
    key = (filename, size)
    if key not in fonts:
        fonts[key] = ImageFont.truetype(str(FONT_DIR / filename), size)
    return fonts[key]


@dataclass(frozen=True)
class Run:
    """Consecutive characters drawn with one font."""

    filename: str
    text: str


def clean(text: str) -> str:
    """The text as the card may draw it: composed (NFC), without control and bidi-override
    characters, at most MAX_MARKS combining marks per character, at most MAX_CHARS long."""
    kept: list[str] = []
    marks = 0
    for char in unicodedata.normalize("NFC", text[: MAX_CHARS * 4]):
        if char in _STICKY:
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        if category in ("Mn", "Me"):
            marks += 1
            if marks > MAX_MARKS or not kept:
                continue
        else:
            marks = 0
        kept.append(" " if category == "Zs" else char)
        if len(kept) >= MAX_CHARS:
            break
    return "".join(kept).strip()


def runs(text: str, main: str) -> list[Run]:
    """The text split into runs by the first font that has each character, in visual order
    of runs (right to left when the text's first strong character is right-to-left); a
    character no font has is left out."""
    chain = (main, *FALLBACKS)
    found: list[tuple[str, list[str]]] = []
    for char in text:
        sticks = char in _STICKY or unicodedata.category(char) in ("Mn", "Me") or char == " "
        if sticks and found:
            found[-1][1].append(char)
            continue
        chosen = next((name for name in chain if ord(char) in coverage(name)), None)
        if chosen is None:
            continue
        if found and found[-1][0] == chosen:
            found[-1][1].append(char)
        else:
            found.append((chosen, [char]))
    result = [Run(name, "".join(chars)) for name, chars in found]
    if _first_strong_is_rtl(text):
        result.reverse()
    return result


def _first_strong_is_rtl(text: str) -> bool:
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RTL:
            return True
        if direction == "L":
            return False
    return False


def width(parts: list[Run], size: int) -> float:
    return sum(font(part.filename, size).getlength(part.text) for part in parts)


def fit(text: str, main: str, size: int, max_width: float) -> list[Run]:
    """The text's runs, cut to the longest start that fits `max_width` with an ellipsis when
    the whole does not (measured, not counted: a CJK character is twice a Latin one)."""
    text = clean(text)
    whole = runs(text, main)
    if width(whole, size) <= max_width:
        return whole
    ellipsis = font(main, size).getlength(ELLIPSIS)
    low, high = 0, len(text)  # the longest prefix that fits is in [low, high)
    while low + 1 < high:
        middle = (low + high) // 2
        if width(runs(text[:middle].rstrip(), main), size) + ellipsis <= max_width:
            low = middle
        else:
            high = middle
    cut = text[:low].rstrip()
    while cut and unicodedata.category(cut[-1]) in ("Mn", "Me"):
        cut = cut[:-1]  # the cut falls inside a stack of marks: end before the stack
    if _first_strong_is_rtl(text):
        return [Run(main, ELLIPSIS), *runs(cut, main)]
    return [*runs(cut, main), Run(main, ELLIPSIS)]


def visible(parts: list[Run]) -> str:
    """The text the runs draw, in logical order for a left-to-right text (for tests, logs)."""
    return "".join(part.text for part in parts)
