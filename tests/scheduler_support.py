"""Helpers for the scheduler, admin and link tests: learners in a chosen state, a clock, sends."""

from __future__ import annotations

from datetime import date, datetime

from bot.app import Dojo
from core.db.models import User
from core.messages import ChatKind, CommunityRef, Platform
from tests.support import ChatDriver


async def learner(
    dojo: Dojo,
    name: str,
    *,
    platform: Platform = Platform.TELEGRAM,
    zone: str = "UTC",
    at: str = "19:00",
    streak: int = 5,
    last_active: date | None = None,
    freezes: int = 0,
    reminders: bool = True,
) -> int:
    """An onboarded learner with a private chat `pc-<name>`, then put in the given state."""
    chat = ChatDriver(dojo.router, name, platform, f"pc-{name}", ChatKind.PRIVATE)
    await chat.say(f"/start backend mid {zone}")
    if reminders:
        await chat.say(f"/remind {at}")
    async with dojo.services.uow_factory() as uow:
        user = await uow.users.by_account(str(platform), name)
        assert user is not None
        user.streak_current = streak
        user.streak_longest = max(streak, 1)
        user.streak_freezes = freezes
        user.last_active_date = last_active
        await uow.commit()
        return user.id


async def update_user(dojo: Dojo, user_id: int, **values: object) -> None:
    async with dojo.services.uow_factory() as uow:
        user = await uow.session.get(User, user_id)
        assert user is not None
        for key, value in values.items():
            setattr(user, key, value)
        await uow.commit()


def group_member(
    dojo: Dojo, name: str, community: CommunityRef, is_admin: bool = False
) -> ChatDriver:
    return ChatDriver(
        dojo.router,
        name,
        community.platform,
        f"chat-{community.id}",
        ChatKind.GROUP,
        community,
        is_admin=is_admin,
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text)
