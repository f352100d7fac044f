"""Bot API calls over aiohttp: python-telegram-bot's `BaseRequest`, without httpx.

python-telegram-bot sends through httpx by default, whose HTTP stack (httpcore, h11, anyio) is
pure Python: on the Telegram benchmark (bench/telegram_throughput.py) it was about two thirds
of the CPU an answer costs. aiohttp, which Dojo already carries for discord.py, parses HTTP in
C. Nothing else changes: python-telegram-bot still builds every request and reads every answer,
and its rate limiter, retries and errors work as before. This module only moves the bytes.
"""

from __future__ import annotations

import ssl

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool of keep-alive connections.

    Timeouts follow python-telegram-bot's meaning where aiohttp has one: `connect` covers
    waiting for a free pooled connection plus opening one, `read` the wait for each chunk of
    the answer. aiohttp has no separate write timeout; a stalled upload ends at the read
    timeout instead."""

    def __init__(
        self,
        pool_size: int = 8,
        *,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = pool_size
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # Certificates from certifi, as httpx (python-telegram-bot's default) verifies
            # them, whatever the system's own store holds.
            verified = ssl.create_default_context(cafile=certifi.where())
            connector = aiohttp.TCPConnector(limit=self._pool_size, ssl=verified)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_sum(
                _given(pool_timeout, self._pool_timeout),
                _given(connect_timeout, self._connect_timeout),
            ),
            sock_connect=_given(connect_timeout, self._connect_timeout),
            sock_read=_given(read_timeout, self._read_timeout),
        )
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error


def _given(value: ODVInput[float], default: float | None) -> float | None:
    """A per-call timeout, or this transport's own when the caller left it unset."""
    return default if isinstance(value, DefaultValue) else value


def _sum(first: float | None, second: float | None) -> float | None:
    return None if first is None or second is None else first + second


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as python-telegram-bot encodes them; multipart when files go along."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    files = request_data.multipart_data
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, upload in files.items():
        filename, content, mimetype = upload
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
