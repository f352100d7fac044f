"""The web application: a community's leaderboard page (HTML and JSON), /healthz, the style
sheet, and a plain 404 for everything else.

    GET /board/<token>        the page (no script; works without JavaScript, on a phone)
    GET /board/<token>.json   the same data as JSON
    GET /healthz              200 "ok" when the database answers a query within 2 s, else 503
    GET /static/dojo.css      the page's only style sheet

A token is looked up by its hash (one indexed query, core.web.lookup) and a found one is
trusted for a second (KnownTokens), so an address removed by `/admin web off` or replaced by
`/admin web new` answers 404 within a second, from every process; the page's data is cached
longer (adapters.web.cache).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from dataclasses import dataclass
from importlib import resources

import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from adapters.web.cache import Cached, PageCache
from adapters.web.headers import add_security_headers
from core.context import Services
from core.web.lookup import community_of_token, database_answers
from core.web.page import PageData, compute_page, page_json

log = logging.getLogger(__name__)

HEALTH_TIMEOUT = 2.0
# Stands for the data's age in a page rendered once per cache fill; random per process, so no
# learner's name can contain it.
AGE_MARK = f"age-{secrets.token_hex(8)}"


@dataclass(frozen=True)
class Rendered:
    """A community's page rendered once from its data: the HTML with AGE_MARK where the age
    goes, and the JSON object's members after `age_seconds`. A request only splices in the age."""

    data: PageData
    html: str
    json_rest: str

    def page(self, age: int) -> str:
        return self.html.replace(AGE_MARK, str(age))

    def json(self, age: int) -> str:
        return f'{{"age_seconds": {age}, {self.json_rest}'


SERVICES: web.AppKey[Services] = web.AppKey("services", Services)
CACHE: web.AppKey[PageCache[Rendered | None]] = web.AppKey("cache", PageCache)
TEMPLATES: web.AppKey[jinja2.Environment] = web.AppKey("templates", jinja2.Environment)
STYLE: web.AppKey[bytes] = web.AppKey("style", bytes)


def templates() -> jinja2.Environment:
    """Autoescaping on for every template, whatever its name: a learner's name is rendered
    as text, never as markup."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("adapters.web", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return environment


class KnownTokens:
    """Tokens found in the database in the last `seconds`: a page request under load then
    costs no query. Only tokens that opened a page are kept (a guesser fills nothing), at
    most `capacity`; a revoked address answers 404 within `seconds` in every process."""

    def __init__(self, seconds: float = 1.0, capacity: int = 10_000) -> None:
        self.seconds = seconds
        self._capacity = capacity
        self._found: dict[str, tuple[int, float]] = {}

    async def community(self, services: Services, token: str) -> int | None:
        now = time.monotonic()
        known = self._found.get(token)
        if known is not None and now - known[1] < self.seconds:
            return known[0]
        community_id = await community_of_token(services, token)
        if community_id is None:
            self._found.pop(token, None)
        elif self.seconds > 0:
            if len(self._found) >= self._capacity:
                self._found.clear()
            self._found[token] = (community_id, now)
        return community_id


TOKENS: web.AppKey[KnownTokens] = web.AppKey("tokens", KnownTokens)


def build_web_app(
    services: Services,
    *,
    fresh_for: float = 30.0,
    stale_for: float = 60.0,
    token_seconds: float = 1.0,
) -> web.Application:
    app = web.Application(middlewares=[plain_404])
    app[SERVICES] = services
    app[TOKENS] = KnownTokens(token_seconds)
    environment = app[TEMPLATES] = templates()

    async def render(community_id: int) -> Rendered | None:
        data = await compute_page(services, community_id)
        if data is None:
            return None
        html = environment.get_template("board.html").render(
            page=data, age=AGE_MARK, fresh_for=int(fresh_for)
        )
        body = json.dumps(page_json(data), ensure_ascii=False)
        return Rendered(data, html, body[1:])

    app[CACHE] = PageCache(render, fresh_for=fresh_for, stale_for=stale_for)
    app[STYLE] = (resources.files("adapters.web") / "static" / "dojo.css").read_bytes()
    app.on_response_prepare.append(add_security_headers)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/static/dojo.css", style)
    app.router.add_get("/board/{token}", board_page)
    app.router.add_get("/", not_found)
    return app


def not_found_response(app: web.Application) -> web.Response:
    """The one 404 for a guessed, revoked or malformed address and any unknown path."""
    body = app[TEMPLATES].get_template("not_found.html").render()
    return web.Response(status=404, text=body, content_type="text/html", charset="utf-8")


async def not_found(request: web.Request) -> web.Response:
    return not_found_response(request.app)


@web.middleware
async def plain_404(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return not_found_response(request.app)


async def healthz(request: web.Request) -> web.Response:
    """For load balancers: 200 when the database answers `SELECT 1` within 2 s."""
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT):
            healthy = await database_answers(request.app[SERVICES])
    except Exception as error:  # any failure is unhealthy; the log says which
        log.warning("healthz: the database did not answer: %r", error)
        healthy = False
    if not healthy:
        return web.Response(status=503, text="database unavailable\n")
    return web.Response(text="ok\n")


async def style(request: web.Request) -> web.Response:
    response = web.Response(body=request.app[STYLE], content_type="text/css", charset="utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


async def board_page(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    as_json = token.endswith(".json")
    token = token.removesuffix(".json")
    services = request.app[SERVICES]
    community_id = await request.app[TOKENS].community(services, token)
    if community_id is None:
        return not_found_response(request.app)
    cache = request.app[CACHE]
    cached: Cached[Rendered | None] = await cache.get(community_id)
    rendered = cached.value
    if rendered is None:  # the community was deleted while its page was cached
        cache.forget(community_id)
        return not_found_response(request.app)
    age = max(0, int(time.monotonic() - cached.computed_at))
    if as_json:
        return web.Response(
            text=rendered.json(age), content_type="application/json", charset="utf-8"
        )
    return web.Response(text=rendered.page(age), content_type="text/html", charset="utf-8")
