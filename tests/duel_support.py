"""Shared helpers for the duel tests: members in a group with private chats, and answers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.app import Dojo
from core.db.models import Duel, DuelPlayer, DuelRating, QuizQuestion, User
from core.messages import ChatKind, CommunityRef, Platform
from tests.support import ChatDriver

GROUP_ID = "-500"
GROUP = CommunityRef(Platform.TELEGRAM, GROUP_ID, "Study group")


def in_group(dojo: Dojo, name: str) -> ChatDriver:
    return ChatDriver(dojo.router, name, Platform.TELEGRAM, GROUP_ID, ChatKind.GROUP, GROUP)


def in_private(dojo: Dojo, name: str) -> ChatDriver:
    return ChatDriver(dojo.router, name, Platform.TELEGRAM)


async def member(dojo: Dojo, name: str, *, private: bool = True) -> tuple[ChatDriver, ChatDriver]:
    """A learner who has set up in a private chat (if `private`) and written in the group."""
    alone = in_private(dojo, name)
    if private:
        await alone.say("/start backend mid UTC")
    group = in_group(dojo, name)
    await group.say("/help")
    return group, alone


async def establish(dojo: Dojo, *names: str, xp: int = 500) -> None:
    """Age the learners' accounts and give them XP, as if they had practised for weeks."""
    now = dojo.services.clock.now()
    async with dojo.services.uow_factory() as uow:
        await uow.session.execute(
            update(User)
            .where(User.display_name.in_(names))
            .values(created_at=now - timedelta(days=30), xp=xp)
        )
        await uow.commit()


async def user_id(dojo: Dojo, name: str) -> int:
    async with dojo.services.uow_factory() as uow:
        found = await uow.session.scalar(select(User.id).where(User.display_name == name))
    assert found is not None
    return int(found)


async def latest_duel(dojo: Dojo) -> Duel:
    async with dojo.services.uow_factory() as uow:
        duel = await uow.session.scalar(select(Duel).order_by(Duel.id.desc()).limit(1))
    assert duel is not None
    return duel


async def option_for(dojo: Dojo, duel_id: int, name: str, right: bool) -> tuple[int, int]:
    """(question index, shown position) of the right option, or of a wrong one."""
    uid = await user_id(dojo, name)
    async with dojo.services.uow_factory() as uow:
        duel = await uow.session.get(Duel, duel_id)
        player = await uow.session.get(DuelPlayer, (duel_id, uid))
        assert duel is not None and player is not None and player.option_order is not None
        question = await uow.session.get(QuizQuestion, duel.question_ids[player.current_index])
        assert question is not None
        shown = list(player.option_order).index(question.correct_index)
        if not right:
            shown = (shown + 1) % len(player.option_order)
        return player.current_index, shown


async def ratings(dojo: Dojo) -> dict[str, tuple[float, int]]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.execute(
            select(User.display_name, DuelRating.ordinal, DuelRating.rated).join(
                User, User.id == DuelRating.user_id
            )
        )
        return {name: (ordinal, rated) for name, ordinal, rated in rows}


def button(driver: ChatDriver, label: str) -> str:
    """The data of a button on the driver's last replies (for another member to press)."""
    for shown, data in driver.buttons():
        if label.lower() in shown.lower():
            return data
    raise AssertionError(f"no button like {label!r} in {driver.buttons()}")
