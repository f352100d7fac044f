"""What the web server asks the core: which community a page token opens, and whether the
database answers (for /healthz). Each is one short read-only unit of work."""

from __future__ import annotations

from core.context import Services
from core.features.web.address import TOKEN_FORM
from core.features.web.store import WebPageStore


async def community_of_token(services: Services, token: str) -> int | None:
    """The community id whose page `token` opens; None for a malformed, unknown or revoked
    token (a malformed one never reaches the database)."""
    if not TOKEN_FORM.fullmatch(token):
        return None
    async with services.uow_factory() as uow:
        return await uow.repository(WebPageStore).community_for(token)


async def database_answers(services: Services) -> bool:
    async with services.uow_factory() as uow:
        return await uow.repository(WebPageStore).database_answers()
