"""`dojo admin ...`: operator commands at the shell."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def add_admin_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="admin_command", required=True)
    stats = actions.add_parser("stats", help="learners, activity and XP in the database")
    stats.set_defaults(admin_command="stats")


async def run_admin(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from bot.app import build
    from core.db.models import ActivityLog, User

    dojo = await build(settings)
    try:
        async with dojo.services.uow_factory() as uow:
            learners = await uow.session.scalar(select(func.count()).select_from(User))
            activities = await uow.session.scalar(select(func.count()).select_from(ActivityLog))
            total_xp = await uow.session.scalar(select(func.coalesce(func.sum(User.xp), 0)))
        print(f"learners: {learners}  activities: {activities}  total XP: {total_xp}")
    finally:
        await dojo.close()
    return 0
