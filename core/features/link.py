"""/link: one learner across Telegram and Discord.

`/link` in a private chat gives a one-time code (10 minutes); `/link CODE` on the other
platform asks, naming the account it would merge with, and only a "Yes" from the same learner
moves that account, and everything its learner did, into the code owner's learner. The
question is never skipped: a code can reach a learner in a deep link or a forwarded message,
and whoever redeems someone else's code hands them their whole profile.
Rows are re-pointed table by table; where a unique key would collide (the same day's
first-activity bonus, the same badge, the same community), the owner's row is kept and the
other dropped, so nothing counts twice. XP is then re-summed from the ledger.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import Table, and_, delete, exists, func, select, update
from sqlalchemy.sql.schema import PrimaryKeyConstraint, UniqueConstraint

from core import codec
from core.ai.spend import fold_spend_on_merge
from core.context import Context
from core.db.models import Base, LinkCode, User, XpLedger
from core.db.uow import UnitOfWork
from core.errors import UserError
from core.messages import Button, Reply, reply
from core.registry import action, command
from core.rules.levels import level_for
from core.text import bold, code

CODE_TTL = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8
_SKIP_TABLES = {"users", "platform_accounts", "xp_weekly"}  # weekly XP is rebuilt


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def normalise(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


@command(
    "link", "Link your Telegram and Discord accounts", "/link [code]", personal=True, private=True
)
async def link(context: Context) -> list[Reply]:
    args = context.incoming.args
    if not args:
        return await _issue(context)
    if len(args) > 1:
        raise UserError("/link takes one code, for example /link ABCD-EFGH.")
    return await _redeem(context, args[0])


async def _issue(context: Context) -> list[Reply]:
    if not context.incoming.chat.is_private:
        raise UserError("Send /link to me in a private chat, so your code stays secret.")
    session = context.uow.session
    await session.execute(
        delete(LinkCode).where(LinkCode.user_id == context.user.id, LinkCode.used_at.is_(None))
    )
    raw = new_code()
    while await session.get(LinkCode, raw) is not None:
        raw = new_code()
    session.add(LinkCode(code=raw, user_id=context.user.id, expires_at=context.now + CODE_TTL))
    return [
        reply(
            "🔗 Your link code is ",
            bold(shown(raw)),
            ". On the other platform, send ",
            code(f"/link {shown(raw)}"),
            " to me within 10 minutes. Both accounts then share one Dojo profile.",
            ephemeral=True,
        )
    ]


async def _redeem(context: Context, text: str) -> list[Reply]:
    raw = normalise(text)
    if len(raw) != CODE_LENGTH or any(char not in ALPHABET for char in raw):
        raise UserError("That isn't a link code. Codes look like ABCD-EFGH; get one with /link.")
    owner = await _owner_of(context, raw)
    accounts = await context.uow.users.accounts_of(owner.id)
    theirs = " and ".join(f"{a.platform.capitalize()} user {a.display_name}" for a in accounts)
    here = str(context.incoming.platform).capitalize()
    buttons = (
        (
            Button("Yes, merge them", codec.encode("lk", "yes", raw, context.user.id)),
            Button("No", codec.encode("lk", "no", raw, context.user.id)),
        ),
    )
    return [
        reply(
            f"🔗 Merge this {here} profile (",
            bold(context.user.display_name),
            f", {context.user.xp} XP) into the Dojo profile of ",
            bold(theirs or f"#{owner.id}"),
            f" ({owner.xp} XP)? Everything here (interviews, reviews, quizzes, XP) moves there "
            "and whoever holds that account can see and export it. Only say yes if both "
            "accounts are yours.",
            buttons=buttons,
            ephemeral=True,
        )
    ]


async def _owner_of(context: Context, raw: str) -> User:
    """The learner whose unused, unexpired code `raw` is, if this learner may redeem it."""
    uow, now, here = context.uow, context.now, context.user
    row = await uow.session.get(LinkCode, raw)
    if row is None:
        raise UserError("I don't know that code. Check it, or send /link for a new one.")
    if row.used_at is not None:
        raise UserError(
            "That code was already used. Send /link on the other platform for a new one."
        )
    if row.expires_at <= now:
        raise UserError("That code has expired (they last 10 minutes). Send /link again.")
    if row.user_id == here.id:
        raise UserError("That code belongs to this account. Send it from the other platform.")
    owner = await uow.users.get(row.user_id)
    if owner is None or owner.banned:
        raise UserError("That code can't be used. Send /link for a new one.")
    await _check_platforms(uow, here, owner)
    return owner


@action("lk")
async def link_confirm(context: Context) -> list[Reply]:
    """The learner's answer to "merge with X?"; only the learner who asked may give it."""
    args = context.own_button(3, "Send /link CODE again.")
    if args[0] != "yes":
        return [reply("Not linked: both profiles stay as they were.")]
    uow, now, here = context.uow, context.now, context.user
    raw = normalise(args[1])
    owner = await _owner_of(context, raw)
    taken = await uow.session.execute(
        update(LinkCode)
        .where(LinkCode.code == raw, LinkCode.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        raise UserError(
            "That code was already used. Send /link on the other platform for a new one."
        )
    await merge_learners(uow, here, owner, now)
    platforms = sorted({account.platform for account in await uow.users.accounts_of(owner.id)})
    return [
        reply(
            "🔗 Linked: ",
            bold(" and ".join(platforms)),
            f" now share one profile. {owner.xp} XP, level {owner.level}, "
            f"{owner.streak_current}-day streak.",
        )
    ]


async def _check_platforms(uow: UnitOfWork, here: User, owner: User) -> None:
    mine = {account.platform for account in await uow.users.accounts_of(here.id)}
    theirs = {account.platform for account in await uow.users.accounts_of(owner.id)}
    clash = mine & theirs
    if clash:
        raise UserError(
            f"That profile already has a {sorted(clash)[0]} account: link accounts from "
            "different platforms, one of each."
        )


def _unique_keys(table: Table) -> list[list[str]]:
    keys = [
        [column.name for column in constraint.columns]
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint)
    ]
    keys += [[column.name for column in index.columns] for index in table.indexes if index.unique]
    return [key for key in keys if "user_id" in key]


async def _repoint(uow: UnitOfWork, table: Table, source: int, target: int) -> None:
    for key in _unique_keys(table):
        twin = table.alias("twin")
        same = [twin.c[name] == table.c[name] for name in key if name != "user_id"]
        clash = exists(select(1).select_from(twin).where(and_(twin.c.user_id == target, *same)))
        await uow.session.execute(
            delete(table).where(table.c.user_id == source, clash.correlate(table))
        )
    await uow.session.execute(update(table).where(table.c.user_id == source).values(user_id=target))


async def merge_learners(uow: UnitOfWork, source: User, target: User, now: datetime) -> None:
    """Move everything of `source` into `target` and delete `source`; no XP counts twice."""
    moved = await uow.users.accounts_of(source.id)
    for account in moved:
        account.user_id = target.id
    await uow.session.flush()
    await fold_spend_on_merge(uow, moved, await uow.users.accounts_of(target.id))
    for table in Base.metadata.sorted_tables:
        if table.name not in _SKIP_TABLES and "user_id" in table.c:
            await _repoint(uow, table, source.id, target.id)
    total = await uow.session.scalar(
        select(func.coalesce(func.sum(XpLedger.amount), 0)).where(XpLedger.user_id == target.id)
    )
    target.xp = int(total or 0)
    target.level = level_for(target.xp)
    await uow.xp.rebuild_weekly(target.id)
    _merge_streaks(source, target)
    for field in ("track", "experience_level"):
        if getattr(target, field) is None:
            setattr(target, field, getattr(source, field))
    if target.time_zone == "UTC" and source.time_zone != "UTC":
        target.time_zone = source.time_zone
    if source.reminders_enabled and not target.reminders_enabled:
        target.reminders_enabled = True
        target.reminder_hour, target.reminder_minute = source.reminder_hour, source.reminder_minute
    target.updated_at = now
    await uow.session.delete(source)
    await uow.session.flush()
    uow.forget_learner(source.id)  # the moved accounts now belong to `target`


def _merge_streaks(source: User, target: User) -> None:
    """Keep the streak that is more recent (the longer one on the same day); best of the rest."""
    days = (target.last_active_date, target.streak_current)
    other = (source.last_active_date, source.streak_current)
    if other[0] is not None and (days[0] is None or other > days):  # type: ignore[operator]
        target.last_active_date, target.streak_current = other
    target.streak_longest = max(target.streak_longest, source.streak_longest, target.streak_current)
    target.streak_freezes = max(target.streak_freezes, source.streak_freezes)
