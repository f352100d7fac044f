"""A duel's life: challenge, accept or decline, answers against the clock, the finish.

Button data is data: every press is checked against the database (the presser is the one
challenged, or anyone but the challenger for an open challenge; the challenge is still open;
the answer is the player's own and for their current question), never trusted for who or what.
The finish runs once (a guarded status change), from the last answer or from the sweep at the
deadline, and posts the result where the duel started through the outbox.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from core.db.models import Community, Duel, DuelPlayer, User
from core.db.scope import Repositories
from core.errors import UserError
from core.features.duels import fair_play, rating, render
from core.features.duels.request import DuelRequest, opponent_named
from core.features.duels.store import (
    ACTIVE,
    CANCELLED,
    DECLINED,
    EXPIRED,
    FINISHED,
    OPEN,
    DuelStore,
)
from core.features.quiz.shuffle import new_order, original_option
from core.features.quiz.store import QuizStore
from core.messages import ChatKind, DirectMessage, Effect, Platform, Post, Reply, SendTarget
from core.progress import record_activity
from core.rules.xp import Activity
from core.text import Doc, bold

CHALLENGE_TTL = timedelta(minutes=10)
NEW = "Start a new one with /duel."
START_SECONDS, SECONDS_PER_QUESTION = 60, 30  # time to open the private chat, then per question


def clock_seconds(count: int) -> int:
    return START_SECONDS + SECONDS_PER_QUESTION * count


async def settle_if_due(uow: Repositories, duel: Duel, now: datetime) -> list[Effect]:
    """An open challenge past its expiry or a duel past its clock, closed now rather than at
    the next sweep (so a learner is never held by a duel that is over)."""
    store = uow.repository(DuelStore)
    if duel.status == OPEN and duel.expires_at <= now:
        await store.close(duel, EXPIRED, now)
    elif duel.status == ACTIVE and duel.deadline is not None and duel.deadline <= now:
        return await finish(uow, duel, now)
    return []


async def free_to_duel(uow: Repositories, user: User, now: datetime, you: bool) -> list[Effect]:
    store = uow.repository(DuelStore)
    held = await store.live_duel_of(user.id)
    if held is None:
        return []
    effects = await settle_if_due(uow, held, now)
    if held.status in (OPEN, ACTIVE):
        who = "You are" if you else f"{user.display_name} is"
        raise UserError(f"{who} already in duel #{held.id}; one duel at a time.")
    return effects


NOT_REACHABLE = (
    "I can't message {name} privately, and duel questions are private: {name}, send me /start "
    "in a private chat first."
)


async def challenge(
    uow: Repositories,
    user: User,
    community: Community,
    where: SendTarget,
    request: DuelRequest,
    now: datetime,
) -> tuple[Reply, list[Effect]]:
    opponent: User | None = None
    if request.opponent is not None:
        opponent = await opponent_named(uow, community, request.opponent)
        if opponent.id == user.id:
            raise UserError("You can't duel yourself (linked accounts are one learner).")
    store = uow.repository(DuelStore)
    effects = await free_to_duel(uow, user, now, you=True)
    if opponent is not None:
        effects += await free_to_duel(uow, opponent, now, you=False)
    if not await store.reachable(user.id):
        raise UserError(
            "I can't message you privately yet, and duel questions are private: send me /start "
            "in a private chat, then challenge again."
        )
    ids = await uow.repository(QuizStore).pick_questions(
        None, request.topic, request.count, random.Random(), community_id=community.id
    )
    if not ids:
        raise UserError("There are no questions on that topic yet. Try /duel random.")
    duel = Duel(
        community_id=community.id,
        platform=str(where.platform),
        chat_id=where.chat_id,
        chat_kind=str(where.kind),
        challenger_id=user.id,
        opponent_id=opponent.id if opponent else None,
        topic=request.topic,
        question_ids=ids,
        status=OPEN,
        rated=False,
        rating_note="",
        created_at=now,
        expires_at=now + CHALLENGE_TTL,
    )
    await store.add(duel, user.id)
    shown = render.challenge(
        duel,
        user.display_name,
        opponent.display_name if opponent else None,
        clock_seconds(len(ids)),
        int(CHALLENGE_TTL.total_seconds()),
    )
    return shown, effects


def _duel_id(args: tuple[str, ...]) -> int:
    if len(args) != 1 or not args[0].isdigit() or len(args[0]) > 12:
        raise UserError(f"That duel button is not valid. {NEW}")
    return int(args[0])


async def _open_challenge(
    uow: Repositories, duel_id: int, community: Community | None, now: datetime
) -> tuple[Duel | None, str]:
    """The challenge if it can still be answered, else None and the one line that says why."""
    duel = await uow.repository(DuelStore).duel(duel_id, lock=True)
    if duel is None or community is None or duel.community_id != community.id:
        return None, f"That duel challenge doesn't exist here. {NEW}"
    if duel.status == OPEN and duel.expires_at <= now:
        await uow.repository(DuelStore).close(duel, EXPIRED, now)
    if duel.status == EXPIRED:
        return None, f"That challenge expired: challenges last {minutes(CHALLENGE_TTL)}. {NEW}"
    if duel.status != OPEN:
        return None, f"That challenge is no longer open (it was {_said(duel.status)}). {NEW}"
    return duel, ""


def minutes(span: timedelta) -> str:
    return render.minutes(int(span.total_seconds()))


def _said(status: str) -> str:
    return {ACTIVE: "accepted", FINISHED: "played", DECLINED: "declined"}.get(status, status)


async def decline(
    uow: Repositories, user: User, community: Community | None, args: tuple[str, ...], now: datetime
) -> Reply:
    duel, why = await _open_challenge(uow, _duel_id(args), community, now)
    if duel is None:
        return Reply(Doc.of(why))
    store = uow.repository(DuelStore)
    if user.id == duel.challenger_id:
        await store.close(duel, CANCELLED, now)
        return Reply(Doc.of(f"⚔️ {user.display_name} withdrew duel #{duel.id}."))
    if duel.opponent_id != user.id:
        raise UserError("That challenge isn't yours to decline.")
    await store.close(duel, DECLINED, now)
    return Reply(Doc.of(f"⚔️ {user.display_name} declined duel #{duel.id}."))


async def accept(
    uow: Repositories, user: User, community: Community | None, args: tuple[str, ...], now: datetime
) -> tuple[Reply, list[Effect]]:
    duel, why = await _open_challenge(uow, _duel_id(args), community, now)
    if duel is None:
        return Reply(Doc.of(why)), []
    if user.id == duel.challenger_id:
        raise UserError("You can't take your own challenge.")
    if duel.opponent_id is not None and duel.opponent_id != user.id:
        raise UserError("That challenge is for someone else: start your own with /duel.")
    if user.banned:
        raise UserError("You can't duel here.")
    store = uow.repository(DuelStore)
    effects = await free_to_duel(uow, user, now, you=True)
    challenger = await uow.users.get(duel.challenger_id)
    assert challenger is not None
    for who in (challenger, user):
        if not await store.reachable(who.id):
            await store.close(duel, CANCELLED, now)
            line = NOT_REACHABLE.format(name=who.display_name)
            return Reply(Doc.of(f"⚔️ Duel #{duel.id} is off. {line}")), effects
    await store.join(duel, user.id)
    duel.opponent_id, duel.status, duel.started_at = user.id, ACTIVE, now
    duel.deadline = now + timedelta(seconds=clock_seconds(len(duel.question_ids)))
    for who in (challenger, user):
        player = await store.player(duel.id, who.id)
        assert player is not None
        first = await ask(uow, duel, player, 0)
        failed = f"I couldn't reach {who.display_name} privately for duel #{duel.id}."
        effects.append(DirectMessage(who.id, (first,), failed=failed))
    clock = render.minutes(clock_seconds(len(duel.question_ids)))
    said = Doc.of(
        "⚔️ ",
        bold(f"{challenger.display_name} vs {user.display_name}"),
        f": duel #{duel.id} is on. Your questions are in your private chat with me; {clock} "
        "on the clock.",
    )
    return Reply(said), effects


async def ask(
    uow: Repositories, duel: Duel, player: DuelPlayer, index: int, lead: Doc | None = None
) -> Reply:
    """Question `index` for the player, its options shuffled and the order kept on their row."""
    item = await uow.repository(QuizStore).question(int(duel.question_ids[index]))
    if item is None:
        raise UserError(f"A question of duel #{duel.id} was removed from the bank.")
    order = new_order(len(item.options))
    player.option_order = order
    return render.question(duel, index, item, tuple(item.options[i] for i in order), lead)


def _answer_args(args: tuple[str, ...]) -> tuple[int, int, int]:
    if len(args) != 3 or not all(arg.isdigit() and len(arg) <= 12 for arg in args):
        raise UserError(f"That answer button is not valid. {NEW}")
    duel_id, index, chosen = (int(arg) for arg in args)
    return duel_id, index, chosen


async def answer(
    uow: Repositories, user: User, args: tuple[str, ...], now: datetime
) -> tuple[list[Reply], list[Effect]]:
    duel_id, index, chosen = _answer_args(args)
    store = uow.repository(DuelStore)
    duel = await store.duel(duel_id, lock=True)
    player = await store.player(duel_id, user.id) if duel is not None else None
    if duel is None or player is None:
        raise UserError("That duel isn't yours: start your own with /duel.")
    if duel.status != ACTIVE:
        raise UserError(f"Duel #{duel.id} is over; its result is in the group.")
    assert duel.deadline is not None and duel.started_at is not None
    if now > duel.deadline:
        effects = await finish(uow, duel, now)
        late = "⏱ Time's up: that answer came after the clock and counts as missed."
        over = f"Duel #{duel.id} is over; the result is in the group."
        return [Reply(Doc.lines(late, over))], effects
    total = len(duel.question_ids)
    if index >= total or index < player.current_index:
        raise UserError(f"You already answered question {index + 1}; it counts once.")
    if index > player.current_index:
        raise UserError(f"Answer question {player.current_index + 1} first.")
    item = await uow.repository(QuizStore).question(int(duel.question_ids[index]))
    if item is None:
        raise UserError(f"A question of duel #{duel.id} was removed from the bank.")
    option = original_option(player.option_order, len(item.options), chosen)
    correct = option == item.correct_index
    if not await store.claim_answer(player, index, correct):
        raise UserError(f"You already answered question {index + 1}; it counts once.")
    player.time_ms = int((now - duel.started_at).total_seconds() * 1000)
    marked = render.mark(correct, item.options[item.correct_index])
    if player.current_index < total:
        return [await ask(uow, duel, player, index + 1, marked)], []
    player.finished_at = now
    done = Doc.lines(
        marked,
        f"🏁 You're done: {player.correct_count} of {total} in "
        f"{render.minutes(player.time_ms // 1000)}.",
    )
    players = await store.players(duel.id)
    if all(p.finished_at is not None for p in players):
        effects = await finish(uow, duel, now)
        return [Reply(Doc.lines(done, "The result is posted in the group."))], effects
    return [Reply(Doc.lines(done, "Waiting for your opponent; the result goes to the group."))], []


@dataclass(frozen=True)
class Standing:
    player: DuelPlayer
    user: User
    ms: int  # to the last answer; the whole clock for one who did not finish

    @property
    def key(self) -> tuple[int, int]:
        return (-self.player.correct_count, self.ms)


async def finish(uow: Repositories, duel: Duel, now: datetime) -> list[Effect]:
    """End the duel once (a second caller finds it finished and does nothing): rate it if the
    rules allow (fair_play), award XP through the ordinary path, post the result in its chat."""
    store = uow.repository(DuelStore)
    if not await store.close(duel, FINISHED, now):
        return []
    clock = clock_seconds(len(duel.question_ids))
    standings: list[Standing] = []
    for player in await store.players(duel.id):
        user = await uow.users.get(player.user_id)
        if user is None:  # forgotten mid-duel: nothing to rate or post for them
            return []
        ms = player.time_ms if player.finished_at is not None else clock * 1000
        standings.append(Standing(player, user, ms))
    if len(standings) != 2:
        return []
    standings.sort(key=lambda s: s.key)
    first, second = standings
    outcome = 0 if first.key == second.key else 1
    verdict = await fair_play.rating_verdict(
        store, duel, [(s.player, s.user) for s in standings], now
    )
    moves: dict[int, tuple[int, int]] = {}
    if verdict.rated:
        moves = await _rate(store, duel, first, second, outcome, now)
    duel.rated, duel.rating_note = verdict.rated, verdict.note
    for standing in standings:
        won = outcome == 1 and standing is first
        await record_activity(
            uow,
            standing.user,
            Activity.DUEL_FINISHED,
            now,
            reference=f"duel:{duel.id}",
            score=round(100 * standing.player.correct_count / len(duel.question_ids)),
            context=("duel", str(duel.id)),
            meta={"questions": len(duel.question_ids), "won": won, "rated": verdict.rated},
            community_id=duel.community_id,
            xp=fair_play.duel_xp(standing.player, won),
            reason=f"duel #{duel.id}",
        )
    target = SendTarget(Platform(duel.platform), duel.chat_id, ChatKind(duel.chat_kind))
    result = render.result(
        duel,
        [
            (
                s.user.display_name,
                s.player.correct_count,
                s.ms // 1000,
                s.player.finished_at is not None,
                moves.get(s.user.id),
            )
            for s in standings
        ],
        outcome,
    )
    return [Post(target, (result,))]


async def _rate(
    store: DuelStore, duel: Duel, first: Standing, second: Standing, outcome: int, now: datetime
) -> dict[int, tuple[int, int]]:
    """Both ratings after the duel; returns each learner's shown rating before and after."""
    rows = [await store.rating(duel.community_id, s.user.id) for s in (first, second)]
    before = [rating.skill_of(row) for row in rows]
    after = rating.after_duel(before[0], before[1], outcome)
    moves: dict[int, tuple[int, int]] = {}
    for standing, row, old, new in zip((first, second), rows, before, after, strict=True):
        won = outcome == 1 and standing is first
        stored = rating.store_skill(row, duel.community_id, standing.user.id, new, won, now)
        if row is None:
            store.add_rating(stored)
        moves[standing.user.id] = (rating.shown(old.ordinal), rating.shown(new.ordinal))
    return moves
