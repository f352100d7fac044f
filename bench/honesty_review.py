"""Review honesty: graded code samples through the real offline reviewer, per class.

Each sample in bench/review_samples/<class>.txt is sent as `/review` with a fenced block through
the router of a Dojo on a throwaway SQLite database (no API key, so every review is offline),
exactly as a learner would send it. One learner per class sends that class's samples a day
apart; the duplicate class sends each original first and measures only the resubmission (the
same code with its layout or comments changed). Per class it prints the mean and maximum
score, the approval rate, the review XP earned per sample and the review badges unlocked,
next to the figures the reviewer gave before this benchmark's work (recorded in
bench/review_samples/baseline.json by running this module on the earlier code).

Targets: insecure, broken and non-code (prose) samples are never approved; prose is never
scored and earns no XP; a resubmission earns no XP.
"""

from __future__ import annotations

import asyncio
import json
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.report import emit
from bot.app import Dojo, build
from bot.settings import Settings
from core.db.models import Achievement, CodeReview, PlatformAccount, UserAchievement, XpLedger
from core.messages import ChatKind, ChatRef, Incoming, Platform, UserRef
from core.parsing import parse_command
from core.ports import FixedClock

DATA = Path(__file__).parent / "review_samples"
BASELINE = DATA / "baseline.json"
CLASSES = ("clean", "buggy", "insecure", "broken", "prose", "trivial", "duplicate")
NEVER_APPROVED = ("insecure", "broken", "prose")
_HEADER = re.compile(r"^==>> (?:(original|again) )?(\S+)\n", re.M)
_REVIEW_BADGES = ("perfectionist", "review-master")


@dataclass(frozen=True)
class Sample:
    tag: str  # the fence tag, "" for none
    code: str
    measured: bool = True  # False for a duplicate's first submission


def samples(name: str) -> list[Sample]:
    """The samples of one class, in file order."""
    text = (DATA / f"{name}.txt").read_text(encoding="utf-8")
    pieces = _HEADER.split(text)[1:]
    found = []
    for role, tag, code in zip(pieces[0::3], pieces[1::3], pieces[2::3], strict=True):
        found.append(Sample("" if tag == "-" else tag, code, measured=role != "original"))
    return found


def _incoming(learner: str, text: str, number: int) -> Incoming:
    parsed = parse_command(text)
    return Incoming(
        platform=Platform.CONSOLE,
        user=UserRef(Platform.CONSOLE, learner, learner),
        chat=ChatRef(Platform.CONSOLE, learner, ChatKind.PRIVATE),
        text=text,
        command=parsed.name if parsed else None,
        args=parsed.args if parsed else (),
        body=parsed.body if parsed else "",
        event_id=f"bench-{learner}-{number}",
    )


def _user_id(learner: str) -> Any:
    """The learner's user id, as a subquery."""
    return (
        select(PlatformAccount.user_id)
        .where(PlatformAccount.platform == "console", PlatformAccount.platform_user_id == learner)
        .scalar_subquery()
    )


async def _review_xp(dojo: Dojo, learner: str) -> int:
    async with dojo.services.uow_factory() as uow:
        total = await uow.session.scalar(
            select(func.coalesce(func.sum(XpLedger.amount), 0)).where(
                XpLedger.user_id == _user_id(learner), XpLedger.source.like("code_review%")
            )
        )
        return int(total or 0)


async def _latest_review(dojo: Dojo, learner: str, after: int) -> CodeReview | None:
    async with dojo.services.uow_factory() as uow:
        return await uow.session.scalar(
            select(CodeReview)
            .where(
                CodeReview.user_id == _user_id(learner),
                CodeReview.id > after,
                CodeReview.status == "completed",
            )
            .order_by(CodeReview.id.desc())
        )


async def _badges(dojo: Dojo, learner: str) -> list[str]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.scalars(
            select(Achievement.slug)
            .join(UserAchievement, UserAchievement.achievement_id == Achievement.id)
            .where(
                UserAchievement.user_id == _user_id(learner),
                Achievement.slug.in_(_REVIEW_BADGES),
            )
        )
        return sorted(rows.all())


