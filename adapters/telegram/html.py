"""Doc -> Telegram HTML, and splitting long Docs below the message limit.

This is the adapter's one place that escapes text: every plain string the core produced (and
every piece of learner text inside it) passes through `_escape` exactly once, so nothing a
learner types can become markup. Telegram counts message length after entity parsing, in UTF-16
code units, so splitting measures what the reader sees, not the HTML.
"""

from __future__ import annotations

import html

from core.text import Doc, Span, Style

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
# Headroom below the hard limit so a chunk never lands exactly on it.
SPLIT_AT = 4000
_SAFE_SCHEMES = ("http://", "https://", "tg://")
_TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.CODE: "code"}


def visible_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _language(tag: str) -> str:
    return "".join(c for c in tag if c.isalnum() or c in "+-#_.")[:32]


def render_span(span: Span) -> str:
    body = _escape(span.text)
    if span.style in _TAGS:
        tag = _TAGS[span.style]
        return f"<{tag}>{body}</{tag}>"
    if span.style is Style.CODE_BLOCK:
        language = _language(span.extra)
        if language:
            return f'<pre><code class="language-{language}">{body}</code></pre>'
        return f"<pre>{body}</pre>"
    if span.style is Style.LINK:
        url = span.extra.strip()
        if url.startswith(_SAFE_SCHEMES):
            return f'<a href="{html.escape(url, quote=True)}">{body}</a>'
        return body if url in ("", span.text) else f"{body} ({_escape(url)})"
    return body


def render_html(doc: Doc) -> str:
    return "".join(render_span(span) for span in doc.spans if span.text)


def doc_length(spans: tuple[Span, ...] | list[Span]) -> int:
    return sum(visible_length(span.text) for span in spans)


def _cut(text: str, limit: int, separators: tuple[str, ...]) -> list[str]:
    """Cut text into pieces of at most `limit` UTF-16 units, preferring the given separators."""
    if visible_length(text) <= limit:
        return [text]
    for separator in separators:
        if not separator:
            break
        pieces = text.split(separator)
        if len(pieces) < 2:
            continue
        out: list[str] = []
        current = ""
        for index, piece in enumerate(pieces):
            candidate = piece + (separator if index < len(pieces) - 1 else "")
            if current and visible_length(current + candidate) > limit:
                out.append(current)
                current = ""
            if visible_length(candidate) > limit:
                out.extend(_cut(candidate, limit, separators[separators.index(separator) + 1 :]))
            else:
                current += candidate
        if current:
            out.append(current)
        return out
    # No separator left: a hard cut, never between the halves of a surrogate pair.
    out, current = [], ""
    for char in text:
        if visible_length(current + char) > limit:
            out.append(current)
            current = ""
        current += char
    return [*out, current] if current else out


def _blocks(doc: Doc, limit: int) -> list[list[Span]]:
    """Paragraphs and code blocks, each at most `limit` long, in reading order."""
    blocks: list[list[Span]] = [[]]
    filled = 0  # the length of blocks[-1], kept as it grows
    for span in doc.spans:
        if not span.text:
            continue
        if span.style is Style.CODE_BLOCK:
            pieces = _cut(span.text, limit, ("\n", " ", ""))
            blocks.extend([Span(piece, span.style, span.extra)] for piece in pieces)
            blocks.append([])
            filled = 0
            continue
        paragraphs = span.text.split("\n\n")
        for index, paragraph in enumerate(paragraphs):
            text = paragraph + ("\n\n" if index < len(paragraphs) - 1 else "")
            for piece in _cut(text, limit, ("\n", " ", "")):
                length = visible_length(piece)
                if filled + length > limit:
                    blocks.append([])
                    filled = 0
                blocks[-1].append(Span(piece, span.style, span.extra))
                filled += length
            if index < len(paragraphs) - 1:
                blocks.append([])
                filled = 0
    return [block for block in blocks if block]


def _trim(spans: list[Span]) -> list[Span]:
    """Drop whitespace at a chunk's edges (Telegram strips it and an empty text is refused)."""
    spans = list(spans)
    while spans and spans[0].style is not Style.CODE_BLOCK and not spans[0].text.strip():
        spans.pop(0)
    while spans and spans[-1].style is not Style.CODE_BLOCK and not spans[-1].text.strip():
        spans.pop()
    if spans and spans[-1].style is Style.PLAIN:
        spans[-1] = Span(spans[-1].text.rstrip(), spans[-1].style, spans[-1].extra)
    return spans


def _shown_links(doc: Doc) -> Doc:
    """Links Telegram cannot link are plain text ("text (url)" or just the text): make them
    plain before splitting, so the splitter counts what the reader sees and a cut piece never
    drags the whole url along."""
    spans = []
    for span in doc.spans:
        url = span.extra.strip()
        if span.style is Style.LINK and not url.startswith(_SAFE_SCHEMES):
            shown = span.text if url in ("", span.text) else f"{span.text} ({url})"
            spans.append(Span(shown, Style.PLAIN))
        else:
            spans.append(span)
    return Doc(tuple(spans))


def split_doc(doc: Doc, limit: int = SPLIT_AT) -> list[Doc]:
    """Split on paragraph or code-block boundaries so every part fits one message.

    A code block is never cut open: an oversized one becomes several complete blocks, split at
    line breaks.
    """
    shown = _shown_links(doc)
    if doc_length(shown.spans) <= limit:  # the usual case: one message, nothing to cut
        chunks = [[span for span in shown.spans if span.text]]
    else:
        chunks = [[]]
        filled = 0
        for block in _blocks(shown, limit):
            length = doc_length(block)
            if chunks[-1] and filled + length > limit:
                chunks.append([])
                filled = 0
            chunks[-1].extend(block)
            filled += length
    trimmed = (_trim(chunk) for chunk in chunks)
    return [Doc(tuple(chunk)) for chunk in trimmed if chunk]


def shorten(text: str, limit: int) -> str:
    """Fit plain text into a field of `limit` UTF-16 units, marking the cut with an ellipsis."""
    if visible_length(text) <= limit:
        return text
    return _cut(text, limit - 1, ("",))[0].rstrip() + "…"
