"""The router: one entry point for every platform event.

It de-duplicates redelivered events, resolves the learner (creating them on first contact),
refuses banned learners, decides from each event's kind whether it joins a batch or runs alone,
hands it to its handler inside one unit of work (core.dispatch), sends its effects after the
commit and turns failures into a clear answer instead of a crash.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from core.after_commit import announce, send_outbox
from core.batching import EventBatcher
from core.community_settings import settings_of
from core.context import Context, Services, ServicesView
from core.db.uow import SharedTransaction, UnitOfWork
from core.db.write_gate import GateHold
from core.dispatch import Dispatcher
from core.drawing import draw_replies
from core.errors import NotAllowed, UserError
from core.features.rewards.follow import role_changes
from core.kinds import Kind
from core.messages import (
    Effect,
    Incoming,
    Reply,
    reply,
)
from core.open_work import has_open_work
from core.registry import (
    ActionSpec,
    CommandSpec,
    Registry,
)
from core.sanitize import clean_incoming

log = logging.getLogger(__name__)

UNAVAILABLE = (
    "Dojo is temporarily unavailable (database unreachable). Please try again in a minute."
)
CRASHED = "Sorry, something went wrong on our side and nothing was saved. Please try again."
BANNED = "You have been banned from Dojo by its operator, so I can't help you any more."
BANNED_HERE = (
    "A moderator has banned you from Dojo in this community, so I won't answer you here. "
    "Your private chat with me still works."
)


class Router:
    def __init__(
        self,
        services: Services,
        registry: Registry,
        *,
        batch_size: int = 32,
        concurrent_batches: int = 1,
    ) -> None:
        self.services = services
        self.registry = registry
        services.registry = registry
        self.dispatcher = Dispatcher(registry, ServicesView(services))
        self.batcher: EventBatcher[Incoming, list[Reply]] = EventBatcher(
            self._handle_batch,
            self._handle_alone,
            max_size=batch_size,
            runners=concurrent_batches,
            key=lambda incoming: incoming.user.key,
        )

    def is_operator(self, incoming: Incoming) -> bool:
        return incoming.user.key in self.services.config.admins

    def resolve(self, incoming: Incoming) -> Incoming:
        """The event as its handler sees it: a button that runs a command (core.jobs.shortcuts)
        becomes that command, so it is of that command's kind for batching, deferring and
        typing. A press it may not run stays a press, refused when it is dispatched."""
        if incoming.action is None or incoming.action.name not in self.registry.shortcuts:
            return incoming
        try:
            command = self.registry.shortcuts[incoming.action.name][1](incoming)
        except UserError:
            return incoming
        found = self.registry.commands.get(command.command or "")
        if found is None or found[0].admin_only:
            return incoming
        return command

    def spec_for(self, incoming: Incoming) -> CommandSpec | ActionSpec | None:
        """The registered spec the event goes to (adapters read `personal` from it)."""
        incoming = self.resolve(incoming)
        if incoming.action is not None:
            action = self.registry.actions.get(incoming.action.name)
            return action[0] if action else None
        if incoming.command is not None:
            command = self.registry.commands.get(incoming.command.lower())
            return command[0] if command else None
        return None

    def kind_of(self, incoming: Incoming) -> Kind:
        """How the event runs (core.kinds): adapters acknowledge SLOW ones first. A plain
        message to the bot may call a model (an interview answer); one that is not, or an
        unknown command or button (refused at once), is quick."""
        spec = self.spec_for(incoming)
        if spec is not None:
            return spec.kind
        if incoming.command is None and incoming.action is None and incoming.addressed:
            return Kind.MAY_CALL_MODEL
        return Kind.QUICK

    async def handle(self, incoming: Incoming) -> list[Reply]:
        limit = self.services.config.max_message_chars
        if len(incoming.text) > limit:
            return [
                reply(
                    f"That message is too long ({len(incoming.text):,} characters); "
                    f"the most I accept is {limit:,}."
                )
            ]
        incoming = self.resolve(clean_incoming(incoming))
        try:
            replies = await draw_replies(self.services.drawing, await self._handle(incoming))
            return await announce(self.services, incoming, replies)
        except (OperationalError, PoolTimeoutError, ConnectionError, OSError) as error:
            log.warning("database unavailable: %s", error)
            return [reply(UNAVAILABLE)]
        except DBAPIError as error:
            if error.connection_invalidated:
                log.warning("database connection lost: %s", error)
                return [reply(UNAVAILABLE)]
            log.exception("database error while handling %s", incoming.command or "message")
            return [reply(CRASHED)]

    def _batchable(self, incoming: Incoming) -> bool:
        """QUICK and MAY_CALL_MODEL events join a shared transaction; SLOW ones run alone, so
        a batch never waits on a model. Of the plain messages, those that may need a model
        are handed back by the batch itself (`_needing_model`)."""
        return self.kind_of(incoming).joins_batch

    @staticmethod
    def _may_need_model(incoming: Incoming) -> bool:
        """A plain message to the bot: an interview answer or code for a review, perhaps."""
        return incoming.command is None and incoming.action is None and incoming.addressed

    async def _needing_model(self, batch: list[Incoming], uow: UnitOfWork) -> list[bool]:
        """Which events of a batch run alone after it: the plain messages to the bot of
        learners with model work open (`users.open_work`, core.open_work: read from the rows
        the batch has loaded already), and every later event of theirs, so their order holds.
        Their ids, claimed with the batch's, are released again, so they leave no trace in
        its transaction. Model work is only opened by SLOW commands and actions and by
        MAY_CALL_MODEL handlers running alone, never inside a batch, so what the rows say
        holds for the whole batch."""
        asking = [item.user for item in batch if self._may_need_model(item)]
        if not asking:
            return [False] * len(batch)
        learners = await uow.users.preload(asking)
        busy: set[str] = set()
        for key, user_id in learners.items():
            user = await uow.users.get(user_id)  # loaded: no query
            if user is not None and has_open_work(user):
                busy.add(key)
        alone: list[bool] = []
        started: set[str] = set()
        for item in batch:
            key = item.user.key
            if key in busy and (key in started or self._may_need_model(item)):
                started.add(key)
            alone.append(key in started)
        return alone

    async def _handle(self, incoming: Incoming) -> list[Reply]:
        if self._batchable(incoming):
            return await self.batcher.submit(incoming)
        return await self._handle_alone(incoming)

    async def _handle_alone(self, incoming: Incoming) -> list[Reply]:
        """One event in its own transaction.

        Only connections idle for a while are pinged before use (core.db.engine), so one
        that PostgreSQL dropped moments ago (a restart under load) fails its first statement.
        SQLAlchemy then renews the whole pool, and provided nothing of the event was
        committed, it runs once more on a fresh connection. (A batch that meets a dead
        connection reruns its events alone, so they land here.)"""
        uow = self.services.uow_factory()
        try:
            return await self._alone_in(uow, incoming)
        except DBAPIError as error:
            if not error.connection_invalidated or uow.commits:
                raise
            log.info("stale database connection, running the event again: %s", error)
            return await self._alone_in(self.services.uow_factory(), incoming)

    async def _alone_in(self, unit: UnitOfWork, incoming: Incoming) -> list[Reply]:
        outbox: list[Effect] = []
        replies = await self._alone_transaction(unit, incoming, outbox)
        return replies + await send_outbox(
            self.services.notifier, outbox, self.services.uow_factory
        )

    async def _alone_transaction(
        self, unit: UnitOfWork, incoming: Incoming, outbox: list[Effect]
    ) -> list[Reply]:
        gate = self.services.write_gate
        async with gate.hold() if gate else nullcontext(None) as hold, unit as uow:
            try:
                replies = await self._process(incoming, uow, hold, outbox)
                await uow.commit()
                return replies
            except UserError as error:
                outbox.clear()
                await uow.rollback()
                if isinstance(error, NotAllowed):
                    await self._audit_refusal(incoming, uow, error)
                return [reply(error.message)]
            except (OperationalError, DBAPIError, PoolTimeoutError, ConnectionError, OSError):
                outbox.clear()
                raise
            except Exception:
                outbox.clear()
                log.exception("handler failed for %r", incoming.command or incoming.action)
                await uow.rollback()
                return [reply(CRASHED)]

    async def _handle_batch(self, batch: list[Incoming]) -> list[list[Reply] | None]:
        """Run a batch in one transaction, each event in its own savepoint; if the batch
        itself fails (the database, a handler that must commit), every event reruns alone.
        Each event's outbox is sent once the batch has committed, and only then.

        What every event needs first (claiming its id, resolving its learner and community)
        is done for the whole batch at once: on PostgreSQL the ids and learners in one
        statement (core.db.claim_pg)."""
        outboxes: list[list[Effect]] = [[] for _ in batch]
        results = await self._batch_transaction(batch, outboxes)
        for index, outbox in enumerate(outboxes):
            answer = results[index]
            if outbox and answer is not None:
                results[index] = answer + await send_outbox(
                    self.services.notifier, outbox, self.services.uow_factory
                )
        return results

    async def _batch_transaction(
        self, batch: list[Incoming], outboxes: list[list[Effect]]
    ) -> list[list[Reply] | None]:
        gate = self.services.write_gate
        async with gate.hold() if gate else nullcontext(None), self.services.uow_factory() as uow:
            uow.shared = True
            try:
                now = self.services.clock.now()
                ids = [(str(item.platform), item.event_id) for item in batch if item.event_id]
                claimed = iter(await uow.claim_and_preload(ids, [item.user for item in batch], now))
                fresh = [next(claimed) if item.event_id else None for item in batch]
                alone = await self._needing_model(batch, uow)
                if any(alone):  # handed back: their ids are theirs to claim when they run
                    await uow.events.release(
                        [
                            (str(item.platform), item.event_id)
                            for item, later, new in zip(batch, alone, fresh, strict=True)
                            if later and new and item.event_id
                        ]
                    )
                if len(batch) > 1:
                    await uow.communities.ensure_all(
                        [item.community for item in batch if item.community], now
                    )
                results: list[list[Reply] | None] = []
                for index, (incoming, later, new) in enumerate(
                    zip(batch, alone, fresh, strict=True)
                ):
                    if later:
                        results.append(None)  # runs alone once the batch is committed
                        continue
                    results.append(await self._in_savepoint(incoming, uow, new, outboxes[index]))
                uow.shared = False
                await uow.commit()
                return results
            except Exception as error:  # rolled back on the way out; each reruns alone
                log.debug("batch of %d events reruns alone: %r", len(batch), error)
                for outbox in outboxes:
                    outbox.clear()
                return [None] * len(batch)

    async def _in_savepoint(
        self,
        incoming: Incoming,
        uow: UnitOfWork,
        fresh: bool | None,
        outbox: list[Effect],
    ) -> list[Reply]:
        """One event of a batch in its own SAVEPOINT: a learner's typo or a crashing handler
        undoes that event alone, and the rest of the batch commits (its event id stays
        claimed, as it would alone, so a redelivery is not run again). Database trouble and
        handlers that must commit still send the whole batch to run alone."""
        try:
            async with uow.savepoint():
                return await self._process(incoming, uow, None, outbox, fresh)
        except UserError as error:
            outbox.clear()  # what the event asked to send was undone with it
            if isinstance(error, NotAllowed):
                await self._audit_refusal(incoming, uow, error, commit=False)
            return [reply(error.message)]
        except (SharedTransaction, DBAPIError, PoolTimeoutError, ConnectionError, OSError):
            raise  # the batch's trouble: every event reruns alone (their outboxes dropped)
        except Exception:
            outbox.clear()
            log.exception("handler failed for %r", incoming.command or incoming.action)
            return [reply(CRASHED)]

    async def _process(
        self,
        incoming: Incoming,
        uow: UnitOfWork,
        gate: GateHold | None,
        outbox: list[Effect],
        fresh: bool | None = None,
    ) -> list[Reply]:
        """One event's work inside a unit of work; the caller commits or rolls back.
        `fresh` is whether the event's id was already claimed as new (None: claim it here)."""
        now = self.services.clock.now()
        uow.moves.clear()  # what an earlier event of a batch left, had it failed
        if fresh is None and incoming.event_id:
            fresh = await uow.events.claim(incoming.platform, incoming.event_id, now)
        if fresh is False:
            log.info("ignoring redelivered event %s", incoming.event_id)
            return []
        user, account = await uow.users.ensure(incoming.user, now)
        if incoming.chat.is_private and account.private_chat_id != incoming.chat.id:
            account.private_chat_id = incoming.chat.id
        if user.banned:
            first_notice = not user.banned_notified
            user.banned_notified = True
            return [reply(BANNED)] if first_notice else []
        community = None
        is_admin = incoming.is_admin or self.is_operator(incoming)
        if incoming.community is not None:
            community = await uow.communities.ensure(incoming.community, now)
            await uow.communities.add_member(community.id, user.id, now)
            # Only communities that ever banned someone pay for the lookup (CommunitySettings).
            banning = not is_admin and settings_of(community.settings).has_bans
            ban = await uow.standing.ban_of(community.id, user.id) if banning else None
            if ban is not None:  # a community's ban holds in that community alone
                first_notice = not ban.notified
                ban.notified = True
                return [reply(BANNED_HERE)] if first_notice else []
        context = Context(
            incoming=incoming,
            services=self.services,
            uow=uow,
            user=user,
            account=account,
            community=community,
            is_admin=is_admin,
            now=now,
            gate=gate,
            outbox=outbox,
        )
        replies = await self.dispatcher.run(context)
        # Levels this event moved change reward roles, after its commit (core.features.rewards).
        outbox.extend(await role_changes(uow, uow.moves.take()))
        return replies

    async def _audit_refusal(
        self, incoming: Incoming, uow: UnitOfWork, error: NotAllowed, *, commit: bool = True
    ) -> None:
        now = self.services.clock.now()
        # The rollback expired the community row, or undid it on a group's first contact.
        community = (
            await uow.communities.ensure(incoming.community, now) if incoming.community else None
        )
        await uow.audit.record(
            incoming.user.key,
            f"refused:{incoming.command or 'action'}",
            now,
            target=" ".join(incoming.args)[:200] or None,
            reason=error.message,
            community_id=community.id if community else None,
            allowed=False,
        )
        if commit:
            await uow.commit()
