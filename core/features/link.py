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
from typing import Any

from core import codec
from core.ai.spend import SpendStore
from core.command_meta import Param
from core.context import QuickContext
from core.db.models import User
from core.db.scope import Repositories
from core.errors import UserError
from core.features.duels.store import DuelStore
from core.features.link_store import LinkStore, learner_tables
from core.kinds import Kind
from core.messages import Button, Reply, reply
from core.registry import action, command
from core.rules.levels import level_for
from core.text import bold, code

CODE_TTL = timedelta(minutes=10)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def shown(raw: str) -> str:
    return f"{raw[:4]}-{raw[4:]}"


def normalise(text: str) -> str:
    return text.strip().upper().replace("-", "").replace(" ", "")


@command(
    "link",
    "Link your Telegram and Discord accounts",
    "/link [code]",
    personal=True,
    private=True,
    kind=Kind.QUICK,
    params=(Param("code", "The code /link gave you on the other platform", max_length=40),),
)
async def link(context: QuickContext) -> list[Reply]:
    args = context.incoming.args
    if not args:
        return await _issue(context)
    if len(args) > 1:
        raise UserError("/link takes one code, for example /link ABCD-EFGH.")
    return await _redeem(context, args[0])


async def _issue(context: QuickContext) -> list[Reply]:
    if not context.incoming.chat.is_private:
        raise UserError("Send /link to me in a private chat, so your code stays secret.")
    store = context.uow.repository(LinkStore)
    await store.drop_unused_codes(context.user.id)
    raw = new_code()
    while await store.code(raw) is not None:
        raw = new_code()
    store.add_code(raw, context.user.id, context.now + CODE_TTL)
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


async def _redeem(context: QuickContext, text: str) -> list[Reply]:
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


async def _owner_of(context: QuickContext, raw: str) -> User:
    """The learner whose unused, unexpired code `raw` is, if this learner may redeem it."""
    uow, now, here = context.uow, context.now, context.user
    row = await uow.repository(LinkStore).code(raw)
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


@action("lk", kind=Kind.QUICK)
async def link_confirm(context: QuickContext) -> list[Reply]:
    """The learner's answer to "merge with X?"; only the learner who asked may give it."""
    args = context.own_button(3, "Send /link CODE again.")
    if args[0] != "yes":
        return [reply("Not linked: both profiles stay as they were.")]
    uow, now, here = context.uow, context.now, context.user
    raw = normalise(args[1])
    owner = await _owner_of(context, raw)
    if not await uow.repository(LinkStore).take_code(raw, now):
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


async def _check_platforms(uow: Repositories, here: User, owner: User) -> None:
    mine = {account.platform for account in await uow.users.accounts_of(here.id)}
    theirs = {account.platform for account in await uow.users.accounts_of(owner.id)}
    clash = mine & theirs
    if clash:
        raise UserError(
            f"That profile already has a {sorted(clash)[0]} account: link accounts from "
            "different platforms, one of each."
        )


async def merge_learners(uow: Repositories, source: User, target: User, now: datetime) -> None:
    """Move everything of `source` into `target` and delete `source`; no XP counts twice."""
    store = uow.repository(LinkStore)
    moved = await uow.users.accounts_of(source.id)
    await store.move_accounts(moved, target.id)
    await uow.repository(SpendStore).fold_on_merge(moved, await uow.users.accounts_of(target.id))
    await uow.repository(DuelStore).on_merge(source.id, target.id, now)
    for table in learner_tables():
        await store.repoint(table, source.id, target.id)
    await uow.xp.recount(target)
    change = uow.learners.change
    change(target, level=level_for(target.xp))
    await uow.xp.rebuild_period_totals(target.id)
    change(target, **_merged_streaks(source, target))
    for field in ("track", "experience_level"):
        if getattr(target, field) is None:
            change(target, **{field: getattr(source, field)})
    if target.time_zone == "UTC" and source.time_zone != "UTC":
        change(target, time_zone=source.time_zone)
    if source.reminders_enabled and not target.reminders_enabled:
        change(
            target,
            reminders_enabled=True,
            reminder_hour=source.reminder_hour,
            reminder_minute=source.reminder_minute,
        )
    change(target, open_work=target.open_work | source.open_work)  # moved with their rows
    change(target, updated_at=now)
    await uow.delete_learner(source)  # the moved accounts now belong to `target`


def _merged_streaks(source: User, target: User) -> dict[str, Any]:
    """Keep the streak that is more recent (the longer one on the same day); best of the rest."""
    days = (target.last_active_date, target.streak_current)
    other = (source.last_active_date, source.streak_current)
    if other[0] is not None and (days[0] is None or other > days):  # type: ignore[operator]
        days = other
    return {
        "last_active_date": days[0],
        "streak_current": days[1],
        "streak_longest": max(target.streak_longest, source.streak_longest, days[1]),
        "streak_freezes": max(target.streak_freezes, source.streak_freezes),
    }
