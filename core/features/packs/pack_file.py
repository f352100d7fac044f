"""Reading an uploaded pack file into raw items: bytes to a list, or one clear line why not.

Nothing here knows what a question is (core.features.packs.checks does); this only turns a
JSON or YAML file of bounded size into Python values, safely: YAML through PyYAML's safe
loader, so a file can never build objects, and every parser failure becomes a `UserError`.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from core.errors import UserError
from core.messages import MAX_ATTACHMENT_BYTES, Attachment

# A pack of the most questions, each at the bank's longest, is about 800 KB as JSON.
MAX_PACK_BYTES = MAX_ATTACHMENT_BYTES
MAX_PACK_QUESTIONS = 500
_YAML_SUFFIXES = (".yaml", ".yml")


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def _text(attachment: Attachment) -> str:
    size = attachment.skipped_size if attachment.skipped_size is not None else len(attachment.data)
    if attachment.skipped_size is not None or size > MAX_PACK_BYTES:
        raise UserError(
            f"{attachment.filename[:60]} is {_megabytes(size)}; a pack file may be at most "
            f"{_megabytes(MAX_PACK_BYTES)}. Split it into several packs. Nothing was imported."
        )
    if not attachment.data.strip():
        raise UserError(f"{attachment.filename[:60]} is empty. Nothing was imported.")
    if b"\x00" in attachment.data:
        raise UserError(
            f"{attachment.filename[:60]} is a binary file, not JSON or YAML text. "
            "Nothing was imported."
        )
    try:
        return attachment.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UserError(
            f"{attachment.filename[:60]} is not UTF-8 text (byte {error.start + 1:,}): save it "
            "as UTF-8 JSON or YAML. Nothing was imported."
        ) from None


def _json(name: str, text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(
            f"{name} is not valid JSON: {error.msg} at line {error.lineno}, column "
            f"{error.colno}. Nothing was imported."
        ) from None
    except RecursionError:
        raise UserError(f"{name} nests too deeply to be a pack. Nothing was imported.") from None


def _yaml(name: str, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or "unreadable"
        raise UserError(
            f"{name} is not valid YAML: {problem}{where}. Nothing was imported."
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError):
        raise UserError(f"{name} is not valid YAML. Nothing was imported.") from None


def read_items(attachment: Attachment) -> list[Any]:
    """The raw items of a pack file (JSON by a .json name, else YAML, of which JSON is a part).

    Raises UserError with one line for a file too large, binary, malformed, not a list, empty
    or longer than MAX_PACK_QUESTIONS."""
    text = _text(attachment)
    name = attachment.filename[:60] or "The file"
    lowered = attachment.filename.lower()
    if lowered.endswith(".json") or (
        not lowered.endswith(_YAML_SUFFIXES) and text.lstrip().startswith("[")
    ):
        items = _json(name, text)
    else:
        items = _yaml(name, text)
    if isinstance(items, dict):
        raise UserError(
            f"{name} holds a mapping; a pack is a list of questions (a YAML list of '- ' "
            "items, or a JSON array). Nothing was imported."
        )
    if not isinstance(items, list):
        raise UserError(
            f"{name} is not a list of questions (a YAML list of '- ' items, or a JSON "
            "array). Nothing was imported."
        )
    if not items:
        raise UserError(f"{name} has no questions. Nothing was imported.")
    if len(items) > MAX_PACK_QUESTIONS:
        raise UserError(
            f"{name} has {len(items):,} questions; a pack holds at most {MAX_PACK_QUESTIONS}. "
            "Split it into several packs. Nothing was imported."
        )
    return items
