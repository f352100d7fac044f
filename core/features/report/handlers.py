"""`/report`: practice so far, the latest interview against the one before as a radar, the
weekly trend of scores and XP, and what to work on next.

Quiz and code-review progress is reported from the first quiz or review, long before a first
interview; the charts follow as images with the text as their fallback.
"""

from __future__ import annotations

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
from core.features.report.progress import (
    Comparison,
    QuizProgress,
    ReviewProgress,
    comparison,
    quiz_progress,
    review_progress,
    trend,
)
from core.features.report.radar import RadarSeries
from core.features.report.rendering import RENDERER
from core.features.report.trend import WeeklyTrend
from core.features.report.trend_chart import SCORES_TITLE, XP_TITLE, trend_png
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
NOTHING_YET = (
    "Nothing to report yet. Answer a quiz (/quiz), get a code review (/review) or finish a "
    "mock interview (/interview, then /end): your report shows each as soon as you have one."
)
FIRST_INTERVIEW = (
    "No mock interview yet: finish one (/interview, then /end) and your report adds the "
    "skill radar and scores per week."
)
CHARTS_BUSY = "(Charts are busy right now: this is the text report; try /report again soon.)"


def _practice_line(name: str, done: Practice) -> str:
    if not done.count:
        return f"{name}: none yet"
    average = f", average score {done.average:.0f}" if done.average is not None else ""
    return f"{name}: {done.count}{average}"


def _quiz_lines(quizzes: Practice, progress: QuizProgress) -> list[Line]:
    lines: list[Line] = [_practice_line("Quizzes", quizzes)]
    if progress.answered:
        share = 100 * progress.right / progress.answered
        lines.append(
            f"  {counted(progress.answered, 'question')} answered, {progress.right} right "
            f"({share:.0f}%)"
        )
        lines.extend(
            f"  {topic.topic}: {topic.percent:.0f}% of {topic.answered}"
            for topic in progress.topics
        )
    if progress.due:
        lines.append(f"  Due for a second look: {progress.due} (/quiz due)")
    return lines


def _review_line(reviews: ReviewProgress) -> str:
    if not reviews.done:
        return "Code reviews: none yet"
    average = f", average score {reviews.average:.0f}" if reviews.average is not None else ""
    latest = ", ".join(str(score) for score in reviews.recent)
    return f"Code reviews: {reviews.done}{average} (latest: {latest})"


def _change(latest: float, previous: float | None) -> str:
    if previous is None:
        return ""
    step = round(latest) - round(previous)
    return f" ({step:+d} since the previous)" if step else " (same as the previous)"


def _skill_lines(averages: SkillAverages | None, compared: Comparison | None) -> list[Line]:
    if averages is None or compared is None:
        return [(bold(SKILLS_TITLE), ": none yet (they come from interviews with the AI)")]
    latest, previous = compared.latest, compared.previous
    before = previous.skills if previous is not None else {}
    lines: list[Line] = [
        (
            bold(SKILLS_TITLE),
            f": latest interview, overall {latest.overall:.0f}"
            f"{_change(latest.overall, previous.overall if previous else None)}",
        ),
        *(
            f"  {_LABELS[column]}: {latest.skills[column]:.0f}"
            f"{_change(latest.skills[column], before.get(column))}"
            for column, _ in SKILLS
        ),
        f"Average of {counted(averages.samples, 'scored session')}: overall "
        f"{averages.overall:.0f}. Strongest: {_LABELS[averages.strongest()]}. "
        f"Work on next: {_LABELS[averages.weakest()]}.",
    ]
    return lines


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


def _radar(compared: Comparison | None) -> RadarSeries | None:
    if compared is None:
        return None
    columns = [column for column, _ in SKILLS]
    previous = compared.previous
    return RadarSeries(
        [label for _, label in SKILLS],
        [compared.latest.skills[c] for c in columns],
        None if previous is None else [previous.skills[c] for c in columns],
    )


async def _images(
    name: str, skills: RadarSeries | None, topics: Series | None, weekly: WeeklyTrend
) -> tuple[list[Image], bool]:
    """The report's pictures (skills first, then the trend) and whether any had to be dropped."""
    images: list[Image] = []
    dropped = False
    if skills is not None or topics is not None:
        png = await RENDERER.render(report_png, skills, topics, f"{name}: progress")
        caption = " · ".join(
            title for title, shown in ((SKILLS_TITLE, skills), (COVERAGE_TITLE, topics)) if shown
        )
        if png is None:
            dropped = True
        else:
            images.append(Image(png, filename="skill-radar.png", caption=caption))
    if not weekly.is_empty:
        png = await RENDERER.render(trend_png, weekly, _LABELS, f"{name}: week by week")
        caption = " · ".join((SCORES_TITLE, XP_TITLE) if weekly.has_scores else (XP_TITLE,))
        if png is None:
            dropped = True
        else:
            images.append(Image(png, filename="weekly-trend.png", caption=caption))
    return images, dropped


@command(
    "report",
    "Your progress report: skill radar, weekly trend, quizzes and reviews",
    personal=True,
    private=True,
    kind=Kind.SLOW,
)
async def report(context: Context) -> list[Reply]:
    user, uow = context.user, context.uow
    averages = await skill_averages(uow, user.id)
    covered = await coverage(uow, user.id)
    quizzes = await practice(uow, user.id, Activity.QUIZ_COMPLETED)
    answered = await quiz_progress(uow, user.id, context.now)
    reviews = await review_progress(uow, user.id)
    no_interview = averages is None and covered is None
    if no_interview and not (quizzes.count or answered.answered or reviews.done):
        return [reply(NOTHING_YET)]
    compared = await comparison(uow, user.id) if averages is not None else None
    weekly = await trend(uow, user.id, context.now, user.time_zone)
    year, week, _ = local_date(context.now, user.time_zone).isocalendar()
    period = f"{year}-W{week:02d}"
    topics: Series | None = None
    if covered is not None:
        topics = (
            list(covered.by_focus) or ["all"],
            list(covered.by_focus.values()) or [covered.overall],
        )
    images, dropped = await _images(user.display_name, _radar(compared), topics, weekly)
    interviews = await practice(uow, user.id, Activity.INTERVIEW_COMPLETED)
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
        *_quiz_lines(quizzes, answered),
        _review_line(reviews),
        *([FIRST_INTERVIEW] if no_interview else _skill_lines(averages, compared)),
        *_coverage_lines(covered),
        *([CHARTS_BUSY] if dropped else []),
        xp_line,
    )
    first = images[0] if images else None
    pictures = [Reply(text, image=first, ephemeral=False)]
    pictures.extend(Reply(image=image, ephemeral=False) for image in images[1:])
    return [*pictures, *announced]
