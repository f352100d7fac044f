"""The router: one entry point for every platform event.

It de-duplicates redelivered events, resolves the learner (creating them on first contact),
refuses banned learners, checks moderator commands, dispatches to the registered handler inside
one unit of work and turns failures into a clear answer instead of a crash.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from core.after_commit import announce, privately, send_outbox
from core.batching import EventBatcher
from core.community_settings import settings_of
from core.context import Context, Services
from core.db.uow import SharedTransaction, UnitOfWork
from core.db.write_gate import GateHold
from core.errors import NotAllowed, UserError
from core.jobs.delivery import notifier_of
from core.messages import (
    Incoming,
    Post,
    Reply,
    reply,
)
from core.registry import ActionSpec, CommandSpec, Handler, Registry
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
        self.batcher: EventBatcher[Incoming, list[Reply]] = EventBatcher(
            self._handle_batch,
            self._handle_alone,
            max_size=batch_size,
            runners=concurrent_batches,
            key=lambda incoming: incoming.user.key,
        )

    def is_operator(self, incoming: Incoming) -> bool:
        return incoming.user.key in self.services.config.admins

    def spec_for(self, incoming: Incoming) -> CommandSpec | ActionSpec | None:
        """The registered spec the event goes to (adapters use it to decide on deferring)."""
        if incoming.action is not None:
            action = self.registry.actions.get(incoming.action.name)
            if action and action[0].runs_command and incoming.action.args:
                command = self.registry.commands.get(incoming.action.args[0])
                return command[0] if command else action[0]
            return action[0] if action else None
        if incoming.command is not None:
            command = self.registry.commands.get(incoming.command)
            return command[0] if command else None
        return None

    async def handle(self, incoming: Incoming) -> list[Reply]:
        limit = self.services.config.max_message_chars
        if len(incoming.text) > limit:
            return [
                reply(
                    f"That message is too long ({len(incoming.text):,} characters); "
                    f"the most I accept is {limit:,}."
                )
            ]
        incoming = clean_incoming(incoming)
        try:
            return await announce(self.services, incoming, await self._handle(incoming))
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
        """Quick work joins a shared transaction; slow (LLM) commands run alone so a batch
        never waits on a model. Plain messages join too: the few that may need a model are
        handed back by the batch itself (`_needing_model`)."""
        if incoming.command is None and incoming.action is None:
            return True
        spec = self.spec_for(incoming)
        return spec is None or not spec.slow

    @staticmethod
    def _may_need_model(incoming: Incoming) -> bool:
        """A plain message to the bot: an interview answer or code for a review, perhaps."""
        return incoming.command is None and incoming.action is None and incoming.addressed

    async def _needing_model(
        self, batch: list[Incoming], uow: UnitOfWork
    ) -> tuple[list[bool], set[str]]:
        """Which events of a batch run alone after it, and which learners are known to have
        no model work open.

        Alone: the plain messages to the bot of learners with model work open (an interview,
        a review waiting for code: asked of the text handlers, one query each for the whole
        batch), and every later event of theirs, so their order holds. Their ids, claimed
        with the batch's, are released again, so they leave no trace in its transaction. Slow
        work is only opened by slow commands and actions, which never join a batch, so
        what the lookup found holds for the whole batch."""
        asking = [item.user for item in batch if self._may_need_model(item)]
        lookups = self.registry.pending_work
        if not asking or not lookups:
            return [False] * len(batch), set()
        learners = await uow.users.preload(asking)
        ids = sorted(set(learners.values()))
        busy_ids: set[int] = set()
        for lookup in lookups:
            busy_ids |= await lookup(uow, ids)
        busy = {key for key, user_id in learners.items() if user_id in busy_ids}
        alone: list[bool] = []
        started: set[str] = set()
        for item in batch:
            key = item.user.key
            if key in busy and (key in started or self._may_need_model(item)):
                started.add(key)
            alone.append(key in started)
        return alone, {ref.key for ref in asking} - busy

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
        outbox: list[Post] = []
        replies = await self._alone_transaction(unit, incoming, outbox)
        return replies + await send_outbox(notifier_of(self.services.extras), outbox)

    async def _alone_transaction(
        self, unit: UnitOfWork, incoming: Incoming, outbox: list[Post]
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
        outboxes: list[list[Post]] = [[] for _ in batch]
        results = await self._batch_transaction(batch, outboxes)
        for index, outbox in enumerate(outboxes):
            answer = results[index]
            if outbox and answer is not None:
                results[index] = answer + await send_outbox(
                    notifier_of(self.services.extras), outbox
                )
        return results

    async def _batch_transaction(
        self, batch: list[Incoming], outboxes: list[list[Post]]
    ) -> list[list[Reply] | None]:
        gate = self.services.write_gate
        async with gate.hold() if gate else nullcontext(None), self.services.uow_factory() as uow:
            uow.shared = True
            try:
                now = self.services.clock.now()
                ids = [(str(item.platform), item.event_id) for item in batch if item.event_id]
                claimed = iter(await uow.claim_and_preload(ids, [item.user for item in batch], now))
                fresh = [next(claimed) if item.event_id else None for item in batch]
                alone, idle = await self._needing_model(batch, uow)
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
                    idle_learner = incoming.user.key in idle
                    results.append(
                        await self._in_savepoint(incoming, uow, new, idle_learner, outboxes[index])
                    )
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
        no_model_work: bool,
        outbox: list[Post],
    ) -> list[Reply]:
        """One event of a batch in its own SAVEPOINT: a learner's typo or a crashing handler
        undoes that event alone, and the rest of the batch commits (its event id stays
        claimed, as it would alone, so a redelivery is not run again). Database trouble and
        handlers that must commit still send the whole batch to run alone."""
        try:
            async with uow.savepoint():
                return await self._process(incoming, uow, None, outbox, fresh, no_model_work)
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
        outbox: list[Post],
        fresh: bool | None = None,
        no_model_work: bool = False,
    ) -> list[Reply]:
        """One event's work inside a unit of work; the caller commits or rolls back.
        `fresh` is whether the event's id was already claimed as new (None: claim it here);
        `no_model_work`: the learner is known to have none open (see `_needing_model`)."""
        now = self.services.clock.now()
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
            no_model_work=no_model_work,
            outbox=outbox,
        )
        return await self._dispatch(context)

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

    async def _dispatch(self, context: Context) -> list[Reply]:
        incoming = context.incoming
        if incoming.action is not None:
            entry = self.registry.actions.get(incoming.action.name)
            if entry is None:
                raise UserError("That button has expired. Send /help to see what you can do.")
            return await entry[1](context)
        if incoming.command is not None:
            found = self.registry.commands.get(incoming.command.lower())
            if found is None:
                raise UserError(
                    f"I don't know the command /{incoming.command[:40]}. "
                    "Send /help to see what I can do."
                )
            spec, handler = found
            if spec.admin_only and not context.is_admin:
                raise NotAllowed("Only moderators can use that command.")
            replies = await self._run(handler, context)
            if spec.private and not incoming.chat.is_private:
                return [privately(item) for item in replies]
            return replies
        for text_spec, text_handler in self.registry.text_handlers:
            if context.no_model_work and text_spec.pending is not None:
                continue  # it would look for open model work and find none
            answered = await text_handler(context)
            if answered is not None:
                return answered
        return []

    @staticmethod
    async def _run(handler: Handler, context: Context) -> list[Reply]:
        return await handler(context)
