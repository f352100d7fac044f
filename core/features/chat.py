"""Plain messages that no activity claimed: community chat XP, and a nudge in private chats."""

from __future__ import annotations

from core.community_settings import settings_of
from core.context import QuickContext
from core.kinds import Kind
from core.messages import Reply, reply
from core.registry import text_handler
from core.rules.chat_xp import chat_xp_decision
from core.rules.xp import Activity

NUDGE = "I'm here! Try /quiz for a warm-up, /profile for your progress or /help for everything."


@text_handler("chat-xp", priority=90, kind=Kind.QUICK)
async def chat_xp(context: QuickContext) -> list[Reply] | None:
    """Community messages earn a little XP; short, repeated or rapid ones earn nothing."""
    community = context.community
    if community is None or context.incoming.chat.is_private:
        return None
    if not settings_of(community.settings).chat_xp:
        return []
    user = context.user
    decision = chat_xp_decision(
        context.incoming.text,
        context.now,
        user.last_chat_xp_at,
        tuple(user.recent_chat_digests or ()),
    )
    # Chat XP's memory of the learner's recent messages (stored with the XP when awarded).
    context.uow.learners.change(user, recent_chat_digests=list(decision.recent_digests))
    nudge = [reply(NUDGE)] if context.incoming.addressed else []
    if not decision.award:
        return nudge
    context.uow.learners.change(user, last_chat_xp_at=context.now)
    reference = context.incoming.event_id or f"{community.id}:{context.now.isoformat()}"
    _, announced = await context.record(
        Activity.CHAT_MESSAGE,
        reference=reference,
        context=("community", str(community.id)),
    )
    return [*nudge, *announced]


@text_handler("fallback", priority=100, kind=Kind.QUICK)
async def fallback(context: QuickContext) -> list[Reply] | None:
    if not context.incoming.addressed:
        return []
    if not context.incoming.text.strip():
        return [reply("I can only read text messages. Send /help to see what I can do.")]
    return [reply("I'm not sure what you mean. Send /help to see what I can do.")]
