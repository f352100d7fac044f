"""A fake Telegram Bot API server (aiohttp on 127.0.0.1) for driving the real Application.

It serves the methods Dojo uses under `/bot<token>/<method>` and files under
`/file/bot<token>/<path>`, feeds scripted updates through long-polled getUpdates, records every
call, refuses what Telegram refuses (telegram_checks) and answers 429 with retry_after when a
sender outruns Telegram's flood limits or a test starts a 429 storm.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.telegram_checks import (
    ApiError,
    check_commands,
    check_keyboard,
    check_poll,
    check_text,
    correct_options,
)

MESSAGE_METHODS = frozenset(
    {"sendMessage", "sendPoll", "sendPhoto", "sendDocument", "editMessageText"}
)


@dataclass
class Bucket:
    """Token bucket: `capacity` at once, refilled at `rate` per second."""

    capacity: float
    rate: float
    level: float = -1.0
    stamp: float = 0.0

    def take(self, now: float) -> float:
        """0 when allowed, else seconds until a token is back."""
        if self.level < 0:
            self.level, self.stamp = self.capacity, now
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= 1:
            self.level -= 1
            return 0.0
        return (1 - self.level) / self.rate


@dataclass(frozen=True)
class FakeLimits:
    """Telegram's limits with a little slack; `time_scale` matches the adapter's."""

    overall_per_second: float = 30
    group_per_minute: float = 20
    private_per_second: float = 1
    private_burst: int = 3
    slack: int = 1
    time_scale: float = 1.0
    enabled: bool = True
    # Network delays (seconds) do not shrink with `time_scale`: a request set off on time may
    # arrive this much late, bunched with later ones, so each bucket holds that much more.
    jitter: float = 0.0


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    result: Any = None
    error: str | None = None


@dataclass
class FakeTelegram:
    token: str = "123456:TEST-TOKEN"
    bot_id: int = 999_000
    username: str = "dojo_test_bot"
    limits: FakeLimits = field(default_factory=FakeLimits)
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    admins: dict[int, set[int]] = field(default_factory=dict)
    blocked: set[int] = field(default_factory=set)
    # Broadcast channels by id, each with the discussion group linked to it (or None).
    channels: dict[int, int | None] = field(default_factory=dict)
    max_poll_wait: float = 1.0

    def __post_init__(self) -> None:
        self._queue: list[tuple[dict[str, Any], bool]] = []
        self._confirmed = 0
        self._arrived = asyncio.Event()
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(100)
        self._poll_ids = itertools.count(5000)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.answered_callbacks: set[str] = set()
        self.rate_limited = 0
        self.storm_until = 0.0
        self._buckets: dict[Any, Bucket] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.webhook: dict[str, Any] = {}
        self.delivered_at: dict[int, float] = {}

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- scripting -------------------------------------------------------------------------
    def next_update_id(self) -> int:
        return next(self._ids)

    def push(self, update: dict[str, Any], force: bool = False) -> int:
        """Queue an update for getUpdates; `force` redelivers one whose offset was confirmed."""
        if "update_id" not in update:
            update = {"update_id": self.next_update_id(), **update}
        self._queue.append((update, force))
        self._arrived.set()
        return int(update["update_id"])

    def storm(self, seconds: float) -> None:
        """Every message call gets 429 for a while, like a flood wait after a burst."""
        self.storm_until = time.monotonic() + seconds

    def sent(self, method: str | None = None, chat_id: int | None = None) -> list[Call]:
        return [
            call
            for call in self.calls
            if call.error is None
            and (method is None or call.method == method)
            and (chat_id is None or _int(call.params.get("chat_id")) == chat_id)
            and (method is not None or call.method in MESSAGE_METHODS)
        ]

    def refusals(self) -> list[Call]:
        """Calls refused for bad input (not rate limits): any is an adapter bug."""
        return [c for c in self.calls if c.error is not None and not c.error.startswith("Too")]

    # --- HTTP ------------------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            form = await request.post()
            raw = {}
            for key, value in form.items():
                raw[key] = value.file.read() if hasattr(value, "file") else value
        params: dict[str, Any] = {}
        for key, value in dict(raw).items():
            if isinstance(value, str) and value[:1] in "[{":
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        call = Call(method, params, time.monotonic())
        handler = getattr(self, f"_m_{method}", None)
        try:
            if handler is None:
                raise ApiError("Not Found", 404)
            if method in MESSAGE_METHODS:
                self._flood_check(params)
            if _int(params.get("chat_id")) in self.blocked:
                raise ApiError("Forbidden: bot was blocked by the user", 403)
            result = await handler(params)
        except ApiError as error:
            call.error = error.description
            if method != "getUpdates":
                self.calls.append(call)
            body: dict[str, Any] = {
                "ok": False,
                "error_code": error.code,
                "description": error.description,
            }
            if error.retry_after is not None:
                body["parameters"] = {"retry_after": error.retry_after}
            return web.json_response(body, status=error.code)
        call.result = result
        if method != "getUpdates":
            self.calls.append(call)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"])
        if request.match_info["token"] != self.token or data is None:
            return web.Response(status=404)
        return web.Response(body=data)

    def _flood_check(self, params: dict[str, Any]) -> None:
        now = time.monotonic()
        if now < self.storm_until:
            self._limited(math.ceil(self.storm_until - now))
        limits = self.limits
        if not limits.enabled:
            return
        scale = limits.time_scale
        chat_id = _int(params.get("chat_id")) or 0
        buckets: list[tuple[str | int, float, float]] = [
            ("all", limits.overall_per_second + limits.slack, limits.overall_per_second / scale)
        ]
        if chat_id < 0:
            rate = limits.group_per_minute / 60 / scale
            buckets.append((chat_id, limits.group_per_minute + limits.slack, rate))
        else:
            rate = limits.private_per_second / scale
            buckets.append((chat_id, limits.private_burst + limits.slack, rate))
        for key, capacity, rate in buckets:
            capacity += math.ceil(rate * limits.jitter)
            bucket = self._buckets.setdefault(key, Bucket(capacity, rate))
            wait = bucket.take(now)
            if wait:
                self._limited(max(1, math.ceil(wait)))

    def _limited(self, retry_after: int) -> None:
        self.rate_limited += 1
        raise ApiError(f"Too Many Requests: retry after {retry_after}", 429, retry_after)

    # --- objects ---------------------------------------------------------------------------
    def bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Dojo", "username": self.username}

    @staticmethod
    def chat(chat_id: int, title: str = "Study group") -> dict[str, Any]:
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": title}
        return {"id": chat_id, "type": "private", "first_name": f"user{chat_id}"}

    def _message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat_id = _int(params.get("chat_id"))
        if chat_id is None or chat_id == 0:
            raise ApiError("Bad Request: chat not found")
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user(),
            **content,
        }
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    # --- methods ---------------------------------------------------------------------------
    async def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.bot_user(), "can_join_groups": True, "can_read_all_group_messages": False}

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params.get("offset")) or 0
        self._confirmed = max(self._confirmed, offset)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        while True:
            confirmed = self._confirmed
            self._queue = [(u, f) for u, f in self._queue if f or u["update_id"] >= confirmed]
            if self._queue:
                # Redeliveries first, so the offset the client confirms next stays the highest.
                limit = _int(params.get("limit")) or 100
                ready = [u for u, f in self._queue if f] + [u for u, f in self._queue if not f]
                ready = ready[:limit]
                self.delivered_at.update((u["update_id"], time.monotonic()) for u in ready)
                self._queue = [(u, False) for u, f in self._queue if not f or u not in ready]
                return ready
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return []
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return []

    async def _m_getChat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = _int(params.get("chat_id"))
        if chat_id is None:
            raise ApiError("Bad Request: chat not found", 400)
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription"), False
        )
        full = {  # the fields a ChatFullInfo must have (Bot API 9)
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**gifts, "gifts_from_channels": False},
        }
        if chat_id in self.channels:
            linked = self.channels[chat_id]
            channel: dict[str, Any] = {"id": chat_id, "type": "channel", "title": "A channel"}
            if linked is not None:
                channel["linked_chat_id"] = linked
            return {**channel, **full}
        return {**self.chat(chat_id), **full}

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = check_text(params)
        check_keyboard(params.get("reply_markup"))
        return self._message(params, text=shown, html=params.get("text"))

    async def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        shown = check_text(params)
        check_keyboard(params.get("reply_markup"))
        key = (_int(params.get("chat_id")) or 0, _int(params.get("message_id")) or 0)
        if key not in self.messages:
            raise ApiError("Bad Request: message to edit not found")
        if self.messages[key].get("text") == shown:
            raise ApiError("Bad Request: message is not modified")
        self.messages[key].update(text=shown, html=params.get("text"))
        return self.messages[key]

    async def _m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        options = check_poll(params)
        check_keyboard(params.get("reply_markup"))
        poll = {
            "id": str(next(self._poll_ids)),
            "question": params["question"],
            "options": [
                {"text": option, "voter_count": 0, "persistent_id": f"o{index}"}
                for index, option in enumerate(options)
            ],
            "total_voter_count": 0,
            "is_closed": False,
            "is_anonymous": str(params.get("is_anonymous")).lower() != "false",
            "type": params.get("type", "regular"),
            "allows_multiple_answers": False,
            "allows_revoting": False,
            "members_only": False,
            "correct_option_ids": correct_options(params),
            "explanation": params.get("explanation"),
        }
        return self._message(params, poll=poll)

    async def _file_message(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        if not isinstance(params.get(kind), bytes | bytearray) or not params[kind]:
            raise ApiError(f"Bad Request: there is no {kind} in the request")
        caption = check_text(params, "caption", 1024) if params.get("caption") else None
        check_keyboard(params.get("reply_markup"))
        file_id = f"file{next(self._message_ids)}"
        self.files[f"{kind}/{file_id}"] = bytes(params[kind])
        described: Any = {"file_id": file_id, "file_unique_id": file_id}
        if kind == "photo":
            described = [{**described, "width": 600, "height": 600}]
        return self._message(params, caption=caption, **{kind: described})

    async def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._file_message(params, "photo")

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._file_message(params, "document")

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        path = f"documents/{file_id}"
        if path not in self.files:
            raise ApiError("Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id, "file_path": path}

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if len(str(params.get("text") or "")) > 200:
            raise ApiError("Bad Request: MESSAGE_TOO_LONG")
        if query_id in self.answered_callbacks:
            raise ApiError("Bad Request: query is too old and response timeout expired")
        self.answered_callbacks.add(query_id)
        return True

    async def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        if params.get("action") not in ("typing", "upload_photo", "upload_document"):
            raise ApiError("Bad Request: wrong parameter action in request")
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        check_commands(params.get("commands"))
        return True

    async def _m_getChatAdministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat_id = _int(params.get("chat_id")) or 0
        if chat_id > 0:
            raise ApiError("Bad Request: there are no administrators in the private chat")
        return [
            {
                "status": "creator",
                "is_anonymous": False,
                "user": {"id": uid, "is_bot": False, "first_name": f"admin{uid}"},
            }
            for uid in sorted(self.admins.get(chat_id, set()))
        ]

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
