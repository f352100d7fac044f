"""Dispatch: which registered handler an event goes to, and with which context.

The router has resolved the learner and opened the unit of work; this runs the button's,
the command's or the first answering text handler, giving a QUICK handler the narrow
`QuickContext` (core.kinds) and the others the full `Context`, and answers a `private`
command asked in a group privately.
"""

from __future__ import annotations

from typing import cast

from core.after_commit import privately
from core.context import Context, QuickContext, ServicesView
from core.db.scope import RepositoryView
from core.errors import NotAllowed, UserError
from core.kinds import Kind
from core.messages import Reply
from core.open_work import holds
from core.registry import Handler, QuickHandler, QuickTextHandler, Registry


class Dispatcher:
    def __init__(self, registry: Registry, quick_services: ServicesView) -> None:
        self.registry = registry
        self._quick_services = quick_services

    def _quick(self, context: Context) -> QuickContext:
        """The narrow context of a QUICK handler (core.kinds): the same event, learner and
        outbox, with the repositories but not the transaction, and no notifier."""
        return QuickContext(
            incoming=context.incoming,
            services=self._quick_services,
            uow=RepositoryView(context.uow),
            user=context.user,
            account=context.account,
            community=context.community,
            is_admin=context.is_admin,
            now=context.now,
            outbox=context.outbox,
        )

    async def _call(self, kind: Kind, handler: Handler, context: Context) -> list[Reply]:
        if kind is Kind.QUICK:
            return await cast(QuickHandler, handler)(self._quick(context))
        return await handler(context)

    async def run(self, context: Context) -> list[Reply]:
        """Run the handler the event goes to; an unknown command or button, or a moderator
        command asked by someone else, is refused with a `UserError`."""
        incoming = context.incoming
        if incoming.action is not None:
            if incoming.action.name in self.registry.shortcuts:
                self.registry.shortcuts[incoming.action.name][1](incoming)  # raises: not runnable
                raise UserError("That button has expired. Send /help to see what you can do.")
            entry = self.registry.actions.get(incoming.action.name)
            if entry is None:
                raise UserError("That button has expired. Send /help to see what you can do.")
            return await self._call(entry[0].kind, entry[1], context)
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
            replies = await self._call(spec.kind, handler, context)
            if spec.private and not incoming.chat.is_private:
                return [privately(item) for item in replies]
            return replies
        quick: QuickContext | None = None
        for text_spec, text_handler in self.registry.text_handlers:
            if text_spec.kind is Kind.QUICK:
                quick = quick or self._quick(context)
                answered = await cast(QuickTextHandler, text_handler)(quick)
            elif holds(context.user, text_spec.serves):
                answered = await text_handler(context)
            else:
                continue  # it acts only on its own open work, and the learner has none
            if answered is not None:
                return answered
        return []
