"""How a handler runs, declared once on its spec: the router and the adapters derive batching,
reruns, deferral, typing indicators and the context a handler gets from it, never from what a
handler happens to do.

Every command, action and text handler names its kind (`core.registry`); there is no default,
so a new handler cannot join a batch by accident.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    # Database work only: joins a batch of events that share one transaction (core.batching),
    # so it must not commit, wait on a model or talk to a platform. Its handler gets a
    # `core.context.QuickContext`, which offers none of that; anything for another chat goes
    # in its outbox, sent once the batch has committed.
    QUICK = "quick"
    # Text handlers only: one that calls a model only for a learner with model work open (an
    # interview answer, code after /review: `core.open_work`). The router asks that of the learner's row,
    # already loaded for the batch: without open work the event stays in its batch and the
    # handler is skipped (it would find nothing to do); with some, the event runs alone.
    MAY_CALL_MODEL = "may_call_model"
    # Commands and buttons only: may wait on a model or a platform and commit early
    # (`Context.checkpoint`): always runs alone, and adapters acknowledge it first (a deferred
    # interaction, "typing").
    SLOW = "slow"

    @property
    def joins_batch(self) -> bool:
        """Whether an event of this kind may share a batch's transaction (MAY_CALL_MODEL: only
        while its learner has no model work open, which the batch itself checks)."""
        return self is not Kind.SLOW

    @property
    def acknowledge_first(self) -> bool:
        """Whether adapters acknowledge before the answer is ready (defer, show typing)."""
        return self is Kind.SLOW
