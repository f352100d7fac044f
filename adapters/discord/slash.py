"""Slash commands built from the core registry: one per command, and a group of subcommands
for a command that declares them.

discord.py reads a command's options from its callback's signature, so each command gets a
small callback whose signature is generated from the spec's parameters
(`adapters.discord.options`). The callbacks only collect the values and hand them to the
adapter; they decide nothing.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Optional, Protocol

import discord
from discord import app_commands

from adapters.discord.options import options_for
from core import vocabulary as vocab
from core.command_meta import Param, ParamKind, Subcommand
from core.registry import CommandSpec, Registry

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
MAX_OPTIONS = 25
_KINDS: dict[ParamKind, Any] = {
    ParamKind.TEXT: str,
    ParamKind.USER: discord.User,
    ParamKind.CHANNEL: discord.TextChannel,
    ParamKind.ROLE: discord.Role,
    ParamKind.FILE: discord.Attachment,
}


class CommandHandler(Protocol):
    async def on_command(
        self,
        interaction: discord.Interaction[Any],
        spec: CommandSpec,
        options: tuple[Param, ...],
        values: dict[str, Any],
        subcommand: Subcommand | None = None,
    ) -> None: ...


def _annotation(option: Param) -> Any:
    if option.kind is ParamKind.INTEGER:
        # Discord enforces the range in its client; the adapter checks again (events can lie).
        base: Any = app_commands.Range[int, option.min_value, option.max_value]
    elif option.kind is ParamKind.TEXT and option.max_length:
        base = app_commands.Range[str, 1, option.max_length]
    else:
        base = _KINDS[option.kind]
    return base if option.required else Optional[base]  # noqa: UP045 (discord.py reads it)


def _autocompleter(
    vocabulary: str,
) -> Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]:
    async def complete(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=word, value=word)
            for word in vocab.suggest(vocabulary, current)
        ]

    return complete


def _callback(
    handler: CommandHandler,
    spec: CommandSpec,
    options: tuple[Param, ...],
    subcommand: Subcommand | None,
) -> Callable[..., Coroutine[Any, Any, None]]:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await handler.on_command(interaction, spec, options, values, subcommand)

    kind = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter(
            "interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=discord.Interaction
        )
    ]
    for option in options[:MAX_OPTIONS]:
        default = inspect.Parameter.empty if option.required else None
        parameters.append(
            inspect.Parameter(option.name, kind, annotation=_annotation(option), default=default)
        )
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    app_commands.describe(**{o.name: o.description[:DESCRIPTION_LIMIT] for o in options})(callback)
    choices = {
        o.name: [app_commands.Choice(name=c, value=c) for c in o.choices]
        for o in options
        if o.choices
    }
    if choices:
        app_commands.choices(**choices)(callback)
    completers = {o.name: _autocompleter(o.autocomplete) for o in options if o.autocomplete}
    if completers:
        app_commands.autocomplete(**completers)(callback)
    return callback


def _command(
    handler: CommandHandler,
    spec: CommandSpec,
    description: str,
    options: tuple[Param, ...],
    subcommand: Subcommand | None = None,
) -> app_commands.Command[Any, ..., None]:
    return app_commands.Command(
        name=subcommand.name if subcommand else spec.name,
        description=(description or spec.name)[:DESCRIPTION_LIMIT],
        callback=_callback(handler, spec, options, subcommand),
    )


def _group(handler: CommandHandler, spec: CommandSpec) -> app_commands.Group:
    group = app_commands.Group(name=spec.name, description=spec.summary[:DESCRIPTION_LIMIT])
    for sub in spec.subcommands:
        group.add_command(_command(handler, spec, sub.summary, sub.params, sub))
    return group


def add_commands(
    tree: app_commands.CommandTree[Any], registry: Registry, handler: CommandHandler
) -> int:
    """Register every core command on the tree; returns how many top-level commands there are."""
    count = 0
    for _, (spec, _) in sorted(registry.commands.items()):
        if spec.subcommands:
            tree.add_command(_group(handler, spec))
        else:
            tree.add_command(_command(handler, spec, spec.summary, options_for(spec)))
        count += 1
    return count
