"""Command metadata lives on the spec: a command declared in one module reaches every platform.

A throwaway command and button, declared here and nowhere else, must appear on Discord (typed
options built and its values handed over as they are), in Telegram's menu, in /help and in
Telegram's continue-in-private flow, and the button must work on both, with no adapter change;
and no adapter file may name a command.
"""

from __future__ import annotations

import ast
import dataclasses
import types
from pathlib import Path

from bot.app import Dojo
from core import codec
from core.command_meta import Param, ParamKind, Subcommand, Venue, call_words
from core.commands import FEATURE_MODULES, build_registry
from core.context import QuickContext
from core.errors import UserError
from core.features.admin import command as admin_command
from core.features.admin import grammar
from core.kinds import Kind
from core.messages import Button, Incoming, Reply, reply
from core.parsing import parse_command
from core.registry import Registry, action, command
from core.router import Router
from core.vocabulary import VOCABULARIES
from tests.fakes.discord_harness import running_bot
from tests.fakes.telegram_harness import running_adapter, texts
from tests.support import ChatDriver

ADAPTERS = Path(__file__).resolve().parent.parent / "adapters"
# Telegram opens every deep link with "/start <payload>": the platform's word, not a choice of
# Dojo's (adapters/telegram/deeplink.py says so where it uses it).
PLATFORM_WORDS = {("telegram/deeplink.py", "start")}


SEEN: list[Incoming] = []  # what the throwaway command was handed, as the core gave it


async def _echo(context: QuickContext) -> list[Reply]:
    SEEN.append(context.incoming)
    again = Button("Again", codec.encode("ec", "x"))
    return [reply(f"echo {' '.join(context.incoming.args)}", buttons=((again,),))]


async def _again(context: QuickContext) -> list[Reply]:
    assert context.incoming.action is not None
    return [reply(f"pressed {' '.join(context.incoming.action.args)}")]


def throwaway_module() -> types.ModuleType:
    """A feature module as a contributor would write one: one file, one spec per command."""
    module = types.ModuleType("throwaway_feature")
    module.echo = command(  # type: ignore[attr-defined]
        "echo",
        "Say it back (a test command)",
        params=(
            Param("word", "Which word", required=True, choices=("one", "two")),
            Param("times", "How often", ParamKind.INTEGER, min_value=1, max_value=3),
            Param("who", "For whom", ParamKind.USER),
        ),
        takes_code=True,
        venue=Venue.FOLLOW_UP,
        kind=Kind.QUICK,
    )(_echo)
    module.again = action("ec", kind=Kind.QUICK)(_again)  # type: ignore[attr-defined]
    return module


def _with_throwaway(dojo: Dojo) -> Dojo:
    router = Router(dojo.services, build_registry((throwaway_module(),)))
    return dataclasses.replace(dojo, router=router)


# -- no adapter names a command ------------------------------------------------------------


