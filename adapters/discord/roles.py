"""Discord's side of role rewards (core.ports.RoleEditor), over discord.py's REST client.

Only HTTP is used, so `dojo admin` at the shell (no gateway) manages roles too. discord.py's
HTTP client waits out 429s per route bucket; on top of that, changes go one request at a time
(never fanned out), and a backfill (`paced`) waits `pace` seconds between members, so a sync
of a large server stays far below the role-edit limits and never starves other sends.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, cast

import discord

from core.messages import RoleChange
from core.ports import RoleCheck, RolesApplied

log = logging.getLogger(__name__)

ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28
SYNC_PACE_SECONDS = 0.25
UNKNOWN_MEMBER = 10007
UNKNOWN_ROLE = 10011
_MENTION = re.compile(r"^<@&(\d{1,20})>$")
DELETED = "the role was deleted."
OUT_OF_REACH = (
    "Discord refused to give it: I lost Manage Roles, or the role is now above my highest role."
)


class DiscordRoles:
    def __init__(self, client: discord.Client, pace: float = SYNC_PACE_SECONDS) -> None:
        self.client = client
        self.pace = pace

    def _bot_id(self) -> int:
        user = self.client.user
        if user is not None:
            return user.id
        assert self.client.application_id is not None
        return self.client.application_id

    async def check_reward_role(self, guild_id: str, text: str) -> RoleCheck:
        try:
            roles = cast(list[dict[str, Any]], await self.client.http.get_roles(int(guild_id)))
            me = await self.client.http.get_member(int(guild_id), self._bot_id())
        except (discord.NotFound, discord.Forbidden) as error:
            log.warning("cannot read roles of guild %s: %s", guild_id, error)
            return RoleCheck(problem="I can't read this server's roles; is Dojo still in it?")
        found = _pick(roles, text.strip())
        if isinstance(found, str):
            return RoleCheck(problem=found)
        name = str(found["name"])
        if str(found["id"]) == guild_id:
            return RoleCheck(problem="@everyone can't be a reward: every member has it already.")
        if found.get("managed"):
            return RoleCheck(
                problem=f"{name} is managed by an integration (a bot's or the booster role): "
                "Discord lets no one give it by hand. Make an ordinary role for the reward."
            )
        by_id = {str(role["id"]): role for role in roles}
        mine = [by_id[str(r)] for r in me.get("roles", []) if str(r) in by_id]
        mine.append(by_id.get(guild_id, {"permissions": "0", "position": 0, "name": "@everyone"}))
        permissions = 0
        for role in mine:
            permissions |= int(role.get("permissions") or 0)
        top = max(mine, key=lambda role: (int(role.get("position") or 0), int(role.get("id") or 0)))
        if not permissions & (ADMINISTRATOR | MANAGE_ROLES):
            return RoleCheck(
                problem="I need the Manage Roles permission to give roles: in Server Settings → "
                f"Roles, open my role ({top['name']}) and turn on Manage Roles, then try again."
            )
        if _rank(found) >= _rank(top):
            return RoleCheck(
                problem=f"The role {name} sits above my highest role ({top['name']}), so Discord "
                f"won't let me give it: in Server Settings → Roles, drag {top['name']} above "
                f"{name}, then try again."
            )
        return RoleCheck(role_id=str(found["id"]), name=name)

    async def change_roles(self, change: RoleChange) -> RolesApplied:
        guild, member = int(change.guild_id), int(change.member_id)
        broken: dict[str, str] = {}
        try:
            data = await self.client.http.get_member(guild, member)
        except discord.NotFound:
            return RolesApplied()  # not in the server now: the join event restores them
        held = {str(role) for role in data.get("roles", [])}
        edits = [(role, True) for role in change.wanted if role not in held]
        edits += [(role, False) for role in change.unwanted if role in held]
        for role, adding in edits:
            try:
                if adding:
                    await self.client.http.add_role(guild, member, int(role), reason="Dojo level")
                else:
                    await self.client.http.remove_role(
                        guild, member, int(role), reason="Dojo level"
                    )
            except discord.NotFound as error:
                if error.code == UNKNOWN_MEMBER:
                    break
                broken[role] = DELETED
            except discord.Forbidden:
                broken[role] = OUT_OF_REACH
        if change.paced:
            await asyncio.sleep(self.pace)
        return RolesApplied(broken)


def _rank(role: dict[str, Any]) -> tuple[int, int]:
    """Discord's role order: position, then (on a tie) the older role (smaller id) is higher."""
    return (int(role.get("position") or 0), -int(role.get("id") or 0))


def _pick(roles: list[dict[str, Any]], text: str) -> dict[str, Any] | str:
    """The role named by mention, id or name; or what to say when there is none or several."""
    mention = _MENTION.match(text)
    wanted_id = mention.group(1) if mention else (text if text.isdigit() else None)
    if wanted_id is not None:
        for role in roles:
            if str(role["id"]) == wanted_id:
                return role
        return (
            f"There is no role {wanted_id[:24]} in this server (a role of another server "
            "can't be given here). Name one of this server's roles."
        )
    name = text.lstrip("@").casefold()
    named = [role for role in roles if str(role["name"]).casefold() == name]
    if not named:
        return f"There is no role called '{text[:40]}' in this server."
    if len(named) > 1:
        ids = ", ".join(str(role["id"]) for role in named[:5])
        return f"Several roles are called '{text[:40]}' ({ids}); give the one you mean by id."
    return named[0]
