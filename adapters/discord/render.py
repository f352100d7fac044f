"""Turning a core Doc into Discord markdown: the adapter's one place for escaping.

Learner text arrives here as plain spans and leaves with every markdown character escaped and
mass mentions defused, so nothing a learner types can format, mention or break a message.
Splitting to Discord's limits happens after rendering, line by line, and never inside a code
block: a block that has to be cut is closed and reopened in the next chunk.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from core.text import Doc, Span, Style

CONTENT_LIMIT = 2000
EMBED_LIMIT = 4096
FENCE = "```"
_ZWSP = "\u200b"
_MARKDOWN = re.compile(r"([\\*_~`|>#\-+\[\]()<])")
_MASS_MENTION = re.compile(r"@(everyone|here)", re.IGNORECASE)
_ORDERED_LIST = re.compile(r"(?m)^(\s*\d+)\.(?=\s)")
_LANGUAGE = re.compile(r"[^A-Za-z0-9+#_\-]")


def escape(text: str) -> str:
    """Plain text as Discord shows it literally: markdown escaped, @everyone/@here defused."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    escaped = _ORDERED_LIST.sub(r"\1\\.", escaped)
    return _MASS_MENTION.sub(lambda match: f"@{_ZWSP}{match.group(1)}", escaped)


def _inline_code(text: str) -> str:
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text.replace('``', '`' + _ZWSP + '`')} ``"


def _code_block(text: str, language: str) -> str:
    body = text.replace(FENCE, "`" + _ZWSP + "``").rstrip("\n")
    return f"{FENCE}{_LANGUAGE.sub('', language)[:20]}\n{body}\n{FENCE}"


def _wrap(text: str, marker: str) -> str:
    """Bold/italic markers must hug the text, so surrounding whitespace stays outside them."""
    core = text.strip()
    if not core:
        return text
    start = text.index(core[0])
    return f"{text[:start]}{marker}{escape(core)}{marker}{text[start + len(core) :]}"


def _link(span: Span) -> str:
    url = span.extra
    if not url.startswith(("https://", "http://")):
        return escape(f"{span.text} ({url})" if url else span.text)
    # "@" is encoded too, so no mention can hide in a link target.
    safe_url = quote(url, safe=":/?#!$&'*+,;=%~-._")
    return f"[{escape(span.text or url)}]({safe_url})"


def render_span(span: Span) -> str:
    if span.style is Style.BOLD:
        return _wrap(span.text, "**")
    if span.style is Style.ITALIC:
        return _wrap(span.text, "*")
    if span.style is Style.CODE:
        return _inline_code(span.text) if span.text else ""
    if span.style is Style.LINK:
        return _link(span)
    return escape(span.text)


def render(doc: Doc) -> str:
    """The whole Doc as one markdown string; code blocks always sit on their own lines."""
    out = ""
    for span in doc.spans:
        if span.style is Style.CODE_BLOCK:
            if out and not out.endswith("\n"):
                out += "\n"
            out += _code_block(span.text, span.extra) + "\n"
        else:
            out += render_span(span)
    return out.strip("\n")


def _hard_split(line: str, budget: int) -> list[str]:
    """A line longer than a whole message, cut at spaces where possible, never after a `\\`."""
    pieces: list[str] = []
    while len(line) > budget:
        cut = line.rfind(" ", budget // 2, budget)
        if cut <= 0:
            cut = budget
            while cut > 1 and line[cut - 1] == "\\":
                cut -= 1
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def split(text: str, limit: int = CONTENT_LIMIT) -> list[str]:
    """Chunks of at most `limit` characters; a code block cut in two is closed and reopened."""
    if len(text) <= limit:
        return [text] if text else []
    chunks: list[str] = []
    lines: list[str] = []
    in_code, language = False, ""

    def size() -> int:
        return sum(len(line) for line in lines) + max(len(lines) - 1, 0)

    def flush(reopen: bool = True) -> None:
        if in_code:
            lines.append(FENCE)
        chunk = "\n".join(lines).strip("\n")
        if chunk.strip() and chunk != f"{FENCE}{language}\n{FENCE}":
            chunks.append(chunk)
        lines.clear()
        if in_code and reopen:
            lines.append(FENCE + language)

    for raw in text.split("\n"):
        fence = raw.startswith(FENCE)
        closing = fence and in_code
        reserve = len(FENCE) + 1 if in_code else 0
        budget = limit - reserve - (len(FENCE + language) + 1 if in_code else 0)
        for piece in _hard_split(raw, max(budget, 1)):
            extra = len(piece) + (1 if lines else 0)
            if lines and size() + extra + (0 if closing else reserve) > limit:
                flush()
                if closing:
                    lines.clear()
                    break
            lines.append(piece)
        if fence:
            in_code, language = (False, "") if in_code else (True, raw[len(FENCE) :])
    flush(reopen=False)
    return chunks
