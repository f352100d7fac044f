"""What a handler gets: the message, the learner, an open unit of work and the services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from core.ai.gateway import AiGateway
from core.banks import QuestionBanks
from core.config import CoreConfig
from core.db.models import Community, PlatformAccount, User
from core.db.scope import Repositories
from core.db.uow import UnitOfWork, UnitOfWorkFactory
from core.db.write_gate import GateHold, WriteGate
from core.drawing import DrawingPool
from core.errors import UserError
from core.messages import Effect, Incoming, Reply
from core.ports import LLM, Clock, Notifier
from core.progress import Outcome, announcements, record_activity
from core.rules.xp import Activity

if TYPE_CHECKING:
    from core.registry import Registry


@dataclass
class Services:
    config: CoreConfig
    clock: Clock
    uow_factory: UnitOfWorkFactory
    llm: LLM | None = None
    ai: AiGateway | None = None
    registry: Registry | None = None
    # Sends to any connected platform (bot/app.py): channel checks, posts after commit.
    notifier: Notifier | None = None
    banks: QuestionBanks = field(default_factory=QuestionBanks)
    # SQLite allows one writer: events queue here in-process instead of polling a busy file.
    write_gate: WriteGate | None = None
    # Draws replies' images (rank cards) after the commit, off the event loop.
    drawing: DrawingPool = field(default_factory=DrawingPool)


class QuickServices(Protocol):
    """The services a quick handler may use: no unit of work factory (a transaction of its
    own), no notifier (a platform call inside the batch's transaction)."""

    @property
    def config(self) -> CoreConfig: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def registry(self) -> Registry | None: ...

    # Its allowance only: a model call needs a `Caller`, which a QuickContext is not.
    @property
    def ai(self) -> AiGateway | None: ...


class ServicesView:
    """`QuickServices` over the full `Services`: what a quick handler really gets."""

    __slots__ = ("_services",)

    def __init__(self, services: Services) -> None:
        self._services = services

    @property
    def config(self) -> CoreConfig:
        return self._services.config

    @property
    def clock(self) -> Clock:
        return self._services.clock

    @property
    def registry(self) -> Registry | None:
        return self._services.registry

    @property
    def ai(self) -> AiGateway | None:
        return self._services.ai


@dataclass
class QuickContext:
    """What a QUICK handler gets (core.kinds): its event shares a batch's transaction, so it
    may read and write through the repositories and ask for effects after the commit, but not
    commit, checkpoint, pass the write gate or talk to a platform. The router builds one with
    a `RepositoryView` and a `ServicesView`, so none of that is there even at run time."""

    incoming: Incoming
    services: QuickServices
    uow: Repositories
    user: User
    account: PlatformAccount
    community: Community | None
    is_admin: bool
    now: datetime
    # Effects (messages for other chats, DMs) run by the router after this event's commit.
    outbox: list[Effect] = field(default_factory=list)

    def after_commit(self, effect: Effect) -> None:
        self.outbox.append(effect)

    def own_button(self, count: int, again: str) -> tuple[str, ...]:
        """The arguments of a confirmation button bound to its learner (their id comes last):
        a button is data anyone could forge or press, so one made for someone else, or of
        the wrong shape, is refused with how to start again."""
        assert self.incoming.action is not None
        args = self.incoming.action.args
        if len(args) != count or args[-1] != str(self.user.id):
            raise UserError(f"That button isn't yours or has expired. {again}")
        return args

    @property
    def chat_key(self) -> str:
        return f"{self.incoming.chat.platform}:{self.incoming.chat.id}"

    @property
    def actor(self) -> str:
        return self.incoming.user.key

    async def record(
        self,
        activity: Activity,
        *,
        reference: str,
        score: int | None = None,
        context: tuple[str, str] | None = None,
        meta: dict[str, Any] | None = None,
        xp: int | None = None,
        reason: str | None = None,
    ) -> tuple[Outcome, list[Reply]]:
        """Record an activity for the current learner; returns the outcome and announcements.
        `reason`: what its XP is for, as core.xp_note tells the learner."""
        outcome = await record_activity(
            self.uow,
            self.user,
            activity,
            self.services.clock.now(),
            reference=reference,
            score=score,
            context=context,
            meta=meta,
            community_id=self.community.id if self.community else None,
            xp=xp,
            reason=reason,
        )
        return outcome, announcements(self.user, outcome)


@dataclass
class Context(QuickContext):
    """What a SLOW or MAY_CALL_MODEL handler gets: its event runs alone, in a transaction of
    its own, which it may commit early (`checkpoint`) before waiting on a model or a platform."""

    services: Services
    uow: UnitOfWork
    gate: GateHold | None = None

    async def checkpoint(self) -> None:
        """Commit what is written so far, so no transaction stays open across slow work.

        Also lets other events through the SQLite write gate while this one waits on the model.
        """
        await self.uow.commit()
        if self.gate is not None:
            self.gate.release()
