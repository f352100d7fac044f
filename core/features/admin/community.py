"""Community settings: where announcements and the weekly board go, and chat XP."""

from __future__ import annotations

import re

from core import channels
from core.errors import UserError
from core.features.admin.common import AdminCall, audit, word
from core.features.admin.grammar import CHANNEL_USAGE, CHAT_XP_USAGE, MOD_ROLE_USAGE
from core.messages import Platform, Post, Reply, reply

_ROLE = re.compile(r"^<@&(\d{1,20})>$|^(\d{1,20})$")
_EVERYONE = (
    "@everyone can't be the moderator role: it would make every member a moderator. "
    "Name a role only moderators hold."
)
_KINDS = {"announce": "announce_channel", "leaderboard": "leaderboard_channel"}
_CHANNEL = re.compile(r"^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$")
_DISCORD_MENTION = re.compile(r"^<#(\d{1,20})>$")


def _community(call: AdminCall) -> None:
    if call.community is None:
        raise UserError(
            "This setting belongs to a group or server: use it there "
            "(at the shell, add --community platform:id)."
        )


def _channel_id(call: AdminCall, value: str) -> str | None:
    if value.lower() == "off":
        return None
    if value.lower() == "here":
        if not call.chat_id:
            raise UserError("'here' only works in a chat; give the channel id instead.")
        return call.chat_id
    mention = _DISCORD_MENTION.match(value)
    if mention:
        return mention.group(1)
    if not _CHANNEL.match(value):
        raise UserError(
            f"'{value[:40]}' is not a channel id. Use a numeric id (-1001234567890), "
            "@channelname, a #channel mention, here or off."
        )
    return value


async def channel(call: AdminCall) -> list[Reply]:
    _community(call)
    assert call.community is not None
    kind = word(call, 0, "announce or leaderboard", CHANNEL_USAGE).lower()
    if kind not in _KINDS:
        raise UserError(f"'{kind[:20]}' should be announce or leaderboard. Usage: {CHANNEL_USAGE}")
    chosen = _channel_id(call, word(call, 1, "channel", CHANNEL_USAGE))
    what = "level-ups and badges" if kind == "announce" else "the weekly leaderboard"
    if chosen is not None:
        await _check_can_post(call, chosen, what)
    call.uow.communities.change_settings(call.community, **{_KINDS[kind]: chosen})
    await audit(call, f"channel.{kind}", chosen or "off")
    if chosen is None:
        return [reply(f"✅ No {kind} channel any more: {what} go where they happen.")]
    return [reply(f"✅ {what.capitalize()} will be posted in channel {chosen}.")]


async def _check_can_post(call: AdminCall, chat_id: str, what: str) -> None:
    """The channel must be one of this community's chats, as the platform says (core.channels);
    a short hello goes there once the setting is committed, and a channel that refuses it is
    reported to the moderator (posts then fall back to where things happen)."""
    notifier = call.services.notifier
    community = call.community
    assert community is not None
    if notifier is None:
        raise UserError("No platform is connected to check that channel with; nothing was changed.")
    # Asking the platform may take a while: nothing this event wrote waits for it.
    await call.checkpoint()
    if chat_id != call.chat_id and not await channels.belongs(notifier, community, chat_id):
        where = (
            "this server"
            if community.platform == Platform.DISCORD
            else "this group (or the channel linked to it)"
        )
        raise UserError(
            f"{chat_id} is not a chat of {where}. Announcements and boards can only go to "
            "this community's own chats; nothing was changed."
        )
    call.outbox.append(  # sent once the setting is committed (core.after_commit)
        Post(
            channels.target(community, chat_id),
            (reply(f"📣 Dojo will post {what} here."),),
            failed=f"⚠️ Saved, but I couldn't post in {chat_id}: check that I may write there.",
        )
    )


async def chat_xp(call: AdminCall) -> list[Reply]:
    _community(call)
    assert call.community is not None
    value = word(call, 0, "on or off", CHAT_XP_USAGE).lower()
    if value not in ("on", "off"):
        raise UserError(f"'{value[:20]}' should be on or off. Usage: {CHAT_XP_USAGE}")
    call.uow.communities.change_settings(call.community, chat_xp=value == "on")
    await audit(call, "chatxp", value)
    return [reply(f"✅ Chat XP is {value} in this community.")]


async def mod_role(call: AdminCall) -> list[Reply]:
    """The Discord role whose members are moderators here (besides Manage Server)."""
    _community(call)
    assert call.community is not None
    value = word(call, 0, "a role id or off", MOD_ROLE_USAGE)
    if value.lower() == "off":
        call.uow.communities.change_settings(call.community, mod_role=None)
        chosen = "off"
    else:
        if call.community.platform != Platform.DISCORD:
            raise UserError("A moderator role is a Discord setting; group admins moderate here.")
        if value.strip().lower().lstrip("@") in ("everyone", "here"):
            raise UserError(_EVERYONE)
        found = _ROLE.match(value)
        if found is None:
            raise UserError(f"'{value[:40]}' is not a role. Usage: {MOD_ROLE_USAGE}")
        chosen = found.group(1) or found.group(2)
        if chosen == call.community.external_id:  # Discord's @everyone role has the guild's id
            raise UserError(_EVERYONE)
        call.uow.communities.change_settings(call.community, mod_role=chosen)
    await audit(call, "modrole", chosen)
    if chosen == "off":
        return [reply("✅ No moderator role any more: members with Manage Server moderate.")]
    return [reply(f"✅ Members with role {chosen} are now Dojo moderators here.")]
