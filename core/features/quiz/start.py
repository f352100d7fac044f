"""Starting a quiz: arguments, question choice (generated online, else the bank) and the session."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from core.ai.gateway import BudgetExceeded
from core.community_settings import settings_of
from core.context import Context
from core.db.models import QuizSession
from core.errors import UserError
from core.features.quiz.bank import BankSync, QuestionStore
from core.features.quiz.focus import PAUSED, interview_touched
from core.features.quiz.generate import generation_request, valid_generated
from core.features.quiz.render import question_reply
from core.features.quiz.shuffle import present
from core.features.quiz.store import QuizStore
from core.features.quiz.topics import DUE, MIXED, resolve_topic
from core.messages import Reply
from core.ports import LLMUnavailable
from core.text import Doc, bold, italic
from core.wording import counted

DEFAULT_COUNT = 5
MAX_COUNT = 20
USAGE = "Usage: /quiz [topic] [n], for example /quiz sql 5, /quiz random 10 or /quiz due."
_NUMBER = re.compile(r"^[+-]?\d+$")
_LEVEL_TO_DIFFICULTY = {"student": "junior", "junior": "junior", "mid": "mid", "senior": "senior"}


@dataclass(frozen=True)
class QuizRequest:
    topic: str  # a topic, MIXED or DUE
    count: int


def parse_request(args: tuple[str, ...]) -> QuizRequest:
    numbers = [word for word in args if _NUMBER.match(word)]
    words = [word for word in args if not _NUMBER.match(word)]
    if len(numbers) > 1:
        raise UserError(f"Give one number of questions, not {len(numbers)}. {USAGE}")
    count = int(numbers[0]) if numbers else DEFAULT_COUNT
    if not 1 <= count <= MAX_COUNT:
        raise UserError(f"A quiz has 1 to {MAX_COUNT} questions, not {numbers[0][:10]}. {USAGE}")
    if [word.lower() for word in words] == [DUE]:
        return QuizRequest(DUE, count)
    return QuizRequest(resolve_topic(words), count)


def bank_of(context: Context) -> BankSync:
    """The process's bank loader, created on first use (reading the files once)."""
    return context.services.banks.quiz


async def _generated_ids(context: Context, request: QuizRequest) -> tuple[list[int], str | None]:
    """Ids of freshly generated questions, and a note when the learner is offline."""
    gateway = context.services.ai
    if gateway is None:
        return [], "Offline mode: questions from the bundled bank."
    allowance = await gateway.allowance(context.uow, context.user.id)
    if not allowance.online:
        if allowance.reason == "over-budget":
            return [], "Your AI budget for this month is used up, so this quiz is offline."
        return [], "Offline mode: questions from the bundled bank."
    config = context.services.config
    difficulty = _LEVEL_TO_DIFFICULTY.get(context.user.experience_level or "", "junior")
    llm_request = generation_request(
        request.topic, request.count, difficulty, config.generation_model, context.user.track
    )
    try:
        result = await gateway.complete(context, llm_request)
    except BudgetExceeded:
        return [], "Your AI budget left this month does not cover new questions: bundled bank."
    except LLMUnavailable:
        return [], "The question writer is unavailable, so this quiz is offline (bundled bank)."
    questions = valid_generated(result.data, request.topic, request.count)
    if not questions:
        return [], "The generated questions did not pass checks, so this quiz is offline."
    await context.uow.repository(QuestionStore).upsert_questions(
        questions, "generated", context.now
    )
    store = context.uow.repository(QuizStore)
    ids = await store.ids_for_external([q.external_id for q in questions])
    return ids, None


def _asks_packs_only(context: Context) -> bool:
    """`/admin pack only on` here (core.features.packs): pick_questions chooses alone."""
    return context.community is not None and settings_of(context.community.settings).pack_only


async def _close_open_quizzes(context: Context) -> bool:
    closed = False
    store = context.uow.repository(QuizStore)
    for quiz in await store.active_sessions(context.user.id, context.chat_key):
        quiz.status, quiz.updated_at = "abandoned", context.now
        closed = True
    return closed


async def start_quiz(context: Context) -> list[Reply]:
    request = parse_request(context.incoming.args)
    await bank_of(context).ensure(context.uow, context.now)
    user_id = context.user.id
    store = context.uow.repository(QuizStore)
    note: str | None = None
    if request.topic == DUE:
        ids = await store.due_questions(user_id, context.now, request.count)
        if not ids:
            return [Reply(await _nothing_due(context))]
    else:
        ids, note = [], None
        if not _asks_packs_only(context):  # generated questions are not the community's
            ids, note = await _generated_ids(context, request)
        rng = random.Random()
        if len(ids) < request.count:
            more = await store.pick_questions(
                user_id,
                request.topic,
                request.count + len(ids),
                rng,
                community_id=context.community.id if context.community else None,
            )
            ids += [qid for qid in more if qid not in ids][: request.count - len(ids)]
    if not ids:
        raise UserError("There are no questions on that topic yet. Try /quiz random.")
    replaced = await _close_open_quizzes(context)
    quiz = QuizSession(
        user_id=user_id,
        chat_key=context.chat_key,
        topic=request.topic,
        question_ids=ids,
        current_index=0,
        correct_count=0,
        status="active",
        mode="offline" if note or request.topic == DUE else "online",
        created_at=context.now,
        updated_at=context.now,
    )
    await store.start(quiz)
    questions = await store.questions_by_id(ids[:1])
    title = "your due reviews" if request.topic == DUE else request.topic
    if request.topic == MIXED:
        title = "mixed topics"
    intro: list[object] = [("🧩 ", bold(f"Quiz: {title}"), f" · {counted(len(ids), 'question')}")]
    if replaced:
        intro.append("Your unfinished quiz in this chat was closed.")
    if await interview_touched(context) is not None:
        intro.append(f"⏸ {PAUSED}")
    if note:
        intro.append(italic(note))
    lead = Doc.lines(*intro)  # type: ignore[arg-type]
    first = questions[ids[0]]
    return [question_reply(quiz, 0, first, present(quiz, first), lead)]


async def _nothing_due(context: Context) -> Doc:
    scheduled, earliest = await context.uow.repository(QuizStore).next_due(context.user.id)
    if not scheduled or earliest is None:
        return Doc.of("Nothing to review: missed quiz questions come back here. Try /quiz.")
    minutes = max(1, int((earliest - context.now).total_seconds() // 60))
    wait = counted(minutes, "minute") if minutes < 120 else f"{minutes // 60} hours"
    if minutes >= 48 * 60:
        wait = f"{minutes // 1440} days"
    return Doc.of(f"Nothing due yet: {scheduled} scheduled, the next in about {wait}.")
