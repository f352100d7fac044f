"""Roles for the fake Discord: a guild's roles with positions and permissions, members' roles,
and the checks Discord makes on a member role edit (Manage Roles, the bot's highest role above
the role, the role and member existing), answered with Discord's error codes."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from aiohttp import web

ADMINISTRATOR = 1 << 3
MANAGE_ROLES = 1 << 28


@dataclass(frozen=True)
class RoleEdit:
    method: str  # PUT (add) or DELETE (remove)
    guild: str
    user: str
    role: str


class GuildRoles:
    """Mixed into FakeDiscord (which provides `guilds`, `users`, `app_id`, `error`, `role`)."""

    guilds: dict[str, dict[str, Any]]
    users: dict[str, dict[str, Any]]
    app_id: str

    def _init_roles(self) -> None:
        self.member_roles: dict[tuple[str, str], list[str]] = {}
        self.role_edits: list[RoleEdit] = []
        self.edits_in_flight = 0
        self.most_edits_in_flight = 0
        self.role_edit_delay = 0.0

    # -- the world ----------------------------------------------------------------------

    def roles_of(self, guild_id: str) -> list[dict[str, Any]]:
        roles: list[dict[str, Any]] = self.guilds[guild_id]["roles"]
        return roles

    def make_role(
        self,
        guild_id: str,
        name: str,
        *,
        position: int,
        permissions: int = 0,
        managed: bool = False,
    ) -> str:
        role_id = str(self.snowflake())  # type: ignore[attr-defined]
        role = self.role(role_id, name, permissions)  # type: ignore[attr-defined]
        role.update(position=position, managed=managed)
        self.roles_of(guild_id).append(role)
        return role_id

    def delete_role(self, guild_id: str, role_id: str) -> None:
        self.guilds[guild_id]["roles"] = [r for r in self.roles_of(guild_id) if r["id"] != role_id]
        for key, held in self.member_roles.items():
            if key[0] == guild_id and role_id in held:
                held.remove(role_id)

    def join(self, guild_id: str, user_id: str, roles: tuple[str, ...] = ()) -> None:
        self.member_roles[(guild_id, user_id)] = list(roles)

    def leave(self, guild_id: str, user_id: str) -> None:
        self.member_roles.pop((guild_id, user_id), None)

    def held(self, guild_id: str, user_id: str) -> list[str]:
        return list(self.member_roles.get((guild_id, user_id), []))

    def member_join_payload(self, guild_id: str, user_id: str) -> dict[str, Any]:
        return {
            "guild_id": guild_id,
            "user": self.users[user_id],
            "roles": self.held(guild_id, user_id),
            "joined_at": "2026-12-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
        }

    # -- REST ---------------------------------------------------------------------------

    def add_role_routes(self, app: web.Application, api: str) -> None:
        app.router.add_get(api + "/guilds/{gid}/roles", self._get_roles)
        app.router.add_get(api + "/guilds/{gid}/members/{uid}", self._get_member)
        app.router.add_put(api + "/guilds/{gid}/members/{uid}/roles/{rid}", self._edit_role)
        app.router.add_delete(api + "/guilds/{gid}/members/{uid}/roles/{rid}", self._edit_role)

    async def _get_roles(self, request: web.Request) -> web.Response:
        from tests.fakes.discord_server import as_json

        guild = self.guilds.get(request.match_info["gid"])
        if guild is None:
            return self.error(404, 10004, "Unknown Guild")  # type: ignore[attr-defined,no-any-return]
        return as_json(guild["roles"])

    async def _get_member(self, request: web.Request) -> web.Response:
        from tests.fakes.discord_server import as_json

        gid, uid = request.match_info["gid"], request.match_info["uid"]
        if (gid, uid) not in self.member_roles:
            return self.error(404, 10007, "Unknown Member")  # type: ignore[attr-defined,no-any-return]
        payload = self.member_join_payload(gid, uid)
        payload.pop("guild_id")
        return as_json(payload)

    def _rank(self, role: dict[str, Any]) -> tuple[int, int]:
        return (int(role["position"]), -int(role["id"]))

    async def _edit_role(self, request: web.Request) -> web.Response:
        gid, uid, rid = (request.match_info[k] for k in ("gid", "uid", "rid"))
        fail = self.error  # type: ignore[attr-defined]
        roles = {role["id"]: role for role in self.roles_of(gid)}
        if rid not in roles:
            return fail(404, 10011, "Unknown Role")  # type: ignore[no-any-return]
        if (gid, uid) not in self.member_roles:
            return fail(404, 10007, "Unknown Member")  # type: ignore[no-any-return]
        mine = [roles[r] for r in self.held(gid, self.app_id) if r in roles] + [roles[gid]]
        permissions = 0
        for role in mine:
            permissions |= int(role["permissions"])
        top = max(self._rank(role) for role in mine)
        if not permissions & (ADMINISTRATOR | MANAGE_ROLES) or self._rank(roles[rid]) >= top:
            return fail(403, 50013, "Missing Permissions")  # type: ignore[no-any-return]
        self.edits_in_flight += 1
        self.most_edits_in_flight = max(self.most_edits_in_flight, self.edits_in_flight)
        try:
            await asyncio.sleep(self.role_edit_delay)
        finally:
            self.edits_in_flight -= 1
        held = self.member_roles[(gid, uid)]
        if request.method == "PUT" and rid not in held:
            held.append(rid)
        elif request.method == "DELETE" and rid in held:
            held.remove(rid)
        self.role_edits.append(RoleEdit(request.method, gid, uid, rid))
        await self._notify()  # type: ignore[attr-defined]
        return web.Response(status=204)
