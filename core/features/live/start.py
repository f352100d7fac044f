"""Starting a live round: where (a group or server channel), who (anyone, or moderators when
`/admin live mods` is set), what (questions picked for the whole group) and at most one per
channel. The round is a row; its questions are posted by the round's timer (core.features.live
.advance), so a round started just before a restart still gets them."""

from __future__ import annotations

import random
from datetime import timedelta

from core.community_settings import settings_of
from core.context import Context
from core.errors import UserError
from core.features.live.render import starting
from core.features.live.request import parse_live
from core.features.live.store import LiveStore
from core.features.quiz.store import QuizStore
from core.messages import Reply

IN_A_GROUP = "A live round runs in a group or server channel: send /quiz live there."
ALREADY = "A live round is already running in this channel: wait for its final results."
MODS_ONLY = (
    "Only moderators start live rounds in this community (a moderator set /admin live mods)."
)
# A running round nobody has moved for this long lost its timer (no process ran it): a new
# start may replace it rather than be refused for ever.
STALE = timedelta(minutes=15)


async def start_live_round(context: Context) -> list[Reply]:
    community = context.community
    if context.incoming.chat.is_private or community is None:
        raise UserError(IN_A_GROUP)
    if settings_of(community.settings).live_mods and not context.is_admin:
        raise UserError(MODS_ONLY)
    request = parse_live(context.incoming.args)
    store = context.uow.repository(LiveStore)
    running = await store.running_in(context.chat_key)
    if running is not None:
        if running.updated_at > context.now - STALE:
            raise UserError(ALREADY)
        await store.abandon(running, context.now)
    await context.services.banks.quiz.ensure(context.uow, context.now)
    ids = await context.uow.repository(QuizStore).pick_questions(
        None, request.topic, request.count, random.Random(), community_id=community.id
    )
    if not ids:
        raise UserError("There are no questions on that topic yet. Try /quiz live random.")
    round_id = await store.start(
        {
            "community_id": community.id,
            "platform": str(context.incoming.chat.platform),
            "chat_id": context.incoming.chat.id,
            "chat_key": context.chat_key,
            "topic": request.topic,
            "question_ids": ids,
            "seconds": request.seconds,
            "step": -1,
            "announced": -1,
            "status": "running",
            "next_at": context.now,  # the timer posts the first question on its next tick
            "created_at": context.now,
            "updated_at": context.now,
        }
    )
    if round_id is None:  # another process started one between the check and the insert
        raise UserError(ALREADY)
    live = await store.round(round_id)
    assert live is not None
    return [starting(live)]