async def _run_class(dojo: Dojo, clock: FixedClock, name: str) -> dict[str, Any]:
    learner = f"bench-{name}"
    scores: list[int] = []
    approvals = 0
    measured = 0
    xp = 0
    last_id = 0
    for number, sample in enumerate(samples(name)):
        clock.advance(days=1)
        before = await _review_xp(dojo, learner)
        text = f"/review\n```{sample.tag}\n{sample.code}```"
        await dojo.router.handle(_incoming(learner, text, number))
        row = await _latest_review(dojo, learner, last_id)
        if row is not None:
            last_id = row.id
        if not sample.measured:
            continue
        measured += 1
        xp += await _review_xp(dojo, learner) - before
        if row is not None and row.score is not None:
            scores.append(row.score)
            approvals += bool(row.approved)
    return {
        "class": name,
        "samples": measured,
        "scored": len(scores),
        "mean_score": round(sum(scores) / len(scores), 1) if scores else None,
        "max_score": max(scores) if scores else None,
        "approval_rate": round(approvals / measured, 3) if measured else 0.0,
        "xp_per_sample": round(xp / measured, 1) if measured else 0.0,
        "badges": await _badges(dojo, learner),
    }


async def _run() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite+aiosqlite:///{directory}/bench.db"
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            DATABASE_URL=url,
            DOJO_DATA_DIR=directory,
            ANTHROPIC_API_KEY="",
        )
        clock = FixedClock(datetime(2026, 11, 23, 10, tzinfo=UTC))
        dojo = await build(settings, clock=clock)
        try:
            return [await _run_class(dojo, clock, name) for name in CLASSES]
        finally:
            await dojo.close()


def run() -> list[dict[str, Any]]:
    """One row of figures per class, from the real offline reviewer."""
    return asyncio.run(_run())


def baseline() -> dict[str, dict[str, Any]]:
    """The figures the reviewer gave before this work, by class (empty if not recorded)."""
    if not BASELINE.exists():
        return {}
    return {row["class"]: row for row in json.loads(BASELINE.read_text(encoding="utf-8"))}


def targets_met(row: dict[str, Any]) -> bool | None:
    """Whether a class meets its target; None for classes without one."""
    if row["class"] in NEVER_APPROVED and row["approval_rate"] > 0:
        return False
    if row["class"] == "prose":
        return row["scored"] == 0 and row["xp_per_sample"] == 0
    if row["class"] == "duplicate":
        return row["xp_per_sample"] == 0
    return True if row["class"] in NEVER_APPROVED else None


def _cell(value: object) -> str:
    return "-" if value is None else str(value)


def main() -> None:
    rows = run()
    before = baseline()
    print(
        "| class | n | mean (before) | max (before) | approved (before) | XP/sample (before) "
        "| review badges (before) |"
    )
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        old = before.get(row["class"], {})
        print(
            f"| {row['class']} | {row['samples']} "
            f"| {_cell(row['mean_score'])} ({_cell(old.get('mean_score'))}) "
            f"| {_cell(row['max_score'])} ({_cell(old.get('max_score'))}) "
            f"| {row['approval_rate']:.0%} ({old.get('approval_rate', 0):.0%}) "
            f"| {row['xp_per_sample']} ({_cell(old.get('xp_per_sample'))}) "
            f"| {', '.join(row['badges']) or '-'} ({', '.join(old.get('badges', [])) or '-'}) |"
        )
    for row in rows:
        met = targets_met(row)
        target = {
            "insecure": "never approved",
            "broken": "never approved",
            "prose": "never scored, approved or rewarded",
            "duplicate": "0 XP on resubmission",
        }.get(row["class"], "")
        emit(
            "honesty_review",
            f"{row['class']}: approval rate",
            row["approval_rate"],
            "share",
            target=target,
            met=met,
        )
        if row["mean_score"] is not None:
            emit("honesty_review", f"{row['class']}: mean score", row["mean_score"], "points")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
