"""Which learners have model work open, as one router-owned lookup on the learner's row.

A plain message from a learner with an interview running, or a `/review` waiting for code, may
call a model, and an event that may wait on a model cannot share a batch's transaction. The
router answers "may this message need a model?" from `users.open_work`, a set of bits (one per
feature that holds such work), on the learner rows a batch has already loaded: no query per
feature and none per batch.

A feature sets its bit in the transaction that opens the work and clears it where the work
ends. A bit left set by mistake costs that learner's messages a run of their own; a bit
missing would let an answer be skipped, so opening always sets it. Bits rather than one name:
a learner may have an interview and a review open at once, and a bit is cleared in bulk with
one statement (`clear_where_none_open`).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Sequence
from enum import IntFlag
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import update

from core.db.models import User

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlalchemy.ext.asyncio import AsyncSession

    from core.context import Context
    from core.db.scope import Repositories
    from core.db.uow import UnitOfWork

# Of the learners given (by id), those with the feature's work open, from its own tables.
StillOpen = Callable[["UnitOfWork", Sequence[int]], Awaitable[set[int]]]
_Handler = TypeVar("_Handler", bound=Callable[..., Awaitable[Any]])


class OpenWork(IntFlag):
    NONE = 0
    INTERVIEW = 1  # an interview in progress: its answers go to the model
    REVIEW = 2  # a /review waiting for its code


def has_open_work(user: User) -> bool:
    return bool(user.open_work)


def holds(user: User, work: OpenWork) -> bool:
    return bool(user.open_work & work)


async def opened(uow: Repositories, user: User, work: OpenWork) -> None:
    """The learner now has `work` open: their plain messages run alone from now on."""
    uow.learners.change(user, open_work=int(user.open_work | work))


async def closed(uow: Repositories, user: User, work: OpenWork) -> None:
    """`work` ended (finished, cancelled, abandoned, expired)."""
    uow.learners.change(user, open_work=int(user.open_work & ~work))


async def clear_where_none_open(
    session: AsyncSession, work: OpenWork, still_open: Select[Any]
) -> None:
    """Clear `work` for every learner not in `still_open` (a subquery of user ids): after a
    job closed such work in bulk (idle interviews abandoned)."""
    await session.execute(
        update(User)
        .where(User.open_work.op("&")(int(work)) != 0, User.id.not_in(still_open))
        .values(open_work=User.open_work.op("&")(~int(work)))
        .execution_options(synchronize_session=False)
    )


def keeps_open_work(work: OpenWork, still_open: StillOpen) -> Callable[[_Handler], _Handler]:
    """For the handlers of a feature that holds model work (they all run alone: SLOW or
    MAY_CALL_MODEL): once the handler has done its work, the learner's `work` bit says
    whether any of it is still open, as the feature's own tables tell. One place per handler
    instead of one at every start, end, cancel or expiry, so none can be missed."""

    def wrap(handler: _Handler) -> _Handler:
        @functools.wraps(handler)
        async def settled(context: Context) -> Any:
            answer = await handler(context)
            busy = context.user.id in await still_open(context.uow, [context.user.id])
            change = opened if busy else closed
            await change(context.uow, context.user, work)
            return answer

        return cast("_Handler", settled)

    return wrap
