"""`/review [language]` with code now or in the next message, and `/review cancel`."""

from __future__ import annotations

from core.command_meta import Param, Venue
from core.context import Context
from core.db.models import CodeReview
from core.features.review.extract import MAX_CODE_CHARS, extract, from_command, looks_like_code
from core.features.review.service import (
    AWAIT_FOR,
    awaiting,
    learners_awaiting_review,
    run_review,
)
from core.features.review.store import AWAITING, ReviewStore
from core.kinds import Kind
from core.messages import Reply, reply
from core.open_work import OpenWork, keeps_open_work
from core.registry import command, text_handler
from core.text import code

USAGE = "/review [language], then your code in a fenced block"


@command(
    "review",
    "A code review: score, findings by line, one improvement",
    USAGE,
    kind=Kind.SLOW,
    params=(Param("language", "The code's language", autocomplete="language"),),
    takes_code=True,
    venue=Venue.FOLLOW_UP,
)
@keeps_open_work(OpenWork.REVIEW, learners_awaiting_review)
async def review(context: Context) -> list[Reply]:
    incoming = context.incoming
    if incoming.args[:1] == ("cancel",):
        pending = await awaiting(context)
        if pending is None:
            return [reply("There is no review waiting for code here.")]
        pending.status = "cancelled"
        return [reply("Review request cancelled.")]
    language = incoming.args[0] if incoming.args else None
    submission = from_command(incoming.body, language, incoming.attachments)
    if submission is not None:
        return await run_review(context, submission, await awaiting(context))
    await awaiting(context)  # closes expired requests
    store = context.uow.repository(ReviewStore)
    for row in await store.awaiting_in(context.user.id, context.chat_key):
        row.status = "cancelled"
    store.add(
        CodeReview(
            user_id=context.user.id,
            chat_key=context.chat_key,
            language=(language or "")[:30],
            code="",
            findings=[],
            model="",
            status=AWAITING,
            expires_at=context.now + AWAIT_FOR,
            created_at=context.now,
        )
    )
    fence = f"```{language or 'python'}"
    return [
        reply(
            "Send the code to review in your next message, in a fenced block: ",
            code(fence),
            f", the code, then ```. Up to {MAX_CODE_CHARS:,} characters; it is never run. "
            "/review cancel to stop.",
        )
    ]


@text_handler("review-code", priority=5, kind=Kind.MAY_CALL_MODEL, serves=OpenWork.REVIEW)
@keeps_open_work(OpenWork.REVIEW, learners_awaiting_review)
async def code_after_review(context: Context) -> list[Reply] | None:
    """The message after `/review`: the code. Other messages pass on (to an interview, say).

    It runs before the interview's answer handler: a learner who typed /review and then pastes
    code asked for a review, even mid-interview; plain answers still reach the interview.
    """
    incoming = context.incoming
    if not incoming.text.strip() and not incoming.attachments:
        return None
    has_code = looks_like_code(incoming.text) or bool(incoming.attachments)
    if not has_code and not incoming.addressed:
        return None  # group chatter: no need to look for a waiting review
    pending = await awaiting(context)
    if pending is None:
        return None
    if not has_code and (
        await context.uow.repository(ReviewStore).interview_open(context.user.id, context.chat_key)
        or not incoming.addressed
    ):
        return None
    submission = extract(incoming.text, pending.language or None, incoming.attachments)
    if submission is None:
        pending.status = "cancelled"
        return [reply(NO_CODE)]
    return await run_review(context, submission, pending)


NO_CODE = (
    "That message has no code, so I cancelled the review request. Send /review again with your "
    "code in a fenced block (```python ... ```)."
)
