"""`/report`: skill averages as a radar chart, practice so far, and what to work on next."""

from __future__ import annotations

import asyncio

from core.context import Context
from core.features.report.chart import radar_png
from core.features.report.data import SKILLS, Practice, practice, skill_averages
from core.messages import Image, Reply, reply
from core.registry import command
from core.rules.levels import title_for
from core.rules.streaks import local_date
from core.rules.xp import Activity
from core.text import Doc, bold
from core.wording import counted

_LABELS = dict(SKILLS)
NO_SCORES = (
    "No skill scores yet, so there is no chart to draw. Finish a mock interview (/interview, "
    "then /end) and your report will show your six interview skills."
)


def _practice_line(name: str, done: Practice) -> str:
    if not done.count:
        return f"{name}: none yet"
    average = f", average score {done.average:.0f}" if done.average is not None else ""
    return f"{name}: {done.count}{average}"


@command(
    "report",
    "Your progress report with a skill radar chart",
    personal=True,
    private=True,
    slow=True,
)
async def report(context: Context) -> list[Reply]:
    user = context.user
    averages = await skill_averages(context.uow, user.id)
    if averages is None:
        return [reply(NO_SCORES)]
    year, week, _ = local_date(context.now, user.time_zone).isocalendar()
    period = f"{year}-W{week:02d}"
    labels = [label for _, label in SKILLS]
    values = [averages.values[column] for column, _ in SKILLS]
    png = await asyncio.to_thread(radar_png, labels, values, f"{user.display_name}: skills")
    interviews = await practice(context.uow, user.id, Activity.INTERVIEW_COMPLETED)
    quizzes = await practice(context.uow, user.id, Activity.QUIZ_COMPLETED)
    reviews = await practice(context.uow, user.id, Activity.REVIEW_COMPLETED)
    outcome, announced = await context.record(
        Activity.REPORT_GENERATED, reference=f"report:{period}", context=("report", period)
    )
    xp_line = (
        f"+{outcome.xp_gained} XP for this week's report"
        if outcome.xp_gained
        else "This week's report XP is already yours; come back next week for more."
    )
    skill_lines = [f"  {_LABELS[column]}: {averages.values[column]:.0f}" for column, _ in SKILLS]
    text = Doc.lines(
        ("📈 ", bold(f"Progress report · {period}")),
        f"Level {user.level} · {title_for(user.level)} · {user.xp} XP · "
        f"🔥 {user.streak_current}-day streak",
        _practice_line("Mock interviews", interviews),
        _practice_line("Quizzes", quizzes),
        _practice_line("Code reviews", reviews),
        (
            bold("Skills"),
            f" (average of {counted(averages.samples, 'scored session')}, "
            f"overall {averages.overall:.0f})",
        ),
        *skill_lines,
        f"Strongest: {_LABELS[averages.strongest()]}. Work on next: {_LABELS[averages.weakest()]}.",
        xp_line,
    )
    image = Image(png, filename="skill-radar.png", caption="Your skill radar")
    return [Reply(text, image=image, ephemeral=False), *announced]
