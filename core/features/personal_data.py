"""/export and /forget: a learner's data belongs to them."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core import codec
from core.ai.spend import keep_spend_on_forget
from core.context import Context
from core.db.models import Base, PlatformAccount, User
from core.messages import Attachment, Button, Reply, reply
from core.registry import action, command
from core.text import bold


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def collect(context: Context, user_id: int) -> dict[str, Any]:
    """Every row that belongs to the learner, from every table with a user_id column."""
    session = context.uow.session
    user = await session.get(User, user_id)
    assert user is not None
    data: dict[str, Any] = {
        "exported_at": context.now.isoformat(),
        "user": {
            column.key: _plain(getattr(user, column.key)) for column in User.__mapper__.columns
        },
    }
    for table in Base.metadata.sorted_tables:
        if table.name == "users" or "user_id" not in table.c:
            continue
        rows = await session.execute(select(table).where(table.c.user_id == user_id))
        data[table.name] = [
            {key: _plain(value) for key, value in row._mapping.items()} for row in rows.all()
        ]
    return data


@command("export", "Download all your data as JSON", personal=True, private=True)
async def export(context: Context) -> list[Reply]:
    data = await collect(context, context.user.id)
    payload = json.dumps(data, indent=2, ensure_ascii=False).encode()
    rows = sum(len(value) for value in data.values() if isinstance(value, list))
    return [
        reply(
            f"📦 Here is everything Dojo stores about you: your profile and {rows} records.",
            document=Attachment(f"dojo-export-{context.user.id}.json", payload, "application/json"),
            ephemeral=True,
        )
    ]


@command("forget", "Delete all your data (asks first)", personal=True, private=True)
async def forget(context: Context) -> list[Reply]:
    user_id = context.user.id
    return [
        reply(
            "⚠️ This deletes ",
            bold("everything"),
            " Dojo stores about you: XP, level, badges, "
            "streak, interviews, quizzes, reviews and linked accounts. It cannot be undone. "
            "Use /export first if you want a copy.",
            buttons=(
                (
                    Button("Yes, delete everything", codec.encode("fg", "yes", user_id)),
                    Button("Cancel", codec.encode("fg", "no", user_id)),
                ),
            ),
            ephemeral=True,
        )
    ]


@action("fg")
async def forget_confirm(context: Context) -> list[Reply]:
    args = context.own_button(2, "Send /forget to start again.")
    if args[0] != "yes":
        return [reply("Cancelled: nothing was deleted.")]
    accounts = (
        await context.uow.session.scalars(
            select(PlatformAccount).where(PlatformAccount.user_id == context.user.id)
        )
    ).all()
    await keep_spend_on_forget(context.uow, accounts, context.now)
    for account in accounts:
        await context.uow.session.delete(account)
    await context.uow.users.delete(context.user)
    context.uow.forget_learner(context.user.id)
    return [
        reply(
            "🗑️ Done. Everything Dojo knew about you is deleted. Send /start to begin "
            "afresh any time.",
            forgets_learner=True,
        )
    ]
