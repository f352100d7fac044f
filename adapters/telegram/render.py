"""Reply -> the Telegram calls that show it: texts, a quiz poll, a photo, a document.

Rendering is pure (no I/O), so every limit of DESIGN §7 is decided here and tested without a
server: text split below 4096, caption 1024, callback data 64 bytes, poll question 300, options
100 (2-10 of them), quiz explanation 200. What does not fit a native form falls back explicitly
(a poll that cannot be a poll becomes numbered buttons).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from adapters.telegram.html import (
    CAPTION_LIMIT,
    doc_length,
    render_html,
    shorten,
    split_doc,
    visible_length,
)
from core.codec import MAX_BYTES
from core.messages import Button, QuizPoll, Reply
from core.text import Doc, bold

log = logging.getLogger(__name__)

POLL_QUESTION_LIMIT = 300
POLL_OPTION_LIMIT = 100
POLL_MIN_OPTIONS, POLL_MAX_OPTIONS = 2, 10
EXPLANATION_LIMIT = 200
Keyboard = InlineKeyboardMarkup | None


@dataclass(frozen=True)
class TextOut:
    html: str
    keyboard: Keyboard = None
    edit_of: int | None = None


@dataclass(frozen=True)
class PollOut:
    question: str
    options: tuple[str, ...]
    correct_index: int
    explanation: str
    answer_data: str
    # The whole explanation when the poll's 200 characters could not hold it.
    full_explanation: str | None = None
    keyboard: Keyboard = None
    open_period: int | None = None


@dataclass(frozen=True)
class FileOut:
    data: bytes
    filename: str
    caption_html: str = ""
    is_photo: bool = False
    keyboard: Keyboard = None


Outgoing = TextOut | PollOut | FileOut


def keyboard(rows: tuple[tuple[Button, ...], ...]) -> Keyboard:
    """Inline keyboard from Reply.buttons; a button whose data cannot fit is dropped, loudly."""
    built: list[list[InlineKeyboardButton]] = []
    for row in rows:
        kept = []
        for button in row:
            if not button.data or len(button.data.encode()) > MAX_BYTES:
                log.warning("dropping button %r: callback data over 64 bytes", button.label)
                continue
            kept.append(InlineKeyboardButton(button.label[:64], callback_data=button.data))
        if kept:
            built.append(kept)
    return InlineKeyboardMarkup(built) if built else None


def link_keyboard(label: str, url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, url=url)]])


def _poll_fits(poll: QuizPoll) -> bool:
    return (
        POLL_MIN_OPTIONS <= len(poll.options) <= POLL_MAX_OPTIONS
        and 0 <= poll.correct_index < len(poll.options)
        and 0 < visible_length(poll.question) <= POLL_QUESTION_LIMIT
        and all(0 < visible_length(option) <= POLL_OPTION_LIMIT for option in poll.options)
        and len(f"{poll.answer_data}:{len(poll.options) - 1}".encode()) <= MAX_BYTES
    )


def render_poll(poll: QuizPoll, native: bool = True) -> list[Outgoing]:
    if not native or not _poll_fits(poll):
        return _poll_as_buttons(poll)
    explanation = poll.explanation.strip()
    short = shorten(explanation, EXPLANATION_LIMIT)
    return [
        PollOut(
            question=poll.question,
            options=poll.options,
            correct_index=poll.correct_index,
            explanation=short,
            answer_data=poll.answer_data,
            full_explanation=explanation if short != explanation else None,
            open_period=poll.open_period,
        )
    ]


def _poll_as_buttons(poll: QuizPoll) -> list[Outgoing]:
    lines: list[object] = [bold(poll.question)]
    lines.extend(f"{number}. {option}" for number, option in enumerate(poll.options, start=1))
    buttons = tuple(
        Button(str(number), f"{poll.answer_data}:{number - 1}")
        for number in range(1, len(poll.options) + 1)
    )
    rows = tuple(buttons[i : i + 5] for i in range(0, len(buttons), 5))
    doc = Doc.lines(*lines)  # type: ignore[arg-type]
    return _texts(doc, keyboard(rows))


def _texts(doc: Doc, markup: Keyboard, edit_of: int | None = None) -> list[Outgoing]:
    parts = split_doc(doc)
    outs: list[Outgoing] = [TextOut(render_html(part)) for part in parts]
    if outs and edit_of is not None and len(outs) == 1:
        outs[0] = TextOut(render_html(parts[0]), edit_of=edit_of)
    if outs and markup is not None:
        last = outs[-1]
        assert isinstance(last, TextOut)
        outs[-1] = TextOut(last.html, markup, last.edit_of)
    return outs


def _caption(doc: Doc) -> str | None:
    """HTML caption for the text, or None when it does not fit a caption."""
    if doc_length(doc.spans) > CAPTION_LIMIT:
        return None
    return render_html(doc)


def render_reply(reply: Reply, native_polls: bool = True) -> list[Outgoing]:
    """The calls for one reply, in order; buttons ride on the last message that can carry them."""
    markup = keyboard(reply.buttons)
    edit_of = int(reply.edit_of) if reply.edit_of and reply.edit_of.isdigit() else None
    outs: list[Outgoing] = []
    if reply.text:
        outs.extend(_texts(reply.text, None, edit_of))
    if reply.poll is not None:
        outs.extend(render_poll(reply.poll, native_polls))
    if reply.image is not None:
        caption = _caption(reply.image.caption_doc)
        outs.append(FileOut(reply.image.data, reply.image.filename, caption or "", is_photo=True))
        if caption is None:  # too long for a caption: the text follows the photo
            outs.extend(_texts(reply.image.caption_doc, None))
    if reply.document is not None:
        outs.append(FileOut(reply.document.data, reply.document.filename))
    if markup is not None:
        outs = _attach(outs, markup)
    return outs


def _attach(outs: list[Outgoing], markup: InlineKeyboardMarkup) -> list[Outgoing]:
    if not outs:
        return [TextOut("👇", markup)]
    last = outs[-1]
    if isinstance(last, TextOut) and last.keyboard is None:
        outs[-1] = TextOut(last.html, markup, last.edit_of)
    elif isinstance(last, PollOut) and last.keyboard is None:
        outs[-1] = PollOut(**{**last.__dict__, "keyboard": markup})
    elif isinstance(last, FileOut) and last.keyboard is None:
        outs[-1] = FileOut(last.data, last.filename, last.caption_html, last.is_photo, markup)
    else:
        outs.append(TextOut("👇", markup))
    return outs
