"""`dojo admin ...`: operator commands at the shell.

The moderator subcommands are the chat's `/admin` ones, run through the same core code as an
operator (audited as `shell:<login>`); community settings name the community with
`--community platform:id`, and `pack import FILE` adds a question pack from a file. `run-job`
runs a scheduled job once, as if the clock read `--at`, sending through the adapters whose
tokens are set, without the bot running.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.settings import Settings
from core.features.admin.command import SUBCOMMANDS
from core.messages import MAX_ATTACHMENT_BYTES, Attachment

MIRRORED = tuple(SUBCOMMANDS)


def add_admin_commands(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="admin_command", required=True)
    job = actions.add_parser("run-job", help="run a scheduled job once (e.g. weekly_leaderboard)")
    job.add_argument("name", help="a job from `dojo admin jobs`, e.g. monthly_leaderboard")
    job.add_argument("--at", default=None, help="act as if the clock read this ISO 8601 time")
    job.add_argument("--dry-run", action="store_true", help="print the messages instead")
    actions.add_parser("jobs", help="list the scheduled jobs")
    for name in MIRRORED:
        mirrored = actions.add_parser(name, help=f"/admin {name} at the shell")
        mirrored.add_argument("words", nargs=argparse.REMAINDER)


def _operator() -> str:
    try:
        return f"shell:{getpass.getuser() or 'operator'}"
    except Exception:  # no login name in some containers
        return "shell:operator"


def _pop_option(words: list[str], option: str) -> str | None:
    for index, item in enumerate(words):
        if item == option and index + 1 < len(words):
            value = words[index + 1]
            del words[index : index + 2]
            return value
        if item.startswith(option + "="):
            del words[index]
            return item.split("=", 1)[1]
    return None


def parse_at(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"--at {text!r} is not a time: use ISO 8601, e.g. 2026-11-30T09:05:00+00:00"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


async def run_admin(settings: Settings, args: argparse.Namespace) -> int:
    if args.admin_command == "jobs":
        from bot.scheduler import SCHEDULES

        for schedule in SCHEDULES:
            cron = " ".join(f"{key}={value}" for key, value in schedule.cron.items())
            print(f"{schedule.job:<20} every tick at {cron} (UTC)")
        return 0
    if args.admin_command == "run-job":
        return await _run_job(settings, args)
    return await _mirrored(settings, args.admin_command, list(args.words))


async def _run_job(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import build
    from bot.notifiers import standalone_notifiers
    from bot.scheduler import run_job
    from core.jobs.catalogue import job_named
    from core.ports import FixedClock, SystemClock

    try:
        job_named(args.name)
        at = parse_at(args.at)
    except (KeyError, ValueError) as error:
        print(f"dojo: {error.args[0] if error.args else error}", file=sys.stderr)
        return 2
    dojo = await build(settings, clock=FixedClock(at) if at else SystemClock())
    try:
        async with standalone_notifiers(dojo, dry_run=args.dry_run) as notifier:
            dojo.notifiers.update(notifier.notifiers)
            report = await run_job(dojo, args.name, notifier, at)
        print(report.summary())
    finally:
        await dojo.close()
    return 0


def _pack_import(name: str, words: list[str]) -> tuple[list[str], tuple[Attachment, ...]]:
    """`pack import FILE [--name NAME]` is `/admin pack add NAME` with FILE attached; the name
    defaults to the file's (python-basics.yaml: python-basics). The file is read no further
    than one byte past the pack limit, so a huge file is refused by its size."""
    if name != "pack" or not words or words[0].lower() != "import":
        return words, ()
    given = _pop_option(words, "--name")
    if len(words) != 2:
        raise ValueError("usage: dojo admin pack import FILE --community platform:id [--name NAME]")
    path = Path(words[1])
    try:
        with path.open("rb") as file:
            data = file.read(MAX_ATTACHMENT_BYTES + 1)
        size = path.stat().st_size
    except OSError as error:
        raise ValueError(f"can't read {path}: {error.strerror or error}") from None
    attachment = (
        Attachment(path.name, data)
        if size <= MAX_ATTACHMENT_BYTES
        else Attachment(path.name, b"", skipped_size=size)
    )
    return ["add", given or path.stem.lower()], (attachment,)


async def _mirrored(settings: Settings, name: str, words: list[str]) -> int:
    from adapters.console.render import render_reply
    from bot.app import build
    from bot.notifiers import standalone_notifiers
    from core.after_commit import send_outbox
    from core.errors import UserError
    from core.features.admin.command import run_admin as run_subcommand
    from core.features.admin.common import AdminCall

    community_ref = _pop_option(words, "--community")
    try:
        words, attachments = _pack_import(name, words)
    except ValueError as error:
        print(f"dojo: {error}", file=sys.stderr)
        return 1
    dojo = await build(settings)
    try:
        async with standalone_notifiers(dojo, dry_run=name != "channel") as notifier:
            dojo.notifiers.update(notifier.notifiers)
            async with dojo.services.uow_factory() as uow:
                community = None
                if community_ref:
                    platform, _, external = community_ref.partition(":")
                    community = await uow.communities.by_ref(platform, external)
                    if community is None:
                        print(f"dojo: no community {community_ref!r}", file=sys.stderr)
                        return 1
                call = AdminCall(
                    uow=uow,
                    services=dojo.services,
                    actor=_operator(),
                    now=dojo.services.clock.now(),
                    community=community,
                    args=tuple(words),
                    operator=True,
                    attachments=attachments,
                )
                try:
                    replies = await run_subcommand(call, name)
                except UserError as error:
                    print(f"dojo: {error.message}", file=sys.stderr)
                    return 1
                await uow.commit()
            # What the subcommand asked to send (the channel's hello), now it is committed.
            replies += await send_outbox(notifier, call.outbox, dojo.services.uow_factory)
        for item in replies:
            print(render_reply(item))
    finally:
        await dojo.close()
    return 0
