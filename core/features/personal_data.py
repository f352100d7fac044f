"""/export and /forget: a learner's data belongs to them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, select

from core import codec
from core.ai.spend import SpendStore
from core.context import QuickContext
from core.db.models import Base, PlatformAccount, User
from core.db.repository import Repository
from core.kinds import Kind
from core.messages import Attachment, Button, Reply, reply
from core.registry import action, command
from core.text import bold


def _learner_tables() -> list[Table]:
    """Every table with rows of a learner's (a user_id column), besides `users` itself."""
    return [
        table
        for table in Base.metadata.sorted_tables
        if table.name != "users" and "user_id" in table.c
    ]


class PersonalDataStore(Repository):
    async def rows_of(self, table: Table, user_id: int) -> list[dict[str, Any]]:
        """The learner's rows of `table`, column by column."""
        rows = await self.session.execute(select(table).where(table.c.user_id == user_id))
        return [dict(row._mapping) for row in rows.all()]

    async def delete_accounts(self, accounts: Sequence[PlatformAccount]) -> None:
        for account in accounts:
            await self.session.delete(account)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


async def collect(context: QuickContext, user_id: int) -> dict[str, Any]:
    """Every row that belongs to the learner, from every table with a user_id column."""
    store = context.uow.repository(PersonalDataStore)
    user = await context.uow.users.get(user_id)
    assert user is not None
    data: dict[str, Any] = {
        "exported_at": context.now.isoformat(),
        "user": {
            column.key: _plain(getattr(user, column.key)) for column in User.__mapper__.columns
        },
    }
    for table in _learner_tables():
        rows = await store.rows_of(table, user_id)
        data[table.name] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return data


@command("export", "Download all your data as JSON", personal=True, private=True, kind=Kind.QUICK)
async def export(context: QuickContext) -> list[Reply]:
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


@command(
    "forget", "Delete all your data (asks first)", personal=True, private=True, kind=Kind.QUICK
)
async def forget(context: QuickContext) -> list[Reply]:
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


@action("fg", kind=Kind.QUICK)
async def forget_confirm(context: QuickContext) -> list[Reply]:
    args = context.own_button(2, "Send /forget to start again.")
    if args[0] != "yes":
        return [reply("Cancelled: nothing was deleted.")]
    accounts = await context.uow.users.accounts_of(context.user.id)
    await context.uow.repository(SpendStore).keep_on_forget(accounts, context.now)
    await context.uow.repository(PersonalDataStore).delete_accounts(accounts)
    await context.uow.delete_learner(context.user)
    return [
        reply(
            "🗑️ Done. Everything Dojo knew about you is deleted. Send /start to begin "
            "afresh any time.",
            forgets_learner=True,
        )
    ]
