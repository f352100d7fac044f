"""`/report`: skill averages as a radar chart, practice so far, and what to work on next."""

from __future__ import annotations

import asyncio

from core.context import Context
from core.features.report.chart import COVERAGE_TITLE, SKILLS_TITLE, Series, report_png
from core.features.report.data import (
    SKILLS,
    Coverage,
    Practice,
    SkillAverages,
    coverage,
    practice,
    skill_averages,
)
from core.kinds import Kind
from core.messages import Image, Reply, reply
from core.registry import command
from core.rules.levels import title_for
from core.rules.streaks import local_date
from core.rules.xp import Activity
from core.text import Doc, Span, bold
from core.wording import counted
from core.xp_note import xp_note

_LABELS = dict(SKILLS)
Line = str | tuple[Span | str, ...]
NO_SCORES = (
    "No skill scores yet, so there is no chart to draw. Finish a mock interview (/interview, "
    "then /end): with the AI interviewer your report shows six assessed skills; offline it "
    "shows key-point coverage, kept apart from them."
)


def _practice_line(name: str, done: Practice) -> str:
    if not done.count:
        return f"{name}: none yet"
    average = f", average score {done.average:.0f}" if done.average is not None else ""
    return f"{name}: {done.count}{average}"


def _skill_lines(averages: SkillAverages | None) -> list[Line]:
    if averages is None:
        return [(bold(SKILLS_TITLE), ": none yet (they come from interviews with the AI)")]
    return [
        (
            bold(SKILLS_TITLE),
            f" (average of {counted(averages.samples, 'scored session')}, "
            f"overall {averages.overall:.0f})",
        ),
        *(f"  {_LABELS[column]}: {averages.values[column]:.0f}" for column, _ in SKILLS),
        f"Strongest: {_LABELS[averages.strongest()]}. Work on next: {_LABELS[averages.weakest()]}.",
    ]


def _coverage_lines(covered: Coverage | None) -> list[Line]:
    if covered is None:
        return []
    return [
        (
            bold(COVERAGE_TITLE),
            f" (average of {counted(covered.interviews, 'offline interview')}: "
            f"{covered.overall:.0f}/100)",
        ),
        *(f"  {name}: {value:.0f}" for name, value in covered.by_focus.items()),
    ]


@command(
    "report",
    "Your progress report with a skill radar chart",
    personal=True,
    private=True,
    kind=Kind.SLOW,
)
async def report(context: Context) -> list[Reply]:
    user = context.user
    averages = await skill_averages(context.uow, user.id)
    covered = await coverage(context.uow, user.id)
    if averages is None and covered is None:
        return [reply(NO_SCORES)]
    year, week, _ = local_date(context.now, user.time_zone).isocalendar()
    period = f"{year}-W{week:02d}"
    skills: Series | None = None
    if averages is not None:
        skills = ([label for _, label in SKILLS], [averages.values[c] for c, _ in SKILLS])
    topics: Series | None = None
    if covered is not None:
        topics = (
            list(covered.by_focus) or ["all"],
            list(covered.by_focus.values()) or [covered.overall],
        )
    png = await asyncio.to_thread(report_png, skills, topics, f"{user.display_name}: progress")
    interviews = await practice(context.uow, user.id, Activity.INTERVIEW_COMPLETED)
    quizzes = await practice(context.uow, user.id, Activity.QUIZ_COMPLETED)
    reviews = await practice(context.uow, user.id, Activity.REVIEW_COMPLETED)
    outcome, announced = await context.record(
        Activity.REPORT_GENERATED, reference=f"report:{period}", context=("report", period)
    )
    xp_line = xp_note(outcome) or (
        "This week's report XP is already yours; come back next week for more."
    )
    text = Doc.lines(
        ("📈 ", bold(f"Progress report · {period}")),
        f"Level {user.level} · {title_for(user.level)} · {user.xp} XP · "
        f"🔥 {user.streak_current}-day streak",
        _practice_line("Mock interviews", interviews),
        _practice_line("Quizzes", quizzes),
        _practice_line("Code reviews", reviews),
        *_skill_lines(averages),
        *_coverage_lines(covered),
        xp_line,
    )
    caption = " · ".join(
        name for name, shown in ((SKILLS_TITLE, skills), (COVERAGE_TITLE, topics)) if shown
    )
    image = Image(png, filename="skill-radar.png", caption=caption)
    return [Reply(text, image=image, ephemeral=False), *announced]