def command_words(source: str, names: set[str]) -> list[tuple[int, str]]:
    """String literals in the source that are a command's name (`quiz`, `/quiz`, `!quiz`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            word = node.value.strip().lstrip("/!").lower()
            if word in names:
                found.append((node.lineno, word))
    return sorted(found)


def test_no_adapter_file_names_a_command_or_imports_a_feature() -> None:
    registry = build_registry()
    names = set(registry.commands) | set(registry.actions)
    offenders = []
    for path in sorted(ADAPTERS.rglob("*.py")):
        relative = path.relative_to(ADAPTERS).as_posix()
        source = path.read_text()
        for line, word in command_words(source, names):
            if (relative, word) not in PLATFORM_WORDS:
                offenders.append(f"adapters/{relative}:{line} names {word!r}")
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("core.features", "core.commands")
            ):
                offenders.append(f"adapters/{relative}:{node.lineno} imports {node.module}")
    assert offenders == []


def test_the_scan_catches_a_named_command() -> None:
    planted = 'PRIVATE = frozenset({"interview"})\nif name == "/review": pass\n'
    assert command_words(planted, {"interview", "review"}) == [(1, "interview"), (2, "review")]
    assert command_words('"""The interview flow."""\nx = "reviewer"\n', {"review"}) == []


# -- one declaration, every platform ------------------------------------------------------


async def test_a_new_command_gets_typed_discord_options_and_its_values_as_they_are(
    sqlite_dojo: Dojo,
) -> None:
    async with running_bot(_with_throwaway(sqlite_dojo)) as bot:
        echo = next(c for c in bot.fake.commands if c["name"] == "echo")
        options = {o["name"]: o for o in echo["options"]}
        assert list(options) == ["word", "times", "who", "file", "code"]
        assert options["word"]["required"] is True
        assert [c["value"] for c in options["word"]["choices"]] == ["one", "two"]
        assert (options["times"]["type"], options["times"]["max_value"]) == (4, 3)
        assert (options["who"]["type"], options["file"]["type"]) == (6, 11)
        code = "x = 1\n\ny = 2  # ```not a fence```"
        values = {"word": "two", "times": 2, "who": bot.ada, "code": code}
        SEEN.clear()
        log = await bot.slash("echo", options=values, guild_id=None)
        assert "echo two 2" in log.messages[0]["content"]
        assert SEEN[0].args == ("two", "2", f"discord:{bot.ada}")
        assert SEEN[0].body == code, "the code arrives untouched: no fence, no chat line"
        assert SEEN[0].text == ""
        pressed = await bot.click(log.messages[0], codec.encode("ec", "x"), guild_id=None)
        assert "pressed x" in pressed.messages[0]["content"]
        refused = await bot.slash("echo", options={"word": "one", "times": 9}, guild_id=None)
        assert "between 1 and 3" in refused.messages[0]["content"]
        # Discord's limits hold in its client only; the core checks the values again.
        huge = await bot.slash("echo", options={"word": "one", "code": "x" * 4001}, guild_id=None)
        assert "at most 4,000 characters" in huge.messages[0]["content"]
        assert len(SEEN) == 1, "refused values never reach the handler"


async def test_a_new_command_is_in_telegrams_menu_and_continues_in_private(
    sqlite_dojo: Dojo,
) -> None:
    dojo = _with_throwaway(sqlite_dojo)
    async with running_adapter(dojo.router) as tg:
        menu = tg.fake.sent("setMyCommands")[0].params["commands"]
        assert {"command": "echo", "description": "Say it back (a test command)"} in menu
        ada = tg.person(3001, "Ada").in_chat(-100777)
        moved = await ada.say("/echo one")
        assert "/echo is personal" in texts(moved)
        private = tg.person(3001, "Ada")
        SEEN.clear()
        answered = await private.say("/echo two\n```\nprint(1)\n```")
        assert "echo two" in texts(answered)
        assert SEEN[0].args == ("two",) and SEEN[0].body == "```\nprint(1)\n```"
        assert "pressed x" in texts(await private.press("Again"))


async def test_a_new_command_is_in_help(sqlite_dojo: Dojo) -> None:
    dojo = _with_throwaway(sqlite_dojo)
    shown = await ChatDriver(dojo.router, "ada").say("/help")
    # Its usage line is generated from the parameters it declares.
    assert "/echo one|two [times] [who], then your code · Say it back (a test command)" in shown


def test_every_autocomplete_source_and_feature_is_declared_once() -> None:
    registry = build_registry()
    sources = {
        param.autocomplete
        for spec, _ in registry.commands.values()
        for param in (*spec.params, *(p for sub in spec.subcommands for p in sub.params))
        if param.autocomplete
    }
    assert sources <= set(VOCABULARIES)
    assert len(set(FEATURE_MODULES)) == len(FEATURE_MODULES)
    again = Registry().add_modules(FEATURE_MODULES)
    assert set(again.commands) == set(registry.commands)


# -- /admin: its grammar declared once ----------------------------------------------------


def test_admin_usage_and_table_come_from_the_grammar() -> None:
    spec = build_registry().commands[grammar.ADMIN][0]
    assert spec.subcommands == grammar.SUBCOMMANDS and spec.changes_community_settings
    words = list(dict.fromkeys(sub.core_word for sub in grammar.SUBCOMMANDS))
    assert list(admin_command.SUBCOMMANDS) == words
    assert spec.usage == "/admin <" + "|".join(words) + "> ..."
    assert grammar.XP_USAGE == "/admin xp grant|revoke <learner> <amount> <reason>"
    shown = admin_command.usage().text.plain
    assert "/admin channel announce|leaderboard <channel id>|here|off" in shown
    assert "nochannel" not in shown  # a typed-options form of /admin channel, not a word


def test_typed_values_become_the_words_chat_would_give() -> None:
    channel = grammar.CHANNEL
    assert call_words(channel.params, {"purpose": "announce"}, channel) == (
        "channel",
        "announce",
        "here",
    )
    off = grammar.NO_CHANNEL
    assert call_words(off.params, {"purpose": "leaderboard"}, off) == (
        "channel",
        "leaderboard",
        "off",
    )
    xp = grammar.XP.params
    values: dict[str, str | int] = {
        "change": "grant",
        "member": "discord:7",
        "amount": 50,
        "reason": "great  answer",
    }
    assert call_words(xp, values, grammar.XP) == (
        "xp",
        "grant",
        "discord:7",
        "50",
        "great",
        "answer",
    )
    try:
        call_words(xp, {**values, "amount": 0}, grammar.XP)
    except UserError as error:
        assert "between 1 and 10000" in error.message
    else:
        raise AssertionError("an amount out of range was accepted")
    assert Subcommand("x", "y", word="z").is_alias


# -- the core parses a command once -------------------------------------------------------


def test_arguments_stop_at_the_command_line_or_a_fence() -> None:
    parsed = parse_command("/review python please\n```py\nx = 1\n```")
    assert parsed is not None
    assert parsed.args == ("python", "please") and parsed.body == "```py\nx = 1\n```"
    inline = parse_command("/review ```js\nlet a = 1\n```")
    assert inline is not None and inline.args == () and inline.body.startswith("```js")
    plain = parse_command("/quiz sql 5")
    assert plain is not None and plain.args == ("sql", "5") and plain.body == ""


async def test_review_reads_the_body_the_parser_split(ada: ChatDriver) -> None:
    await ada.say("/start backend mid UTC")
    fenced = await ada.say("/review python\n```\ndef add(a, b):\n    return a + b\n```")
    assert "Code review (python):" in fenced
    unfenced = await ada.say("/review\ndef sub(a, b):\n    return a - b")
    assert "Code review (python):" in unfenced, "a command's body is code, fenced or not"


def test_venue_is_declared_on_the_spec_not_in_an_adapter() -> None:
    commands = build_registry().commands
    assert commands["interview"][0].venue is Venue.PRIVATE_ONLY
    assert commands["review"][0].venue is Venue.FOLLOW_UP and commands["review"][0].takes_code
