"""PostgreSQL: a batch claims its event ids and resolves its learners in one statement.

Every batch of events first claims their ids (core.db.repositories.EventRepository) and loads
their learners (UserRepository.preload). On PostgreSQL each statement is a round trip that
costs this process more than the server's work, so here the claim is a data-modifying CTE of
the learners' query: the ids come in as arrays (one cached statement whatever the batch size),
and the ones that were new come back as two array columns on every row. The learners are
outer-joined to a single row, so that row comes back even when no learner is known yet.
SQLite runs the two statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, String, and_, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY, insert

from core.db.models import PlatformAccount, ProcessedEvent, User, table_of

_EVENTS = table_of(ProcessedEvent)


@cache
def claim_and_resolve_statement() -> Select[Any]:
    """Parameters: platforms and event_ids (parallel arrays of the ids to claim), now, and
    user_platform with user_ids (the learners to load)."""
    given = (
        func.unnest(
            bindparam("platforms", type_=ARRAY(String)),
            bindparam("event_ids", type_=ARRAY(String)),
        )
        .table_valued("platform", "event_id")
        .render_derived(name="given")
    )
    claimed = (
        insert(_EVENTS)
        .from_select(
            ["platform", "event_id", "created_at"],
            select(
                given.c.platform,
                given.c.event_id,
                bindparam("now", type_=_EVENTS.c.created_at.type),
            ),
        )
        .on_conflict_do_nothing(index_elements=["platform", "event_id"])
        .returning(_EVENTS.c.platform, _EVENTS.c.event_id)
        .cte("claimed")
    )
    fresh_platforms = select(func.array_agg(claimed.c.platform)).scalar_subquery()
    fresh_ids = select(func.array_agg(claimed.c.event_id)).scalar_subquery()
    one = select(literal_column("1").label("one")).subquery("one")
    learners = and_(
        PlatformAccount.platform == bindparam("user_platform"),
        PlatformAccount.platform_user_id == func.any(bindparam("user_ids", type_=ARRAY(String))),
    )
    return (
        select(
            fresh_platforms.label("fresh_platforms"),
            fresh_ids.label("fresh_ids"),
            PlatformAccount,
            User,
        )
        .select_from(one)
        .outerjoin(PlatformAccount, learners)
        .outerjoin(User, User.id == PlatformAccount.user_id)
    )


def parameters(
    events: Sequence[tuple[str, str]], now: datetime, platform: str, user_ids: Sequence[str]
) -> dict[str, Any]:
    return {
        "platforms": [platform_ for platform_, _ in events],
        "event_ids": [event_id for _, event_id in events],
        "now": now,
        "user_platform": platform,
        "user_ids": list(user_ids),
    }
