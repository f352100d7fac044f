"""Portable rich text.

Replies are built from typed spans instead of a markup string, so learner-supplied text can
never smuggle formatting into a message: every adapter escapes plain spans for its platform in
exactly one place (its renderer) and decides how bold, code and links look.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"
    CODE_BLOCK = "code_block"
    LINK = "link"


@dataclass(frozen=True, slots=True)
class Span:
    text: str
    style: Style = Style.PLAIN
    # For LINK the target URL; for CODE_BLOCK the language tag (may be empty).
    extra: str = ""


@dataclass(frozen=True, slots=True)
class Doc:
    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, *pieces: Span | str | Doc) -> Doc:
        spans: list[Span] = []
        for piece in pieces:
            if isinstance(piece, Doc):
                spans.extend(piece.spans)
            elif isinstance(piece, Span):
                spans.append(piece)
            elif piece:
                spans.append(Span(piece))
        return cls(tuple(spans))

    @classmethod
    def lines(cls, *lines: Span | str | Doc | Iterable[Span | str | Doc]) -> Doc:
        """Join lines with newlines; a line may itself be several pieces (a tuple or list)."""
        pieces: list[Span | str | Doc] = []
        for index, line in enumerate(lines):
            if index:
                pieces.append("\n")
            if isinstance(line, Span | str | Doc):
                pieces.append(line)
            else:
                pieces.extend(line)
        return cls.of(*pieces)

    def __add__(self, other: Span | str | Doc) -> Doc:
        return Doc.of(self, other)

    @property
    def plain(self) -> str:
        """The text as a reader sees it, without any markup (console, length checks)."""
        parts = []
        for span in self.spans:
            if span.style is Style.CODE_BLOCK:
                parts.append(span.text)
            elif span.style is Style.LINK and span.extra and span.extra != span.text:
                parts.append(f"{span.text} ({span.extra})")
            else:
                parts.append(span.text)
        return "".join(parts)

    def __bool__(self) -> bool:
        return any(span.text for span in self.spans)


def bold(text: str) -> Span:
    return Span(text, Style.BOLD)


def italic(text: str) -> Span:
    return Span(text, Style.ITALIC)


def code(text: str) -> Span:
    return Span(text, Style.CODE)


def code_block(text: str, language: str = "") -> Span:
    return Span(text, Style.CODE_BLOCK, language)


def link(text: str, url: str) -> Span:
    return Span(text, Style.LINK, url)
