"""The query counter (tests.query_counter) tells statements apart by what SQLAlchemy compiled."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update

from bot.app import Dojo
from core.db.models import Community, User
from tests.query_counter import Queries
from tests.support import ChatDriver


async def test_statements_are_counted_by_kind_and_table(dojo: Dojo, queries: Queries) -> None:
    await ChatDriver(dojo.router, "ada").say("/start backend mid UTC")
    async with dojo.services.uow_factory() as uow:
        with queries() as counted:
            await uow.session.execute(select(User.id).where(User.display_name == "ada"))
            async with uow.session.begin_nested():
                await uow.session.execute(update(User).values(xp=User.xp))
            await uow.session.execute(delete(Community).where(Community.id == -1))
            await uow.session.execute(text("SELECT 'users' AS not_a_table"))
        await uow.rollback()
    kinds = [statement.kind for statement in counted.statements]
    assert kinds == ["select", "savepoint", "update", "release", "delete", "select"], counted
    assert [s.kind for s in counted.touching("users")] == ["select", "update"], counted
    assert counted.touching("communities") == counted.of("delete"), counted
    assert counted.by_kind["select"] == 2 and counted.total == 6
    assert "not_a_table" in str(counted)  # the texts are kept for the failure message
