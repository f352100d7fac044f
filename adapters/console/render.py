"""Rendering replies as terminal text: the console's one place for turning Docs into text."""

from __future__ import annotations

from core.messages import Reply, ReplyKind
from core.text import Doc, Style


def render_doc(doc: Doc) -> str:
    parts: list[str] = []
    for span in doc.spans:
        if span.style is Style.CODE_BLOCK:
            body = span.text if span.text.endswith("\n") else span.text + "\n"
            if parts and not "".join(parts).endswith("\n"):
                parts.append("\n")
            parts.append(f"```{span.extra}\n{body}```")
        elif span.style is Style.LINK and span.extra and span.extra != span.text:
            parts.append(f"{span.text} <{span.extra}>")
        else:
            parts.append(span.text)
    return "".join(parts)


def render_choices(reply: Reply) -> list[str]:
    """Numbered lines for buttons or poll options; the learner answers with the number."""
    labels: list[str] = []
    if reply.poll is not None:
        labels = list(reply.poll.options)
    else:
        labels = [button.label for row in reply.buttons for button in row]
    return [f"  {number}. {label}" for number, label in enumerate(labels, start=1)]


def render_reply(reply: Reply) -> str:
    lines: list[str] = []
    text = render_doc(reply.text)
    if reply.kind is ReplyKind.ANNOUNCEMENT:
        text = f"📣 {text}"
    if text:
        lines.append(text)
    if reply.poll is not None:
        lines.append(f"❓ {reply.poll.question}")
    lines.extend(render_choices(reply))
    return "\n".join(lines)
