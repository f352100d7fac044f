"""Rendering for Discord: escaping in one place, limits, code fences kept whole, buttons."""

from __future__ import annotations

from adapters.discord.components import TEMPLATE, build_view, poll_buttons
from adapters.discord.outgoing import to_messages
from adapters.discord.render import CONTENT_LIMIT, EMBED_LIMIT, escape, render, split
from core import codec
from core.messages import Button, Image, QuizPoll, Reply, ReplyKind, reply
from core.text import Doc, bold, code, code_block, link


def test_learner_text_cannot_format_or_mention() -> None:
    text = escape("**bold** _it_ `code` <@123> @everyone @here [x](http://evil) # title > quote")
    assert "**" not in text.replace("\\*", "")
    assert "<@" not in text.replace("\\<@", "")
    assert "@everyone" not in text and "@here" not in text
    assert "\\[x\\]\\(http://evil\\)" in text


def test_spans_render_as_discord_markdown() -> None:
    doc = Doc.of(
        "Hi ", bold(" Ada "), ", run ", code("a`b"), " or see ", link("docs", "https://x.dev/a b")
    )
    assert render(doc) == "Hi  **Ada** , run `` a`b `` or see [docs](https://x.dev/a%20b)"


def test_code_block_content_cannot_close_its_fence() -> None:
    rendered = render(Doc.of("look:", code_block("x = '```'\nprint(x)", "py")))
    assert rendered.startswith("look:\n```py\n")
    assert rendered.count("```") == 2


def test_split_never_cuts_inside_a_code_block() -> None:
    body = "\n".join(f"line_{i} = {i}  # " + "x" * 60 for i in range(120))
    text = render(Doc.of("Review:\n", code_block(body, "python"), "Done " * 300))
    chunks = split(text, CONTENT_LIMIT)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk) <= CONTENT_LIMIT
        assert chunk.count("```") % 2 == 0, chunk[:40]
    reopened = [c for c in chunks[1:] if c.startswith("```python")]
    assert reopened, "a cut code block is reopened with its language"


def test_an_overlong_line_is_cut_without_breaking_an_escape() -> None:
    text = escape("*" * 3000)
    for chunk in split(text, CONTENT_LIMIT):
        assert len(chunk) <= CONTENT_LIMIT
        assert not chunk.endswith("\\") or chunk.endswith("\\\\")


def test_long_replies_become_embeds_within_4096() -> None:
    messages = to_messages(reply("word " * 2000))
    assert len(messages) == 3
    for message in messages:
        assert message.content is None and message.embed is not None
        assert len(message.embed.description or "") <= EMBED_LIMIT


def test_short_reply_is_content_and_announcement_is_an_embed() -> None:
    (plain,) = to_messages(reply("hello"))
    assert plain.content == "hello" and plain.embed is None
    (announce,) = to_messages(reply("Level up!", kind=ReplyKind.ANNOUNCEMENT))
    assert announce.content is None and announce.embed is not None
    assert announce.embed.description == "Level up!"


def test_poll_becomes_lettered_buttons_with_codec_ids() -> None:
    poll = QuizPoll("2+2?", ("3", "4", "5"), 1, "four", codec.encode("qa", 12, 3))
    (message,) = to_messages(Reply(poll=poll))
    assert message.view is not None
    ids = [item.custom_id for item in message.view.children]  # type: ignore[attr-defined]
    assert ids == ["dj:qa:12:3:0", "dj:qa:12:3:1", "dj:qa:12:3:2"]
    assert "A\\. 3" in (message.content or "")
    assert all(TEMPLATE.fullmatch(i) for i in ids)
    assert len(poll_buttons(poll)[0]) == 3


def test_buttons_rewrap_to_five_per_row_and_skip_foreign_ids() -> None:
    row = tuple(Button(f"b{i}", codec.encode("x", i)) for i in range(7))
    view = build_view((row, (Button("bad", "not-dojo"), Button("long", "dj:" + "a" * 120))))
    assert view is not None
    assert len(view.children) == 7
    assert {item.row for item in view.children} == {0, 1}  # type: ignore[attr-defined]


def test_files_ride_on_the_last_message() -> None:
    messages = to_messages(Reply(text=Doc.of("chart"), image=Image(b"png", "radar.png", "Skills")))
    assert messages[-1].files and messages[-1].files[0].filename == "radar.png"
    assert "Skills" in (messages[-1].content or "")
