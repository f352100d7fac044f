"""Rendering and translation without a server: Telegram's limits decided in pure code."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

from telegram import Chat, Message, MessageEntity, Update, User

from adapters.telegram.deeplink import decode_payload, encode_payload, link_key
from adapters.telegram.html import render_html, split_doc, visible_length
from adapters.telegram.render import FileOut, PollOut, TextOut, render_reply
from adapters.telegram.translate import BotIdentity, translate, with_fences
from core.command_meta import Venue
from core.commands import build_registry
from core.messages import Button, Image, Incoming, QuizPoll, Reply
from core.text import Doc, bold, code, code_block, link
from tests.fakes.telegram_checks import parse_html, utf16_length

BOT = BotIdentity(999, "dojo_test_bot")
# The commands whose venue moves them from a group to the private chat, as the registry says.
CONTINUABLE = frozenset(
    name for name, (spec, _) in build_registry().commands.items() if spec.venue != Venue.ANYWHERE
)


def test_learner_text_is_escaped_once_and_markup_is_telegram_html() -> None:
    doc = Doc.of(
        "a <b> & c ", bold("x<y"), " ", code("&amp;"), link("site", "https://e.x/?a=1&b=2")
    )
    html = render_html(doc)
    assert parse_html(html) == "a <b> & c x<y &amp;site"
    assert '<a href="https://e.x/?a=1&amp;b=2">' in html
    assert render_html(Doc.of(link("bad", "javascript:alert(1)"))) == "bad (javascript:alert(1))"


def test_long_text_splits_on_paragraphs_and_never_inside_code() -> None:
    paragraphs = [f"Paragraph {n}: " + "word " * 150 for n in range(12)]
    block = code_block("\n".join(f"line_{n} = {n}" for n in range(600)), "python")
    doc = Doc.of("\n\n".join(paragraphs[:6]), "\n\n", block, "\n\n", "\n\n".join(paragraphs[6:]))
    parts = split_doc(doc)
    assert len(parts) > 3
    for part in parts:
        shown = parse_html(render_html(part))  # each part is well-formed on its own
        assert 0 < utf16_length(shown) <= 4096
    rejoined = "".join(p.plain for p in parts)
    assert rejoined.count("line_599 = 599") == 1 and rejoined.count("Paragraph 11") == 1
    for part in parts:  # a paragraph is whole in the part that holds it
        for paragraph in paragraphs:
            head = paragraph[:15]
            if head in part.plain:
                assert paragraph.strip() in part.plain


def test_emoji_count_as_two_utf16_units() -> None:
    parts = split_doc(Doc.of("😀" * 3000))
    assert len(parts) == 2
    assert all(visible_length(part.plain) <= 4096 for part in parts)


def test_quiz_poll_limits_and_fallback() -> None:
    poll = QuizPoll("Q?", ("a", "b", "c"), 1, "why " * 100, "dj:qa:1:0")
    outs = render_reply(Reply(Doc.of("Question 1"), poll=poll))
    assert isinstance(outs[0], TextOut) and isinstance(outs[1], PollOut)
    assert len(outs[1].explanation) <= 200 and outs[1].full_explanation
    too_long = QuizPoll("Q?", ("x" * 150, "b"), 0, "", "dj:qa:1:0")
    fallback = render_reply(Reply(poll=too_long))
    assert len(fallback) == 1 and isinstance(fallback[0], TextOut)
    assert fallback[0].keyboard is not None
    datas = [b.callback_data for row in fallback[0].keyboard.inline_keyboard for b in row]
    assert datas == ["dj:qa:1:0:0", "dj:qa:1:0:1"]


def test_buttons_ride_on_the_last_message_and_oversized_data_is_dropped() -> None:
    rows = ((Button("ok", "dj:a"), Button("huge", "dj:" + "x" * 70)),)
    outs = render_reply(Reply(Doc.of("hi"), buttons=rows, image=Image(b"png", caption="c" * 2000)))
    assert isinstance(outs[0], TextOut) and outs[0].keyboard is None
    assert isinstance(outs[1], FileOut) and outs[1].caption_html == ""
    last = outs[-1]
    assert isinstance(last, TextOut) and last.keyboard is not None
    assert [b.text for b in last.keyboard.inline_keyboard[0]] == ["ok"]


def test_deep_link_payload_round_trip_and_limits() -> None:
    key = link_key("123:SECRET")
    assert {"interview", "review"} == CONTINUABLE
    payload = encode_payload(key, 7, "interview", ("backend", "senior"), CONTINUABLE)
    assert len(payload) <= 64 and decode_payload(key, 7, payload, CONTINUABLE) == (
        "interview",
        ("backend", "senior"),
    )
    long = encode_payload(key, 7, "review", tuple("word" for _ in range(40)), CONTINUABLE)
    assert len(long) <= 64
    assert decode_payload(key, 7, "go-!!!", CONTINUABLE) is None
    assert decode_payload(key, 7, "backend", CONTINUABLE) is None


def test_a_deep_link_is_data_for_the_learner_it_was_made_for() -> None:
    key = link_key("123:SECRET")
    mine = encode_payload(key, 7, "interview", ("backend",), CONTINUABLE)
    assert decode_payload(key, 8, mine, CONTINUABLE) is None  # someone else tapping it
    assert decode_payload(link_key("other bot"), 7, mine, CONTINUABLE) is None  # another key
    assert encode_payload(key, 7, "link", ("ABCD-EFGH",), CONTINUABLE) == ""  # only continuable
    body = base64.urlsafe_b64encode(b"link ABCDEFGH").decode().rstrip("=")
    assert decode_payload(key, 7, "go-" + body, CONTINUABLE) is None  # a crafted command
    assert decode_payload(key, 7, "go-" + body + "AAAAAAAA", CONTINUABLE) is None


def _message(
    text: str, chat: Chat, entities: tuple[MessageEntity, ...] = (), **kw: object
) -> Update:
    user = User(5, "Ada", False)
    message = Message(
        1,
        datetime(2026, 1, 1, tzinfo=UTC),
        chat,
        from_user=user,
        text=text,
        entities=entities,
        **kw,  # type: ignore[arg-type]
    )
    return Update(42, message=message)


def test_translate_commands_mentions_and_fences() -> None:
    group = Chat(-100, Chat.SUPERGROUP, title="Study")
    incoming = translate(_message("/quiz@dojo_test_bot sql 3", group), BOT)
    assert isinstance(incoming, Incoming)
    assert incoming.command == "quiz" and incoming.args == ("sql", "3")
    assert incoming.community is not None and incoming.event_id == "u42"
    assert translate(_message("/quiz@other_bot", group), BOT) is None
    plain = translate(_message("just chatting", group), BOT)
    assert isinstance(plain, Incoming) and not plain.addressed
    mention = MessageEntity(MessageEntity.MENTION, 0, 14)
    addressed = translate(_message("@dojo_test_bot 2", group, (mention,)), BOT)
    assert isinstance(addressed, Incoming) and addressed.addressed and addressed.text == "2"
    pre = MessageEntity(MessageEntity.PRE, 8, 6, language="go")
    assert with_fences("/review\nx := 1", (pre,)) == "/review\n```go\nx := 1\n```"
