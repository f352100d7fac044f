"""The duel's entry points: `/duel`, and its accept, decline and answer buttons."""

from __future__ import annotations

from core.command_meta import Param, ParamKind
from core.context import Context, QuickContext
from core.errors import UserError
from core.features.duels import play
from core.features.duels.render import ACCEPT, ANSWER, DECLINE
from core.features.duels.request import parse_request
from core.kinds import Kind
from core.messages import Reply, SendTarget
from core.registry import action, command


@command(
    "duel",
    "Challenge a member (or anyone here) to a timed duel of quiz questions",
    params=(
        Param("opponent", "Who to challenge (empty: anyone here)", ParamKind.USER),
        Param("topic", "A topic, or random for a mix", autocomplete="topic"),
        Param("count", "How many questions", ParamKind.INTEGER, min_value=1, max_value=10),
    ),
    usage="/duel [learner] [topic] [n]",
    # SLOW: it may load the question bank first (a file read, and a commit of its own).
    kind=Kind.SLOW,
)
async def duel(context: Context) -> list[Reply]:
    incoming = context.incoming
    if context.community is None or incoming.chat.is_private:
        raise UserError("Duels are between members of a group or server: send /duel there.")
    request = parse_request(incoming.args, incoming.platform)
    await context.services.banks.quiz.ensure(context.uow, context.now)
    where = SendTarget(incoming.chat.platform, incoming.chat.id, incoming.chat.kind)
    shown, effects = await play.challenge(
        context.uow, context.user, context.community, where, request, context.now
    )
    for effect in effects:
        context.after_commit(effect)
    return [shown]


def _args(context: QuickContext) -> tuple[str, ...]:
    assert context.incoming.action is not None
    return context.incoming.action.args


@action(ACCEPT, kind=Kind.QUICK)
async def duel_accept(context: QuickContext) -> list[Reply]:
    shown, effects = await play.accept(
        context.uow, context.user, context.community, _args(context), context.now
    )
    for effect in effects:
        context.after_commit(effect)
    return [shown]


@action(DECLINE, kind=Kind.QUICK)
async def duel_decline(context: QuickContext) -> list[Reply]:
    return [
        await play.decline(
            context.uow, context.user, context.community, _args(context), context.now
        )
    ]


@action(ANSWER, kind=Kind.QUICK)
async def duel_answer(context: QuickContext) -> list[Reply]:
    shown, effects = await play.answer(context.uow, context.user, _args(context), context.now)
    for effect in effects:
        context.after_commit(effect)
    return shown
