"""Slash commands built from the core registry: one per command, `/admin` as a group.

discord.py reads a command's options from its callback's signature, so each command gets a
small callback whose signature is generated from `adapters.discord.options`. The callbacks only
collect the values and hand them to the adapter; they decide nothing.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Optional, Protocol

import discord
from discord import app_commands

from adapters.discord import vocab
from adapters.discord.options import (
    ADMIN_COMMAND,
    ADMIN_SUBCOMMANDS,
    Option,
    Subcommand,
    options_for,
)
from core.registry import CommandSpec, Registry

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 100
MAX_OPTIONS = 25
_KINDS: dict[str, Any] = {
    "text": str,
    "user": discord.User,
    "channel": discord.TextChannel,
    "role": discord.Role,
    "file": discord.Attachment,
}


class CommandHandler(Protocol):
    async def on_command(
        self,
        interaction: discord.Interaction[Any],
        name: str,
        options: tuple[Option, ...],
        values: dict[str, Any],
        subcommand: Subcommand | None = None,
    ) -> None: ...


def _annotation(option: Option) -> Any:
    if option.kind == "integer":
        # Discord enforces the range in its client; the adapter checks again (events can lie).
        base: Any = app_commands.Range[int, option.min_value, option.max_value]
    elif option.kind == "text" and option.max_length:
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
    handler: CommandHandler, name: str, options: tuple[Option, ...], subcommand: Subcommand | None
) -> Callable[..., Coroutine[Any, Any, None]]:
    async def callback(interaction: discord.Interaction[Any], **values: Any) -> None:
        await handler.on_command(interaction, name, options, values, subcommand)

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
    completers = {o.name: _autocompleter(o.vocabulary) for o in options if o.vocabulary}
    if completers:
        app_commands.autocomplete(**completers)(callback)
    return callback


def _command(
    handler: CommandHandler,
    name: str,
    description: str,
    options: tuple[Option, ...],
    subcommand: Subcommand | None = None,
) -> app_commands.Command[Any, ..., None]:
    return app_commands.Command(
        name=subcommand.name if subcommand else name,
        description=(description or name)[:DESCRIPTION_LIMIT],
        callback=_callback(handler, name, options, subcommand),
    )


def _admin_group(handler: CommandHandler, spec: CommandSpec) -> app_commands.Group:
    group = app_commands.Group(name=ADMIN_COMMAND, description=spec.summary[:DESCRIPTION_LIMIT])
    for sub in ADMIN_SUBCOMMANDS:
        group.add_command(_command(handler, ADMIN_COMMAND, sub.description, sub.options, sub))
    return group


def add_commands(
    tree: app_commands.CommandTree[Any], registry: Registry, handler: CommandHandler
) -> int:
    """Register every core command on the tree; returns how many top-level commands there are."""
    count = 0
    for name, (spec, _) in sorted(registry.commands.items()):
        if name == ADMIN_COMMAND:
            tree.add_command(_admin_group(handler, spec))
        else:
            tree.add_command(_command(handler, name, spec.summary, options_for(name, spec.usage)))
        count += 1
    return count
