"""The aiohttp transport under python-telegram-bot: uploads, downloads, timeouts and errors."""

from __future__ import annotations

import asyncio
import socket

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from adapters.telegram.app import api_urls
from adapters.telegram.transport import AiohttpRequest
from bot.app import Dojo
from core.messages import Image, Reply, reply
from tests.fakes.telegram_harness import running_adapter

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # binary, with every byte value


async def test_the_adapter_sends_through_aiohttp(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        bot = tg.adapter.application.bot
        assert isinstance(bot.request, AiohttpRequest)
        assert await tg.person(4001, "Ada").say("/help")


async def test_a_photo_upload_arrives_byte_for_byte_with_its_caption(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        chart = Reply(image=Image(PNG, "radar.png", caption="Your <scores> & more"))
        await tg.adapter.sender.send_replies(4002, [chart, reply("after the chart")])
        (photo,) = tg.fake.sent("sendPhoto", 4002)
        assert photo.params["photo"] == PNG
        assert photo.params["caption"] == "Your &lt;scores&gt; &amp; more"
        assert tg.fake.files[f"photo/{photo.result['photo'][0]['file_id']}"] == PNG
        # Order holds: the text after the chart was sent after it.
        (text,) = tg.fake.sent("sendMessage", 4002)
        assert text.at >= photo.at


async def test_a_file_download_goes_through_the_file_root(sqlite_dojo: Dojo) -> None:
    async with running_adapter(sqlite_dojo.router) as tg:
        tg.fake.files["documents/doc7"] = PNG
        bot = tg.adapter.application.bot
        telegram_file = await bot.get_file("doc7")
        assert bytes(await telegram_file.download_as_bytearray()) == PNG


async def _bot_against(url: str, request: AiohttpRequest) -> Bot:
    api, files = api_urls(url)
    return Bot("123:ABC", base_url=api, base_file_url=files, request=request)


async def test_a_stalled_server_is_a_timeout_not_a_hang() -> None:
    async def stall(_request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", stall)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    request = AiohttpRequest(1, read_timeout=0.2)
    try:
        async with request:
            bot = await _bot_against(f"http://127.0.0.1:{port}", request)
            started = asyncio.get_running_loop().time()
            with pytest.raises(TimedOut):
                await bot.send_message(1, "hello")
            assert asyncio.get_running_loop().time() - started < 2
    finally:
        await runner.cleanup()


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest(1, connect_timeout=1.0)
    async with request:
        bot = await _bot_against(f"http://127.0.0.1:{port}", request)
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(1, "hello")
        assert not isinstance(raised.value, TimedOut)
        assert "aiohttp." in str(raised.value)


async def test_a_transport_that_is_not_started_says_so() -> None:
    request = AiohttpRequest(1)
    bot = await _bot_against("http://127.0.0.1:9", request)
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.send_message(1, "hello")
    await request.initialize()
    await request.shutdown()
    await request.shutdown()  # twice is harmless
