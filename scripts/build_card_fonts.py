"""Build the rank card's fonts (core/content/fonts/) from Debian's Noto packages.

The card must draw a learner's name in any script, and the package must stay small, so the
fonts are subsets: Noto Sans (Latin, Greek, Cyrillic) in two weights for everything the card
says, one regular font per other script for names, and Noto Sans CJK cut down to the
characters of everyday names (GB 2312, the JIS X 0208 kanji, KS X 1001's 2,350 hangul, kana).
Hinting is dropped (the card is drawn once at a fixed size) and the files are WOFF, which
FreeType reads directly. Every font is under the SIL Open Font License (OFL.txt beside them).

Run once after `apt-get install fonts-noto-core fonts-noto-cjk`; the output is committed, so
nothing here runs at install or run time:

    .venv/bin/python scripts/build_card_fonts.py
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

NOTO = Path("/usr/share/fonts/truetype/noto")
CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
CJK_SC = 2  # the collection's Simplified Chinese face: the widest of its hanzi forms
OUT = Path(__file__).resolve().parent.parent / "core" / "content" / "fonts"
LATIN_FREE = 0x0250  # Basic Latin to Latin Extended-B: Noto Sans draws these for every font

# Noto Sans's own range: Latin, IPA, Greek, Cyrillic, punctuation, currency, arrows.
MAIN_RANGES = [(0x20, 0x052F), (0x1D00, 0x1FFF), (0x2000, 0x20CF), (0x2100, 0x21FF),
               (0x2C60, 0x2C7F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F), (0xA720, 0xA7FF),
               (0xFB00, 0xFB06), (0xFE20, 0xFE2F)]
SCRIPTS = ["Arabic", "Hebrew", "Devanagari", "Bengali", "Tamil", "Telugu", "Kannada",
           "Malayalam", "Gujarati", "Gurmukhi", "Oriya", "Sinhala", "Thai", "Lao", "Khmer",
           "Myanmar", "Georgian", "Armenian", "Ethiopic", "Thaana", "Symbols", "Symbols2"]


def _double_byte(codec: str, rows: range, cells: range) -> set[int]:
    """The characters of some rows of a legacy double-byte set (EUC byte pairs)."""
    found = set()
    for row in rows:
        for cell in cells:
            with contextlib.suppress(UnicodeDecodeError, TypeError):
                found.add(ord(bytes([row, cell]).decode(codec)))
    return found


def _cjk_points() -> set[int]:
    points = _double_byte("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF))  # GB level 1
    points |= _double_byte("euc_jp", range(0xB0, 0xD0), range(0xA1, 0xFF))  # JIS level 1
    points |= _double_byte("euc_kr", range(0xB0, 0xC9), range(0xA1, 0xFF))  # KS hangul
    points |= set(range(0x3000, 0x3100)) | set(range(0x3130, 0x3190))  # kana, jamo, marks
    points |= set(range(0xFF00, 0xFFF0))  # full-width forms
    return points


def _save(font: TTFont, points: set[int], name: str) -> None:
    options = subset.Options()
    options.layout_features = ["*"]  # Arabic joining and Indic conjuncts need them all
    options.hinting = False
    options.name_IDs = [0, 1, 2, 4, 6, 13, 14]  # keep the copyright and licence records
    options.notdef_outline = True  # the .notdef box: tests compare glyphs against it
    options.flavor = "woff"
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(points & set(font.getBestCmap())))
    subsetter.subset(font)
    path = OUT / f"{name}.woff"
    font.flavor = "woff"
    font.save(path)
    print(f"{path.name}: {path.stat().st_size // 1024} KiB", file=sys.stderr)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    if sys.argv[1:] == ["cjk"]:  # the slow one alone
        _save(TTCollection(CJK).fonts[CJK_SC], _cjk_points(), "NotoSansCJK-Regular")
        return
    main_points = {p for low, high in MAIN_RANGES for p in range(low, high + 1)}
    for weight in ("Regular", "Bold"):
        _save(TTFont(NOTO / f"NotoSans-{weight}.ttf"), main_points, f"NotoSans-{weight}")
    for script in SCRIPTS:
        font = TTFont(NOTO / f"NotoSans{script}-Regular.ttf")
        points = {p for p in font.getBestCmap() if p >= LATIN_FREE} | {0x20, 0x200C, 0x200D}
        _save(font, points, f"NotoSans{script}-Regular")
    _save(TTCollection(CJK).fonts[CJK_SC], _cjk_points(), "NotoSansCJK-Regular")


if __name__ == "__main__":
    main()
