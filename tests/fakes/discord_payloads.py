"""Discord's JSON shapes for the fake: guilds, members, interactions, messages, and limit checks.

Shapes follow Discord's API documentation closely enough for discord.py's real parsers; the
checks mirror the limits Discord rejects with 400 (DESIGN §7).
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

CONTENT_LIMIT = 2000
EMBED_DESCRIPTION_LIMIT = 4096
EMBEDS_TOTAL_LIMIT = 6000
CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
MANAGE_GUILD = 1 << 5
EVERYDAY = (1 << 10) | (1 << 11) | (1 << 31)  # view channel, send messages, use app commands
_NAME = re.compile(r"^[-_\w]{1,32}$")
_EPOCH_MS = 1420070400000


def check_message(body: dict[str, Any]) -> list[str]:
    """What Discord would reject in a message payload."""
    problems = []
    content = body.get("content") or ""
    if len(content) > CONTENT_LIMIT:
        problems.append(f"content of {len(content)} characters (max {CONTENT_LIMIT})")
    embeds = body.get("embeds") or []
    total = 0
    for embed in embeds:
        description = embed.get("description") or ""
        total += len(description) + len(embed.get("title") or "")
        if len(description) > EMBED_DESCRIPTION_LIMIT:
            problems.append(f"embed description of {len(description)} characters")
    if total > EMBEDS_TOTAL_LIMIT:
        problems.append(f"embeds total {total} characters (max {EMBEDS_TOTAL_LIMIT})")
    rows = body.get("components") or []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    for row in rows:
        buttons = row.get("components") or []
        if len(buttons) > 5:
            problems.append(f"{len(buttons)} buttons in a row (max 5)")
        for button in buttons:
            custom_id = button.get("custom_id") or ""
            if len(custom_id) > CUSTOM_ID_LIMIT:
                problems.append(f"custom_id of {len(custom_id)} characters")
            if len(button.get("label") or "") > LABEL_LIMIT:
                problems.append("button label over 80 characters")
    mentions = body.get("allowed_mentions")
    if mentions is None or mentions.get("parse"):
        problems.append(f"allowed_mentions not disabled: {mentions!r}")
    return problems


def check_command(command: dict[str, Any], depth: int = 0) -> list[str]:
    problems = []
    name = command.get("name", "")
    if not _NAME.match(name) or name != name.lower():
        problems.append(f"bad command name {name!r}")
    description = command.get("description", "")
    if not 1 <= len(description) <= 100:
        problems.append(f"{name}: description of {len(description)} characters")
    options = command.get("options") or []
    if len(options) > 25:
        problems.append(f"{name}: {len(options)} options (max 25)")
    for option in options:
        if len(option.get("choices") or []) > 25:
            problems.append(f"{name}.{option.get('name')}: over 25 choices")
        if option.get("type") in (1, 2):
            problems.extend(check_command(option, depth + 1))
        elif not 1 <= len(option.get("description", "")) <= 100 or not _NAME.match(option["name"]):
            problems.append(f"{name}.{option.get('name')}: bad option")
    return problems


class Payloads:
    """The fake's world (one bot, guilds, channels, users) and the payloads built from it."""

    commands: list[dict[str, Any]]  # the application commands the bot synced (the server's)

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.token = "test-token"
        self.session_id = "session-1"
        self.app_id = str(self.snowflake())
        self.bot_user = self.user_payload(self.app_id, "Dojo", bot=True)
        self.users: dict[str, dict[str, Any]] = {self.app_id: self.bot_user}
        self.guilds: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.dm_recipients: dict[str, str] = {}  # dm channel id -> user id
        # Files a slash command's file option names (FakeDiscord.add_file): id -> attachment
        self.uploads: dict[str, dict[str, Any]] = {}

    def snowflake(self) -> int:
        ms = int(datetime.now(UTC).timestamp() * 1000) - _EPOCH_MS
        return (ms << 22) | (next(self._ids) & 0x3FFFFF)

    @staticmethod
    def user_payload(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": user_id,
            "username": name.lower(),
            "global_name": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
        }

    def add_user(self, name: str) -> str:
        user_id = str(self.snowflake())
        self.users[user_id] = self.user_payload(user_id, name)
        return user_id

    def add_guild(self, name: str, *, channels: tuple[str, ...] = ("general",)) -> str:
        guild_id = str(self.snowflake())
        guild_channels = []
        for position, channel_name in enumerate(channels):
            channel: dict[str, Any] = {
                "id": str(self.snowflake()),
                "type": 0,
                "guild_id": guild_id,
                "name": channel_name,
                "position": position,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            }
            guild_channels.append(channel)
            self.channels[channel["id"]] = channel
        self.guilds[guild_id] = {
            "id": guild_id,
            "name": name,
            "owner_id": self.app_id,
            "icon": None,
            "features": [],
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "nsfw_level": 0,
            "preferred_locale": "en-US",
            "roles": [self.role(guild_id, "@everyone", EVERYDAY)],
            "emojis": [],
            "stickers": [],
            "channels": guild_channels,
            "threads": [],
            "members": [self.member_payload(self.app_id, (), guild_id)],
            "member_count": 1,
            "large": False,
            "unavailable": False,
            "joined_at": datetime.now(UTC).isoformat(),
        }
        return guild_id

    def role(self, role_id: str, name: str, permissions: int) -> dict[str, Any]:
        return {
            "id": role_id,
            "name": name,
            "permissions": str(permissions),
            "position": 0,
            "color": 0,
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def add_role(self, guild_id: str, name: str, permissions: int = EVERYDAY) -> str:
        role_id = str(self.snowflake())
        self.guilds[guild_id]["roles"].append(self.role(role_id, name, permissions))
        return role_id

    def channel_of(self, guild_id: str, index: int = 0) -> str:
        return str(self.guilds[guild_id]["channels"][index]["id"])

    def member_payload(
        self, user_id: str, roles: tuple[str, ...], guild_id: str, permissions: int = EVERYDAY
    ) -> dict[str, Any]:
        return {
            "user": self.users[user_id],
            "roles": list(roles),
            "joined_at": datetime.now(UTC).isoformat(),
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "nick": None,
            "permissions": str(permissions),
        }

    def ready_payload(self, gateway_url: str) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
            "session_id": self.session_id,
            "resume_gateway_url": gateway_url,
            "application": {"id": self.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
        }

    def app_info_payload(self) -> dict[str, Any]:
        return {
            "id": self.app_id,
            "name": "Dojo",
            "icon": None,
            "description": "",
            "bot_public": True,
            "bot_require_code_grant": False,
            "owner": self.user_payload(str(self.snowflake()), "Owner"),
            "verify_key": "00",
            "flags": 0,
            "team": None,
            "summary": "",
        }

    def dm_channel(self, user_id: str) -> dict[str, Any]:
        for channel_id, recipient in self.dm_recipients.items():
            if recipient == user_id:
                return {"id": channel_id, "type": 1, "recipients": [self.users[user_id]]}
        channel_id = str(self.snowflake())
        self.dm_recipients[channel_id] = user_id
        return {"id": channel_id, "type": 1, "recipients": [self.users[user_id]]}

    def thread_payload(self, parent_id: str, body: dict[str, Any]) -> dict[str, Any]:
        parent = self.channels[parent_id]
        return {
            "id": str(self.snowflake()),
            "type": int(body.get("type", 12)),
            "guild_id": parent["guild_id"],
            "parent_id": parent_id,
            "owner_id": self.app_id,
            "name": body.get("name", "thread"),
            "message_count": 0,
            "member_count": 1,
            "rate_limit_per_user": 0,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": int(body.get("auto_archive_duration", 1440)),
                "archive_timestamp": datetime.now(UTC).isoformat(),
                "locked": False,
                "invitable": bool(body.get("invitable", True)),
            },
        }

    def message_object(
        self,
        channel_id: str,
        body: dict[str, Any],
        files: list[str],
        *,
        message_id: str | None = None,
        author: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        return {
            "id": message_id or str(self.snowflake()),
            "channel_id": channel_id,
            "type": 0,
            "author": author or self.bot_user,
            "content": body.get("content") or "",
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "attachments": [
                {
                    "id": str(self.snowflake()),
                    "filename": name,
                    "size": 1,
                    "url": "http://x/y",
                    "proxy_url": "http://x/y",
                }
                for name in files
            ],
            "flags": int(body.get("flags") or 0),
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "timestamp": datetime.now(UTC).isoformat(),
            "edited_timestamp": None,
            "_allowed_mentions": body.get("allowed_mentions"),
        }

    @staticmethod
    def user_of(payload: dict[str, Any]) -> dict[str, Any]:
        return payload["member"]["user"] if "member" in payload else payload["user"]

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        user_id: str,
        guild_id: str | None,
        channel_id: str | None,
        permissions: int,
        roles: tuple[str, ...],
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "id": str(self.snowflake()),
            "application_id": self.app_id,
            "type": kind,
            "data": data,
            "token": f"token-{self.snowflake()}",
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "app_permissions": str(EVERYDAY),
            "attachment_size_limit": 8 * 1024 * 1024,
        }
        if guild_id is not None:
            channel_id = channel_id or self.channel_of(guild_id)
            payload.update(
                guild_id=guild_id,
                guild_locale="en-US",
                channel_id=channel_id,
                channel={
                    k: v for k, v in self.channels[channel_id].items() if not k.startswith("_")
                },
                member=self.member_payload(user_id, roles, guild_id, permissions),
                context=0,
                authorizing_integration_owners={"0": guild_id},
            )
        else:
            dm = self.dm_channel(user_id)
            payload.update(
                channel_id=dm["id"],
                channel=dm,
                user=self.users[user_id],
                context=1,
                authorizing_integration_owners={"1": user_id},
            )
        return payload

    def slash(
        self,
        name: str,
        user_id: str,
        *,
        guild_id: str | None = None,
        channel_id: str | None = None,
        options: dict[str, Any] | None = None,
        subcommand: str | None = None,
        permissions: int = EVERYDAY,
        roles: tuple[str, ...] = (),
        option_types: dict[str, int] | None = None,
    ) -> dict[str, Any]:
        """An APPLICATION_COMMAND interaction; option types are taken from the synced command."""
        command = next(c for c in self.commands if c["name"] == name)
        declared = command.get("options") or []
        if subcommand is not None:
            declared = next(o for o in declared if o["name"] == subcommand).get("options") or []
        types = {o["name"]: o["type"] for o in declared} | (option_types or {})
        resolved: dict[str, Any] = {}
        values = []
        for key, value in (options or {}).items():
            kind = types[key]
            values.append({"name": key, "type": kind, "value": value})
            if kind == 6:
                resolved.setdefault("users", {})[value] = self.users[value]
            elif kind == 11:
                upload = {k: v for k, v in self.uploads[value].items() if not k.startswith("_")}
                resolved.setdefault("attachments", {})[value] = upload
            elif kind == 8:
                guild_roles = self.guilds[guild_id or ""]["roles"] if guild_id else []
                found = next((r for r in guild_roles if r["id"] == value), None)
                resolved.setdefault("roles", {})[value] = found or self.role(value, "elsewhere", 0)
            elif kind == 7:
                channel = self.channels[value]
                resolved.setdefault("channels", {})[value] = {
                    "id": value,
                    "type": channel["type"],
                    "name": channel["name"],
                    "permissions": str(EVERYDAY),
                }
        if subcommand is not None:
            values = [{"name": subcommand, "type": 1, "options": values}]
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": values}
        if resolved:
            data["resolved"] = resolved
        return self._interaction(2, data, user_id, guild_id, channel_id, permissions, roles)

    def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        user_id: str,
        *,
        guild_id: str | None = None,
        permissions: int = EVERYDAY,
    ) -> dict[str, Any]:
        data = {"custom_id": custom_id, "component_type": 2}
        public = {k: v for k, v in message.items() if not k.startswith("_")}
        payload = self._interaction(3, data, user_id, guild_id, None, permissions, ())
        payload["message"] = public
        payload["channel_id"] = message["channel_id"]
        return payload

    def user_message(
        self,
        content: str,
        user_id: str,
        *,
        guild_id: str | None = None,
        channel_id: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
        bot: bool = False,
        webhook_id: str | None = None,
        roles: tuple[str, ...] = (),
    ) -> dict[str, Any]:
        author = dict(self.users[user_id], bot=bot)
        if guild_id is not None:
            channel_id = channel_id or self.channel_of(guild_id)
        else:
            channel_id = self.dm_channel(user_id)["id"]
        message = self.message_object(channel_id, {"content": content}, [], author=author)
        message.pop("_allowed_mentions")
        message["attachments"] = attachments or []
        if guild_id is not None:
            message["guild_id"] = guild_id
            member = self.member_payload(user_id, roles, guild_id)
            member.pop("user")
            member.pop("permissions")
            message["member"] = member
        if webhook_id is not None:
            message["webhook_id"] = webhook_id
        return message
