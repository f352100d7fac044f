"""Who may duel whom, and when a duel's result moves a rating or earns XP.

A rating is worth farming: make a second account (a puppet), challenge it, let it lose, repeat.
What stands in the way, each rule cheap to check and explained in the result post:

- No duel with yourself. Linked and merged accounts are one Dojo learner (/link), so a duel
  of a learner's Telegram against their Discord is a duel with themselves and is refused; so
  is taking your own open challenge.
- No duel with a stranger: the opponent must be a member of this community that Dojo knows
  (they have written or used a command here) and not banned here; an open challenge is taken
  by pressing its button in the community's chat, by a member.
- One open or running duel per learner (a unique index on `duel_players`), so a learner cannot
  fan out challenges to many puppets at once.
- A rating moves only when both learners are established: their Dojo account is at least
  `ESTABLISHED_AGE` old and has `ESTABLISHED_XP` XP. A fresh puppet is neither, and XP is
  capped per day on every kind of practice (core.rules.xp), so growing one takes days of
  real practice for each puppet.
- A pair is rated at most `PAIR_RATED_PER_DAY` time(s) in `PAIR_WINDOW`, either way round:
  further duels between the same two are played and posted but leave ratings alone, so an
  established puppet yields at most one rated win a day, and OpenSkill gives ever less for
  beating someone whose rating has already fallen.
- A walkover is not rated: a duel in which one side answered nothing, or one shorter than
  `MIN_RATED_QUESTIONS`, says nothing about skill.
- Duel XP (per question right, a little for a win) goes through the ordinary award path with
  a daily allowance of its own (Activity.DUEL_FINISHED), once per duel and learner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.db.models import Duel, DuelPlayer, User
from core.features.duels.store import DuelStore

ESTABLISHED_AGE = timedelta(days=3)
ESTABLISHED_XP = 100
PAIR_WINDOW = timedelta(hours=24)
PAIR_RATED_PER_DAY = 1
MIN_RATED_QUESTIONS = 3
XP_PER_RIGHT = 2
XP_FOR_A_WIN = 3


def established(user: User, now: datetime) -> bool:
    return user.created_at <= now - ESTABLISHED_AGE and user.xp >= ESTABLISHED_XP


@dataclass(frozen=True)
class Verdict:
    rated: bool
    note: str  # why not, told in the result post ("" when rated)


async def rating_verdict(
    store: DuelStore, duel: Duel, players: list[tuple[DuelPlayer, User]], now: datetime
) -> Verdict:
    if len(duel.question_ids) < MIN_RATED_QUESTIONS:
        return Verdict(False, f"unrated: a rated duel has {MIN_RATED_QUESTIONS}+ questions")
    if any(player.current_index == 0 for player, _ in players):
        return Verdict(False, "unrated: a walkover (one side answered nothing)")
    fresh = [user.display_name for _, user in players if not established(user, now)]
    if fresh:
        return Verdict(
            False,
            f"unrated: {' and '.join(fresh)} {'is' if len(fresh) == 1 else 'are'} new to Dojo "
            f"(ratings count from {ESTABLISHED_AGE.days} days and {ESTABLISHED_XP} XP)",
        )
    (_, first), (_, second) = players
    recent = await store.rated_between(duel.community_id, first.id, second.id, now - PAIR_WINDOW)
    if recent >= PAIR_RATED_PER_DAY:
        return Verdict(False, "unrated: these two already had a rated duel in the last 24 hours")
    return Verdict(True, "")


def duel_xp(player: DuelPlayer, won: bool) -> int:
    if player.correct_count == 0:
        return 0
    return XP_PER_RIGHT * player.correct_count + (XP_FOR_A_WIN if won else 0)
