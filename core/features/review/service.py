"""Running one review: the model when the learner is online, else (or on failure) offline.

Nothing is stored before the model answers: the review row and its XP are written together
after the slow part, so a crash or refusal leaves no half-written review and awards nothing.
Prose is answered with one line before any model is asked; a language the offline reviewer
cannot parse gets one line too when the model is not there. Code the learner had reviewed
before (the same after layout and comments are taken out) is reviewed again but earns no XP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta

from core.ai.gateway import BudgetExceeded
from core.context import Context
from core.db.models import CodeReview
from core.db.uow import UnitOfWork
from core.features.review.extract import Submission
from core.features.review.findings import ReviewResult
from core.features.review.normalise import code_hash
from core.features.review.offline import not_code_reason, offline_review, unsupported_reason
from core.features.review.prompt import parse_review, review_request
from core.features.review.render import review_reply
from core.features.review.store import AWAITING, ReviewStore
from core.messages import Reply, reply
from core.ports import LLMUnavailable
from core.rules.xp import Activity
from core.xp_note import xp_note

NOT_REVIEWED = "not_reviewed"
AWAIT_FOR = timedelta(minutes=30)


async def _online_review(context: Context, submission: Submission) -> ReviewResult | str:
    """The model's review, or the reason the review goes offline."""
    gateway = context.services.ai
    if gateway is None:
        return "no-key"
    allowance = await gateway.allowance(context.uow, context.user.id)
    if not allowance.online:
        return allowance.reason or "no-key"
    model = context.services.config.model
    try:
        answer = await gateway.complete(context, review_request(submission, model))
    except BudgetExceeded:
        return "over-budget"
    except LLMUnavailable:
        return "unavailable"
    line_count = submission.code.count("\n") + 1
    parsed = parse_review(answer.data, line_count, model)
    return parsed if parsed is not None else "malformed"


_NOTES = {
    "no-key": (),
    "over-budget": (
        "What is left of your AI budget this month does not cover a review, so this one "
        "is offline.",
    ),
    "unavailable": ("The AI reviewer is unavailable right now, so this review is offline.",),
    "malformed": ("The AI reviewer's answer was unusable, so this review is offline.",),
}


async def learners_awaiting_review(uow: UnitOfWork, user_ids: Sequence[int]) -> set[int]:
    """Those of the learners with a `/review` waiting for code in any chat (expired ones
    included): their next message may be code for the model."""
    return await uow.repository(ReviewStore).awaiting_any(user_ids)


async def awaiting(context: Context) -> CodeReview | None:
    """The learner's live `/review` waiting for code in this chat; expired ones are closed."""
    store = context.uow.repository(ReviewStore)
    rows = await store.awaiting_in(context.user.id, context.chat_key)
    live: CodeReview | None = None
    for row in rows:
        if live is None and row.expires_at is not None and row.expires_at > context.now:
            live = row
        else:
            row.status = "expired"
    return live


def _close(pending: CodeReview | None) -> None:
    """The request is answered without a review: it no longer waits for code."""
    if pending is not None and pending.status == AWAITING:
        pending.status = NOT_REVIEWED
        pending.expires_at = None


async def run_review(
    context: Context, submission: Submission, pending: CodeReview | None
) -> list[Reply]:
    not_code = not_code_reason(submission.code, submission.language)
    if not_code is not None:
        _close(pending)
        return [reply(not_code)]
    pending_id = pending.id if pending is not None else None
    outcome = await _online_review(context, submission)
    result = outcome if isinstance(outcome, ReviewResult) else None
    if result is None:
        unsupported = unsupported_reason(submission.language)
        if unsupported is not None:
            _close(pending)
            return [reply(" ".join((*_NOTES[str(outcome)], unsupported)))]
        # Up to a second of CPU for a large paste: off the event loop, like the report's chart.
        result = await asyncio.to_thread(
            offline_review, submission.code, submission.language, _NOTES[str(outcome)]
        )
    fingerprint = code_hash(submission.code, submission.language)
    store = context.uow.repository(ReviewStore)
    earlier = await store.reviewed_before(context.user.id, fingerprint)
    row = await store.by_id(pending_id) if pending_id else None
    if row is None or row.status != AWAITING:
        row = CodeReview(user_id=context.user.id, chat_key=context.chat_key)
    row.language = submission.language
    row.code = submission.code
    row.code_hash = fingerprint
    row.score = result.score
    row.approved = result.approved
    row.findings = [
        {"line": f.line, "severity": f.severity, "message": f.message} for f in result.findings
    ]
    row.suggestion = result.suggestion
    row.summary = result.summary
    row.model = result.model
    row.status = "completed"
    row.expires_at = None
    row.created_at = context.now
    await store.save(row)
    if earlier is not None:
        # Already rewarded once: no XP, no activity, so badges cannot be farmed either.
        return [review_reply(result, submission.language, "", repeat=True)]
    reference = f"review:{row.id}"
    link = ("code_review", str(row.id))
    requested, first = await context.record(
        Activity.REVIEW_REQUESTED, reference=reference, context=link
    )
    completed, second = await context.record(
        Activity.REVIEW_COMPLETED,
        reference=reference,
        score=result.score,
        context=link,
        meta={"language": submission.language, "model": result.model},
    )
    earned = xp_note(requested, completed)
    return [review_reply(result, submission.language, earned), *first, *second]
