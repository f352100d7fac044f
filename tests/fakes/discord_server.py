"""A local Discord: REST API and gateway on 127.0.0.1, strict about the limits Discord enforces.

discord.py talks to it through its real HTTP and gateway code (point `discord.http.Route.BASE`
and `DiscordWebSocket.DEFAULT_GATEWAY` here with `patched_discord`). It records what the bot
sends, answers like Discord does (403/404/400 with Discord's error codes) and keeps a list of
`violations`: a response over 2000/4096 characters, a custom_id over 100, an interaction
acknowledged twice or later than 3 seconds. Tests assert that list stays empty.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import BodyPartReader, WSMsgType, web
from discord.gateway import DiscordWebSocket

from tests.fakes.discord_payloads import Payloads, check_command, check_message
from tests.fakes.discord_roles import GuildRoles

MESSAGE_CONTENT_INTENT = 1 << 15
MEMBERS_INTENT = 1 << 1
ACK_DEADLINE = 3.0


def as_json(data: Any, status: int = 200) -> web.Response:
    """Discord's exact content type: discord.py parses JSON only for `application/json`."""
    return web.Response(
        body=json.dumps(data).encode(), status=status, content_type="application/json"
    )


@dataclass
class InteractionLog:
    """What happened to one interaction the fake dispatched."""

    payload: dict[str, Any]
    sent_at: float
    acked_at: float | None = None
    ack_type: int | None = None
    done_at: float | None = None  # when the response message was complete
    original: dict[str, Any] | None = None  # the response message (after edits)
    followups: list[dict[str, Any]] = field(default_factory=list)
    modal: dict[str, Any] | None = None

    @property
    def ack_seconds(self) -> float | None:
        return None if self.acked_at is None else self.acked_at - self.sent_at

    @property
    def messages(self) -> list[dict[str, Any]]:
        return ([self.original] if self.original else []) + self.followups


