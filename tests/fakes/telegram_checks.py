"""What the Bot API refuses, checked the way Telegram checks it (for the fake Bot API server).

HTML is parsed strictly: only Telegram's tags, properly nested, every `<`, `>` and `&` outside a
tag or entity is an error. Lengths count the text after entity parsing, in UTF-16 code units.
"""

from __future__ import annotations

import html
import re
from typing import Any

TAGS: dict[str, set[str]] = {
    "b": set(),
    "strong": set(),
    "i": set(),
    "em": set(),
    "u": set(),
    "ins": set(),
    "s": set(),
    "strike": set(),
    "del": set(),
    "code": {"class"},
    "pre": set(),
    "a": {"href"},
    "tg-spoiler": set(),
    "span": {"class"},
    "blockquote": {"expandable"},
}
_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"<>]*\")?)*)\s*>"
    r"|&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);"
)
_ATTRIBUTE = re.compile(r"([a-zA-Z-]+)(?:=\"([^\"]*)\")?")


class ApiError(Exception):
    def __init__(self, description: str, code: int = 400, retry_after: int | None = None):
        super().__init__(description)
        self.description = description
        self.code = code
        self.retry_after = retry_after


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> str:
    """The plain text Telegram would show, or ApiError("can't parse entities")."""
    stack: list[str] = []
    plain: list[str] = []
    position = 0
    for match in _TOKEN.finditer(text):
        _check_text(text[position : match.start()])
        plain.append(text[position : match.start()])
        position = match.end()
        if match.group(4) is not None:
            plain.append(html.unescape(match.group(0)))
            continue
        closing, tag, attributes = match.group(1), match.group(2).lower(), match.group(3)
        if tag not in TAGS:
            raise ApiError(f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        if closing:
            if not stack or stack[-1] != tag:
                raise ApiError(f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"')
            stack.pop()
            continue
        _check_attributes(tag, attributes, stack)
        stack.append(tag)
    _check_text(text[position:])
    plain.append(text[position:])
    if stack:
        raise ApiError(f'Bad Request: can\'t parse entities: Unclosed start tag "{stack[-1]}"')
    return "".join(plain)


def _check_text(chunk: str) -> None:
    for char in "<>&":
        if char in chunk:
            raise ApiError(f"Bad Request: can't parse entities: unescaped {char!r}")


def _check_attributes(tag: str, attributes: str, stack: list[str]) -> None:
    found = dict(_ATTRIBUTE.findall(attributes))
    unknown = set(found) - TAGS[tag]
    if unknown:
        raise ApiError(f"Bad Request: can't parse entities: bad attribute {unknown} on {tag}")
    if tag == "a" and not found.get("href"):
        raise ApiError("Bad Request: can't parse entities: <a> without href")
    if tag == "span" and found.get("class") != "tg-spoiler":
        raise ApiError("Bad Request: can't parse entities: span needs class tg-spoiler")
    if (
        tag == "code"
        and "class" in found
        and (not found["class"].startswith("language-") or not stack or stack[-1] != "pre")
    ):
        raise ApiError("Bad Request: can't parse entities: code class outside pre")
    if stack and stack[-1] in ("pre", "code") and tag != "code":
        raise ApiError(f"Bad Request: can't parse entities: <{tag}> inside {stack[-1]}")


def shown_text(params: dict[str, Any], key: str) -> str:
    text = str(params.get(key) or "")
    return parse_html(text) if params.get("parse_mode") == "HTML" else text


def check_text(params: dict[str, Any], key: str = "text", limit: int = 4096) -> str:
    shown = shown_text(params, key)
    if key == "text" and not shown.strip():
        raise ApiError("Bad Request: message text is empty")
    if utf16_length(shown) > limit:
        what = "message is too long" if key == "text" else "message caption is too long"
        raise ApiError(f"Bad Request: {what}")
    return shown


def check_keyboard(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        raise ApiError("Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not button.get("text"):
                raise ApiError("Bad Request: text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError("Bad Request: BUTTON_DATA_INVALID")
            if data is None and not button.get("url"):
                raise ApiError("Bad Request: inline keyboard button needs callback_data or url")


def check_poll(params: dict[str, Any]) -> list[str]:
    question = str(params.get("question") or "")
    if not 1 <= utf16_length(question) <= 300:
        raise ApiError("Bad Request: poll question length must not exceed 300")
    options = [o["text"] if isinstance(o, dict) else str(o) for o in params.get("options") or []]
    if not 2 <= len(options) <= 10:
        raise ApiError("Bad Request: poll must have 2-10 options")
    if any(not 1 <= utf16_length(option) <= 100 for option in options):
        raise ApiError("Bad Request: poll options length must not exceed 100")
    if params.get("type") == "quiz":
        correct = correct_options(params)
        if len(correct) != 1 or not 0 <= correct[0] < len(options):
            raise ApiError("Bad Request: wrong correct option id specified")
        explanation = shown_text(params, "explanation") if params.get("explanation") else ""
        if utf16_length(explanation) > 200:
            raise ApiError("Bad Request: explanation is too long")
    return options


def correct_options(params: dict[str, Any]) -> list[int]:
    """Bot API 9.6 `correct_option_ids` (a list), or the older single `correct_option_id`."""
    many = params.get("correct_option_ids")
    if isinstance(many, list):
        return [int(item) for item in many]
    single = params.get("correct_option_id")
    return [int(single)] if single is not None else []


def check_commands(commands: Any) -> None:
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError("Bad Request: commands must be a list of at most 100")
    for item in commands:
        if not re.match(r"^[a-z0-9_]{1,32}$", str(item.get("command", ""))):
            raise ApiError("Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(str(item.get("description", ""))) <= 256:
            raise ApiError("Bad Request: command description is invalid")
