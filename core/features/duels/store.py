"""Duel queries: challenges, players, the clock's sweep, the pair rule and ratings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from core.db.models import (
    CommunityMember,
    Duel,
    DuelPlayer,
    DuelRating,
    PlatformAccount,
    User,
)
from core.db.repository import Repository

OPEN, ACTIVE, FINISHED = "open", "active", "finished"
DECLINED, EXPIRED, CANCELLED = "declined", "expired", "cancelled"


class DuelStore(Repository):
    async def duel(self, duel_id: int, *, lock: bool = False) -> Duel | None:
        """A duel; `lock` takes its row on PostgreSQL, so two players' last answers in two
        transactions take turns and exactly one of them finishes the duel."""
        if lock and self.dialect == "postgresql":
            found: Duel | None = await self.session.scalar(
                select(Duel).where(Duel.id == duel_id).with_for_update()
            )
            return found
        return await self.session.get(Duel, duel_id)

    async def add(self, duel: Duel, first: int) -> None:
        """Store a new challenge with its challenger as its first player (flushed: it has its id,
        and the one-live-duel index has checked the challenger)."""
        self.session.add(duel)
        await self.session.flush()
        self.session.add(DuelPlayer(duel_id=duel.id, user_id=first, live=True))
        await self.session.flush()

    async def join(self, duel: Duel, user_id: int) -> None:
        self.session.add(DuelPlayer(duel_id=duel.id, user_id=user_id, live=True))
        await self.session.flush()

    async def players(self, duel_id: int) -> list[DuelPlayer]:
        rows = await self.session.scalars(
            select(DuelPlayer).where(DuelPlayer.duel_id == duel_id).order_by(DuelPlayer.user_id)
        )
        return list(rows.all())

    async def player(self, duel_id: int, user_id: int) -> DuelPlayer | None:
        return await self.session.get(DuelPlayer, (duel_id, user_id))

    async def live_duel_of(self, user_id: int) -> Duel | None:
        """The open or running duel the learner is in, if any (one at a time)."""
        found: Duel | None = await self.session.scalar(
            select(Duel)
            .join(DuelPlayer, DuelPlayer.duel_id == Duel.id)
            .where(DuelPlayer.user_id == user_id, DuelPlayer.live)
            .limit(1)
        )
        return found

    async def close(self, duel: Duel, status: str, now: datetime) -> bool:
        """Move a duel from open or active to `status` exactly once; frees its players."""
        result = await self.session.execute(
            update(Duel)
            .where(Duel.id == duel.id, Duel.status.in_((OPEN, ACTIVE)))
            .values(status=status, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        await self.session.execute(
            update(DuelPlayer)
            .where(DuelPlayer.duel_id == duel.id)
            .values(live=False)
            .execution_options(synchronize_session=False)
        )
        await self.session.refresh(duel)
        for player in await self.players(duel.id):
            await self.session.refresh(player)
        return True

    async def claim_answer(self, player: DuelPlayer, index: int, correct: bool) -> bool:
        """Advance the player past question `index` once: a double tap matches no row."""
        result = await self.session.execute(
            update(DuelPlayer)
            .where(
                DuelPlayer.duel_id == player.duel_id,
                DuelPlayer.user_id == player.user_id,
                DuelPlayer.current_index == index,
            )
            .values(
                current_index=index + 1,
                correct_count=DuelPlayer.correct_count + (1 if correct else 0),
            )
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return False
        await self.session.refresh(player)
        return True

    async def due(self, now: datetime, limit: int = 200) -> Sequence[Duel]:
        """Challenges past their expiry and duels past their clock, oldest first."""
        rows = await self.session.scalars(
            select(Duel)
            .where(
                or_(
                    (Duel.status == OPEN) & (Duel.expires_at <= now),
                    (Duel.status == ACTIVE) & (Duel.deadline <= now),
                )
            )
            .order_by(Duel.id)
            .limit(limit)
        )
        return rows.all()

    async def rated_between(self, community_id: int, a: int, b: int, since: datetime) -> int:
        """Rated duels the pair finished in this community since `since`, either way round."""
        pair = or_(
            (Duel.challenger_id == a) & (Duel.opponent_id == b),
            (Duel.challenger_id == b) & (Duel.opponent_id == a),
        )
        count = await self.session.scalar(
            select(func.count())
            .select_from(Duel)
            .where(Duel.community_id == community_id, pair, Duel.rated, Duel.finished_at >= since)
        )
        return int(count or 0)

    async def is_member(self, community_id: int, user_id: int) -> bool:
        found = await self.session.scalar(
            select(CommunityMember.user_id).where(
                CommunityMember.community_id == community_id, CommunityMember.user_id == user_id
            )
        )
        return found is not None

    async def reachable(self, user_id: int) -> bool:
        """Whether Dojo knows a private chat with the learner on some platform."""
        found = await self.session.scalar(
            select(PlatformAccount.id)
            .where(PlatformAccount.user_id == user_id, PlatformAccount.private_chat_id.is_not(None))
            .limit(1)
        )
        return found is not None

    async def rating(self, community_id: int, user_id: int) -> DuelRating | None:
        return await self.session.get(DuelRating, (community_id, user_id))

    def add_rating(self, rating: DuelRating) -> None:
        self.session.add(rating)

    async def board(self, community_id: int, limit: int = 10) -> list[tuple[DuelRating, User]]:
        """The community's rated duellists, best first; hidden learners left out."""
        rows = await self.session.execute(
            select(DuelRating, User)
            .join(User, User.id == DuelRating.user_id)
            .where(
                DuelRating.community_id == community_id,
                DuelRating.rated > 0,
                User.banned.is_(False),
                User.leaderboard_opt_out.is_(False),
            )
            .order_by(DuelRating.ordinal.desc(), DuelRating.user_id)
            .limit(limit)
        )
        return [(rating, user) for rating, user in rows.all()]

    async def ratings_of(self, user_id: int) -> list[DuelRating]:
        rows = await self.session.scalars(
            select(DuelRating)
            .where(DuelRating.user_id == user_id, DuelRating.rated > 0)
            .order_by(DuelRating.ordinal.desc())
        )
        return list(rows.all())

    async def on_merge(self, source: int, target: int, now: datetime) -> None:
        """Two accounts become one learner (core.features.link): a duel either holds open is
        cancelled (between the two it would be a duel with oneself), and the source's duels
        and places move to the target, so their history survives the source's deletion.
        Runs before the generic re-pointing, which would read the one-live-duel index as a
        key on the learner alone and drop every place of the source."""
        for user_id in (source, target):
            held = await self.live_duel_of(user_id)
            if held is not None:
                await self.close(held, CANCELLED, now)
        for column in (Duel.challenger_id, Duel.opponent_id):
            await self.session.execute(
                update(Duel)
                .where(column == source)
                .values({column.key: target})
                .execution_options(synchronize_session=False)
            )
        twin = aliased(DuelPlayer)
        clash = exists().where(twin.duel_id == DuelPlayer.duel_id, twin.user_id == target)
        await self.session.execute(
            delete(DuelPlayer)
            .where(DuelPlayer.user_id == source, clash)
            .execution_options(synchronize_session=False)
        )
        await self.session.execute(
            update(DuelPlayer)
            .where(DuelPlayer.user_id == source)
            .values(user_id=target)
            .execution_options(synchronize_session=False)
        )