class FakeDiscord(Payloads, GuildRoles):
    def __init__(
        self, *, message_content_allowed: bool = True, members_allowed: bool = True
    ) -> None:
        super().__init__()
        self._init_roles()
        self.message_content_allowed = message_content_allowed
        self.members_allowed = members_allowed
        self.violations: list[str] = []
        self.interactions: dict[str, InteractionLog] = {}
        self.channel_messages: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.sync_count = 0
        self.forbidden_channels: set[str] = set()
        self.closed_dms: set[str] = set()  # user ids whose DMs refuse messages
        self.threads: list[dict[str, Any]] = []
        self.threadless_channels: set[str] = set()  # where creating a thread is refused
        self.typing: list[str] = []
        self.identify_count = 0
        self.resume_count = 0
        self.identified_intents: int | None = None
        self.replay_everything_on_resume = False
        self._events: list[tuple[int, str, dict[str, Any]]] = []
        self._seq = itertools.count(1)
        self._socket: web.WebSocketResponse | None = None
        self._connected = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.downloads: list[str] = []  # file ids fetched from the fake's CDN path

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/attachments/{fid}/{name}", self._attachment)
        self._add_rest_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert isinstance(server, asyncio.Server) and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._socket is not None and not self._socket.closed:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def add_file(
        self, name: str, data: bytes, content_type: str, *, size: int | None = None
    ) -> str:
        """An uploaded file for a slash command's file option, served from the fake's CDN
        path; `size` claims another size than the bytes (a huge file never fetched)."""
        file_id = str(self.snowflake())
        url = f"http://127.0.0.1:{self.port}/attachments/{file_id}/{name}"
        self.uploads[file_id] = {
            "id": file_id,
            "filename": name,
            "size": len(data) if size is None else size,
            "url": url,
            "proxy_url": url,
            "content_type": content_type,
            "_data": data,
        }
        return file_id

    async def _attachment(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["fid"])
        if upload is None:
            return web.Response(status=404)
        self.downloads.append(upload["id"])
        return web.Response(body=upload["_data"], content_type=upload["content_type"])

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # -- gateway ------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for message in socket:
            if message.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(message.data)
            op, data = payload.get("op"), payload.get("d")
            if op == 1:
                await socket.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(socket, data)
            elif op == 6:
                await self._resume(socket, data)
        if self._socket is socket:
            self._socket = None
            self._connected.clear()
        return socket

    async def _identify(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identify_count += 1
        intents = int(data.get("intents", 0))
        self.identified_intents = intents
        if data.get("token") != self.token:
            await socket.close(code=4004, message=b"Authentication failed")
            return
        refused = (intents & MESSAGE_CONTENT_INTENT and not self.message_content_allowed) or (
            intents & MEMBERS_INTENT and not self.members_allowed
        )
        if refused:
            await socket.close(code=4014, message=b"Disallowed intent(s)")
            return
        self._socket = socket
        ready = self.ready_payload(self.gateway_url)
        await self._send(socket, "READY", ready, record=False)
        for guild in self.guilds.values():
            await self._send(socket, "GUILD_CREATE", guild, record=False)
        self._connected.set()

    async def _resume(self, socket: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.resume_count += 1
        if data.get("session_id") != self.session_id:
            await socket.send_str(json.dumps({"op": 9, "d": False}))
            return
        self._socket = socket
        since = 0 if self.replay_everything_on_resume else int(data.get("seq") or 0)
        for seq, name, event in list(self._events):
            if seq > since:
                await socket.send_str(json.dumps({"op": 0, "s": seq, "t": name, "d": event}))
        await self._send(socket, "RESUMED", {}, record=False)
        self._connected.set()

    async def _send(
        self, socket: web.WebSocketResponse, name: str, data: dict[str, Any], *, record: bool
    ) -> None:
        seq = next(self._seq)
        if record:
            self._events.append((seq, name, data))
        await socket.send_str(json.dumps({"op": 0, "s": seq, "t": name, "d": data}))

    async def wait_connected(self, seconds: float = 5.0) -> None:
        await asyncio.wait_for(self._connected.wait(), seconds)

    async def dispatch(self, name: str, data: dict[str, Any]) -> None:
        await self.wait_connected()
        assert self._socket is not None
        if name == "INTERACTION_CREATE":
            self.interactions[data["id"]] = InteractionLog(data, time.monotonic())
        await self._send(self._socket, name, data, record=True)

    async def ask_to_reconnect(self) -> None:
        """Gateway op 7: the client closes and RESUMEs, and the fake replays events."""
        assert self._socket is not None
        socket = self._socket
        self._connected.clear()
        await socket.send_str(json.dumps({"op": 7, "d": None}))

    # -- waiting for the bot ------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Any, seconds: float = 5.0) -> None:
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(check(), seconds)

    async def interaction_done(self, interaction_id: str, messages: int = 1) -> InteractionLog:
        """Wait until the interaction is acknowledged and has `messages` response messages."""
        log = self.interactions[interaction_id]

        def done() -> bool:
            filled = log.original is not None and not log.original.get("_loading")
            count = (1 if filled else 0) + len(log.followups)
            return log.acked_at is not None and (count >= messages or log.ack_type == 6)

        await self.wait_for(done)
        return log

    def violate(self, problem: str) -> None:
        self.violations.append(problem)

    # -- REST ---------------------------------------------------------------------------

    def _add_rest_routes(self, app: web.Application) -> None:
        api = "/api/v10"
        routes = [
            ("GET", "/users/@me", self._me),
            ("GET", "/oauth2/applications/@me", self._app_info),
            ("GET", "/gateway", self._gateway_info),
            ("GET", "/gateway/bot", self._gateway_info),
            ("PUT", "/applications/{app}/commands", self._sync_commands),
            ("PUT", "/applications/{app}/guilds/{guild}/commands", self._sync_commands),
            ("POST", "/interactions/{iid}/{token}/callback", self._callback),
            ("PATCH", "/webhooks/{app}/{token}/messages/@original", self._edit_original),
            ("GET", "/webhooks/{app}/{token}/messages/@original", self._get_original),
            ("POST", "/webhooks/{app}/{token}", self._followup),
            ("POST", "/channels/{cid}/messages", self._channel_message),
            ("PATCH", "/channels/{cid}/messages/{mid}", self._edit_channel_message),
            ("POST", "/channels/{cid}/typing", self._typing),
            ("POST", "/channels/{cid}/threads", self._create_thread),
            ("PUT", "/channels/{cid}/thread-members/{uid}", self._add_thread_member),
            ("GET", "/channels/{cid}", self._get_channel),
            ("POST", "/users/@me/channels", self._open_dm),
            ("GET", "/users/{uid}", self._get_user),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, api + path, handler)
        self.add_role_routes(app, api)

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bot {self.token}"

    @staticmethod
    def error(status: int, code: int, message: str) -> web.Response:
        return as_json({"code": code, "message": message}, status=status)

    async def _me(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return self.error(401, 0, "401: Unauthorized")
        return as_json(self.bot_user)

    async def _app_info(self, request: web.Request) -> web.Response:
        return as_json(self.app_info_payload())

    async def _gateway_info(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return as_json({"url": self.gateway_url, "shards": 1, "session_start_limit": limit})

    async def _sync_commands(self, request: web.Request) -> web.Response:
        body = await request.json()
        if len(body) > 100:
            self.violate(f"{len(body)} global commands (max 100)")
        for command in body:
            for problem in check_command(command):
                self.violate(problem)
        self.commands = [
            dict(command, id=str(self.snowflake()), application_id=self.app_id, version="1")
            for command in body
        ]
        self.sync_count += 1
        return as_json(self.commands)

    async def _read_body(self, request: web.Request) -> tuple[dict[str, Any], list[str]]:
        """JSON or multipart (payload_json + files); returns the payload and file names."""
        if request.content_type.startswith("multipart/"):
            reader = await request.multipart()
            payload: dict[str, Any] = {}
            files: list[str] = []
            while (part := await reader.next()) is not None:
                assert isinstance(part, BodyPartReader), "discord.py sends flat multipart"
                if part.name == "payload_json":
                    payload = json.loads(await part.text())
                else:
                    await part.read()  # type: ignore[union-attr]
                    files.append(part.filename or "")  # type: ignore[union-attr]
            return payload, files
        return await request.json(), []

    async def _callback(self, request: web.Request) -> web.Response:
        iid = request.match_info["iid"]
        log = self.interactions.get(iid)
        if log is None or request.match_info["token"] != log.payload["token"]:
            return self.error(404, 10062, "Unknown interaction")
        body, files = await self._read_body(request)
        now = time.monotonic()
        if log.acked_at is not None:
            self.violate(f"interaction {iid} acknowledged twice")
            return self.error(400, 40060, "Interaction has already been acknowledged.")
        if now - log.sent_at > ACK_DEADLINE:
            self.violate(f"interaction {iid} acknowledged after {now - log.sent_at:.2f}s")
            return self.error(404, 10062, "Unknown interaction")
        kind, data = body["type"], body.get("data") or {}
        problems = check_message(data) if kind in (4, 7) else []
        if problems:
            self.violations.extend(problems)
            return self.error(400, 50035, "Invalid Form Body")
        log.acked_at, log.ack_type = now, kind
        flags = int(data.get("flags") or 0)
        resource: dict[str, Any] = {"type": kind}
        if kind in (4, 5):
            message = self.message_object(log.payload["channel_id"], data, files)
            message["interaction_metadata"] = {
                "id": iid,
                "type": log.payload["type"],
                "user": self.user_of(log.payload),
            }
            if kind == 5:
                message["_loading"] = True
            else:
                log.done_at = now
            log.original = message
            resource["message"] = {k: v for k, v in message.items() if not k.startswith("_")}
        elif kind == 9:
            log.modal = data
        await self._notify()
        interaction = {
            "id": iid,
            "type": log.payload["type"],
            "response_message_id": log.original["id"] if log.original else None,
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(flags & 64),
        }
        return as_json({"interaction": interaction, "resource": resource})

    def _log_by_token(self, token: str) -> InteractionLog | None:
        return next(
            (log for log in self.interactions.values() if log.payload["token"] == token), None
        )

    async def _edit_original(self, request: web.Request) -> web.Response:
        log = self._log_by_token(request.match_info["token"])
        if log is None or log.original is None:
            return self.error(404, 10008, "Unknown Message")
        body, files = await self._read_body(request)
        problems = check_message(body)
        if problems:
            self.violations.extend(problems)
            return self.error(400, 50035, "Invalid Form Body")
        flags = log.original.get("flags", 0)
        edited = self.message_object(
            log.payload["channel_id"], body, files, message_id=log.original["id"]
        )
        edited["flags"] = flags
        log.original = edited
        log.done_at = log.done_at or time.monotonic()
        await self._notify()
        return as_json(edited)

    async def _get_original(self, request: web.Request) -> web.Response:
        log = self._log_by_token(request.match_info["token"])
        if log is None or log.original is None:
            return self.error(404, 10008, "Unknown Message")
        return as_json({k: v for k, v in log.original.items() if not k.startswith("_")})

    async def _followup(self, request: web.Request) -> web.Response:
        log = self._log_by_token(request.match_info["token"])
        if log is None or log.acked_at is None:
            return self.error(404, 10015, "Unknown Webhook")
        body, files = await self._read_body(request)
        problems = check_message(body)
        if problems:
            self.violations.extend(problems)
            return self.error(400, 50035, "Invalid Form Body")
        message = self.message_object(log.payload["channel_id"], body, files)
        log.followups.append(message)
        await self._notify()
        return as_json(message)

    async def _channel_message(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if cid in self.forbidden_channels:
            return self.error(403, 50013, "Missing Permissions")
        recipient = self.dm_recipients.get(cid)
        if recipient is not None and recipient in self.closed_dms:
            return self.error(403, 50007, "Cannot send messages to this user")
        if cid not in self.channels and recipient is None:
            return self.error(404, 10003, "Unknown Channel")
        body, files = await self._read_body(request)
        problems = check_message(body)
        if problems:
            self.violations.extend(problems)
            return self.error(400, 50035, "Invalid Form Body")
        message = self.message_object(cid, body, files)
        self.channel_messages.append(message)
        await self._notify()
        return as_json(message)

    async def _edit_channel_message(self, request: web.Request) -> web.Response:
        """An edit of a posted message: its content, embeds and components are replaced."""
        mid = request.match_info["mid"]
        found = next((m for m in self.channel_messages if m["id"] == mid), None)
        if found is None or found["channel_id"] != request.match_info["cid"]:
            return self.error(404, 10008, "Unknown Message")
        body, _ = await self._read_body(request)
        problems = check_message({**found, **body})
        if problems:
            self.violations.extend(problems)
            return self.error(400, 50035, "Invalid Form Body")
        for key in ("content", "embeds", "components"):
            if key in body:
                found[key] = (
                    body[key] if body[key] is not None else ([] if key != "content" else "")
                )
        found["edited"] = True
        await self._notify()
        return as_json(found)

    async def _typing(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if cid in self.forbidden_channels:
            return self.error(403, 50013, "Missing Permissions")
        self.typing.append(cid)
        return web.Response(status=204)

    async def _create_thread(self, request: web.Request) -> web.Response:
        cid = request.match_info["cid"]
        if cid in self.forbidden_channels | self.threadless_channels or cid not in self.channels:
            return self.error(403, 50013, "Missing Permissions")
        body = await request.json()
        thread = self.thread_payload(cid, body)
        self.threads.append(thread)
        self.channels[thread["id"]] = thread
        await self._notify()
        return as_json(thread)

    async def _add_thread_member(self, request: web.Request) -> web.Response:
        thread = self.channels.get(request.match_info["cid"])
        if thread is None:
            return self.error(404, 10003, "Unknown Channel")
        thread.setdefault("_members", []).append(request.match_info["uid"])
        return web.Response(status=204)

    async def _get_channel(self, request: web.Request) -> web.Response:
        channel = self.channels.get(request.match_info["cid"])
        if channel is None:
            return self.error(404, 10003, "Unknown Channel")
        return as_json({k: v for k, v in channel.items() if not k.startswith("_")})

    async def _open_dm(self, request: web.Request) -> web.Response:
        body = await request.json()
        return as_json(self.dm_channel(str(body["recipient_id"])))

    async def _get_user(self, request: web.Request) -> web.Response:
        user = self.users.get(request.match_info["uid"])
        if user is None:
            return self.error(404, 10013, "Unknown User")
        return as_json(user)

    # -- what tests look at -------------------------------------------------------------

    def sent_to(self, channel_id: str) -> list[dict[str, Any]]:
        return [m for m in self.channel_messages if m["channel_id"] == channel_id]


@contextmanager
def patched_discord(fake: FakeDiscord) -> Iterator[None]:
    """Point discord.py's REST base and gateway at the fake for the duration."""
    old_base = discord.http.Route.BASE
    old_gateway = DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = fake.api_base
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(fake.gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
