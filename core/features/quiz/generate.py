"""Quiz questions written by the cheaper model, held to the same schema as the bank.

The answer is JSON under an output schema, so it is structured; every question still goes
through `validate_question` and an invalid one is dropped (the quiz tops up from the bank).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from core.features.quiz.schema import (
    MAX_EXPLANATION,
    MAX_OPTION,
    MAX_OPTIONS,
    MAX_QUESTION,
    MIN_OPTIONS,
    QuestionData,
    parse_question,
)
from core.features.quiz.topics import DIFFICULTIES, MIXED, TOPICS
from core.ports import LLMMessage, LLMRequest

log = logging.getLogger(__name__)

SYSTEM = f"""You write multiple-choice questions for Dojo, a practice bot for people preparing \
for technical job interviews. Each question is sent as a Telegram quiz poll, so the limits are \
hard: the question at most {MAX_QUESTION} characters; {MIN_OPTIONS} to {MAX_OPTIONS} options \
(four is best), each at most {MAX_OPTION} characters and all different; exactly one correct \
option, given by its zero-based index in `correct`; an explanation of at most \
{MAX_EXPLANATION} characters that says why the right option is right.

Good questions test understanding that matters in interviews and real work, not trivia or \
trick wording. Wrong options are plausible mistakes a candidate might make. Vary the position of \
the correct option. Use plain text only: no Markdown, no code fences, no numbering in the \
options. Topics are one of: {", ".join(TOPICS)}. Difficulty is one of: \
{", ".join(DIFFICULTIES)}.

Answer with a JSON object whose "questions" list holds exactly the questions asked for."""

OUTPUT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "topic": {"type": "string", "enum": list(TOPICS)},
                    "difficulty": {"type": "string", "enum": list(DIFFICULTIES)},
                    "question": {"type": "string", "maxLength": MAX_QUESTION},
                    "options": {
                        "type": "array",
                        "items": {"type": "string", "maxLength": MAX_OPTION},
                        "minItems": MIN_OPTIONS,
                        "maxItems": MAX_OPTIONS,
                    },
                    "correct": {"type": "integer", "minimum": 0},
                    "explanation": {"type": "string", "maxLength": MAX_EXPLANATION},
                },
                "required": [
                    "topic",
                    "difficulty",
                    "question",
                    "options",
                    "correct",
                    "explanation",
                ],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}


def generation_request(
    topic: str, count: int, difficulty: str, model: str, track: str | None
) -> LLMRequest:
    subject = "a mix of the topics" if topic == MIXED else f"the topic {topic}"
    audience = f" on the {track} track" if track else ""
    prompt = (
        f"Write {count} questions on {subject} at {difficulty} difficulty, for a {difficulty} "
        f"candidate{audience}."
    )
    return LLMRequest(
        feature="quiz",
        system=SYSTEM,
        messages=(LLMMessage("user", prompt),),
        schema=OUTPUT_SCHEMA,
        # A question with four options and its explanation is about 200 tokens of JSON.
        max_tokens=min(4096, 200 + 250 * count),
        model=model,
    )


def generated_id(raw: dict[str, Any]) -> str:
    """A stable id from the content, so the same generated question is stored once."""
    options = raw.get("options")
    material = f"{raw.get('question')}\x1f{options}"
    return "gen-" + hashlib.sha256(material.encode()).hexdigest()[:24]


def valid_generated(data: dict[str, Any] | None, topic: str, count: int) -> list[QuestionData]:
    """The generated questions that pass validation (on topic, within limits), at most `count`."""
    raw_questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(raw_questions, list):
        return []
    valid: list[QuestionData] = []
    for raw in raw_questions:
        if not isinstance(raw, dict):
            continue
        question = parse_question(raw, external_id=generated_id(raw))
        if question is None or (topic != MIXED and question.topic != topic):
            log.info("dropping an invalid generated quiz question")
            continue
        if all(question.external_id != kept.external_id for kept in valid):
            valid.append(question)
    return valid[:count]
