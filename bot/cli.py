"""The `dojo` command: run, console, migrate and admin (DESIGN §3)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import sys
from pathlib import Path

from bot.settings import Settings, SettingsError, load_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dojo", description="Dojo, the interview-practice bot.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start every adapter whose token is set, or the console")
    console = commands.add_parser("console", help="chat with Dojo in the terminal")
    console.add_argument("--user", default=None, help="your name in the console (default: $USER)")
    commands.add_parser("migrate", help="upgrade the database schema to the latest revision")
    commands.add_parser("health", help="exit 0 if the database answers (container healthcheck)")
    admin = commands.add_parser("admin", help="operator commands at the shell")
    from bot.admin_cli import add_admin_commands

    add_admin_commands(admin)
    return parser


def _default_user() -> str:
    try:
        return getpass.getuser() or "learner"
    except Exception:  # no login name in some containers
        return "learner"


def _configure_logging(settings: Settings, quiet: bool) -> None:
    level = logging.WARNING if quiet else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Alembic narrates every upgrade at INFO; an operator only needs to hear about problems.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # httpx (the anthropic SDK's HTTP client) logs every request at INFO: all noise.
    logging.getLogger("httpx").setLevel(logging.WARNING)


async def _console(settings: Settings, user: str, *, web: bool = False) -> None:
    from adapters.console.chat import run_console
    from bot.app import build
    from bot.runner import serving_web

    dojo = await build(settings)
    try:
        note = (
            "AI: online."
            if dojo.services.llm is not None and dojo.services.llm.online
            else "AI: offline mode (no ANTHROPIC_API_KEY): bundled questions and static analysis."
        )
        async with serving_web(dojo) if web else contextlib.nullcontext():
            await run_console(dojo.router, user, Path(settings.data_dir) / "files", note)
    finally:
        await dojo.close()


async def _health(settings: Settings) -> int:
    from sqlalchemy import text

    from core.db.engine import create_engine

    engine = create_engine(settings.database_url)
    try:
        async with asyncio.timeout(5), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means unhealthy; say which
        print(f"dojo: unhealthy: {error}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print("ok")
    return 0


async def _run(settings: Settings) -> None:
    from bot.runner import run_platforms

    if not (settings.telegram_bot_token or settings.discord_bot_token):
        await _console(settings, _default_user(), web=True)  # DOJO_WEB_PORT serves here too
        return
    await run_platforms(settings)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"dojo: {error}", file=sys.stderr)
        return 2
    quiet = args.command == "console" or (
        args.command == "run" and not (settings.telegram_bot_token or settings.discord_bot_token)
    )
    _configure_logging(settings, quiet)
    from bot.app import StartupError

    try:
        if args.command == "migrate":
            from core.db.migrate import upgrade

            asyncio.run(upgrade(settings.database_url))
            print("Database is at the latest schema revision.")
        elif args.command == "health":
            return asyncio.run(_health(settings))
        elif args.command == "console":
            asyncio.run(_console(settings, args.user or _default_user()))
        elif args.command == "run":
            asyncio.run(_run(settings))
        elif args.command == "admin":
            from bot.admin_cli import run_admin

            return asyncio.run(run_admin(settings, args))
    except StartupError as error:
        print(f"dojo: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except (OSError, ConnectionError) as error:
        print(f"dojo: cannot reach the database at DATABASE_URL: {error}", file=sys.stderr)
        return 1
    return 0
