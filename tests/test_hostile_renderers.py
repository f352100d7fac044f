"""The hostile-input corpus through each adapter's renderer, validated as each platform would:
Telegram's HTML parser and limits (the fake Bot API's own checks) and Discord's limits, with no
mass mention surviving into what Discord would show."""

from __future__ import annotations

import re

import pytest

from adapters.discord.outgoing import to_messages
from adapters.telegram.render import FileOut, PollOut, TextOut, render_reply
from core import codec
from core.messages import Button, Image, QuizPoll, Reply, ReplyKind
from core.sanitize import clean_text
from core.text import Doc, bold, code, code_block, italic, link
from tests.fakes.telegram_checks import check_keyboard, check_poll, check_text
from tests.hostile.corpus import CORPUS

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16
MASS_MENTION = re.compile(r"@(everyone|here)\b", re.IGNORECASE)
# Discord shows code literally and never resolves mentions inside it.
CODE = re.compile(r"```.*?```|``.*?``|`[^`]*`", re.DOTALL)


def mentions(markdown: str) -> bool:
    return bool(MASS_MENTION.search(CODE.sub("", markdown)))


def replies_around(raw: str) -> list[Reply]:
    """The ways learner text reaches a reply: every span style, captions, labels and polls.

    The router cleans text at the door (core.sanitize), so replies only ever carry clean text.
    """
    text = clean_text(raw)
    data = codec.encode("qa", 1, 2)
    return [
        Reply(Doc.of("You said: ", text)),
        Reply(Doc.of(bold(text), " ", italic(text), " ", code(text))),
        Reply(Doc.of("Your code:\n", code_block(text, text[:12]), "\nDone.")),
        Reply(Doc.of(link(text, text), " ", link("docs", "https://example.org/?q=" + text[:50]))),
        Reply(Doc.of(bold("🎉 "), text), kind=ReplyKind.ANNOUNCEMENT),
        Reply(Doc.of("Pick one"), buttons=((Button(text[:64] or "x", data),),)),
        Reply(image=Image(PNG, "chart.png", caption=text[:1024])),
        Reply(
            Doc.of("Question"),
            poll=QuizPoll(
                question=(text or "?")[:300],
                options=((text or "a")[:100], "other"),
                correct_index=0,
                explanation=text[:200],
                answer_data=data,
            ),
        ),
    ]


def check_telegram(reply: Reply) -> None:
    for out in render_reply(reply):
        keyboard = getattr(out, "keyboard", None)
        check_keyboard(keyboard.to_dict() if keyboard is not None else None)
        if isinstance(out, TextOut):
            check_text({"text": out.html, "parse_mode": "HTML"})
        elif isinstance(out, FileOut) and out.caption_html:
            check_text({"caption": out.caption_html, "parse_mode": "HTML"}, "caption", 1024)
        elif isinstance(out, PollOut):
            check_poll(
                {
                    "question": out.question,
                    "options": list(out.options),
                    "type": "quiz",
                    "correct_option_id": out.correct_index,
                    "explanation": out.explanation,
                }
            )
            if out.full_explanation:
                check_text({"text": out.full_explanation})


def check_discord(reply: Reply) -> None:
    for message in to_messages(reply):
        assert message.kwargs()["allowed_mentions"].everyone is False
        if message.content is not None:
            assert 0 < len(message.content) <= 2000
            assert not mentions(message.content)
        if message.embed is not None:
            description = message.embed.description or ""
            assert len(description) <= 4096
            assert not mentions(description)
        if message.view is not None:
            for item in message.view.children:
                custom_id = getattr(item, "custom_id", None)
                assert custom_id is None or len(custom_id) <= 100
                assert len(getattr(item, "label", "") or "") <= 80


@pytest.mark.parametrize("index", range(0, len(CORPUS), 8))
async def test_corpus_renders_within_limits_on_both_platforms(index: int) -> None:
    for text in CORPUS[index : index + 8]:
        for reply in replies_around(text):
            check_telegram(reply)
            check_discord(reply)
