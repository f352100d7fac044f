"""The end-of-interview report: built by the model or by offline key-point grading, stored.

A model's report holds six skill scores and goes to skill_scores (the radar chart's AI-assessed
skills). An offline report holds key-point coverage only, overall and by focus area, kept on the
session and never mixed into skill_scores: /report shows it apart, labelled as coverage.
Completion XP (and its 80+ bonus) is awarded once per interview (reference `interview:<id>`)
and only for an interview that was finished: offline, every planned question answered or
skipped, and at least half of them answered with an answer that made a key point (so pasting
junk into every question finishes nothing); online, at least `ONLINE_MIN_ANSWERS` answers.
An interview ended earlier still gets its report, scored over all its questions, and no XP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.context import Context
from core.db.models import InterviewSession, SkillScore
from core.features.interview.bank import InterviewBank
from core.features.interview.offline import OFFLINE_TAG
from core.features.interview.rubric import SKILLS, AnswerGrade, grade_answer, grade_interview
from core.features.interview.store import InterviewStore
from core.features.interview.transcript import question_groups
from core.messages import Reply
from core.rules.levels import progress_bar
from core.rules.xp import Activity
from core.text import Doc, bold, italic
from core.wording import counted
from core.xp_note import xp_note

SKILL_LABELS = {
    "communication": "Communication",
    "code_quality": "Code quality",
    "requirements_gathering": "Requirements gathering",
    "technical_depth": "Technical depth",
    "problem_solving": "Problem solving",
    "professionalism": "Professionalism",
}
ONLINE_MIN_ANSWERS = 3  # an online interview with fewer answers earns no completion XP


@dataclass(frozen=True)
class Report:
    overall: int
    skills: dict[str, int]
    strengths: list[str]
    improvements: list[str]
    next_steps: list[str]
    summary: str
    offline: bool
    finished: bool = True  # every question answered or skipped: completion XP is due
    questions: tuple[str, ...] = ()  # offline: one line per question
    coverage: dict[str, int] = field(default_factory=dict)  # offline: by focus area


def from_model(data: dict[str, Any], answered: int = ONLINE_MIN_ANSWERS) -> Report:
    """The report from the model's answer: `report` holds the scores and points, `message` the
    summary (the shared interview schema, see prompts.py)."""
    report = data["report"]
    return Report(
        overall=int(report["overall"]),
        skills={skill: int(report["scores"][skill]) for skill in SKILLS},
        strengths=[str(item) for item in report["strengths"]],
        improvements=[str(item) for item in report["improvements"]],
        next_steps=[str(item) for item in report["next_steps"]],
        summary=str(data["message"]),
        offline=False,
        finished=answered >= ONLINE_MIN_ANSWERS,
    )


def offline_report(session: InterviewSession, bank: InterviewBank) -> Report:
    """Key-point coverage over every question planned, answered or not."""
    groups = question_groups(session)
    grades: list[AnswerGrade] = []
    lines: list[str] = []
    by_focus: dict[str, list[int]] = {}
    earlier: list[str] = []
    skipped = ungraded = 0
    for number, group in enumerate(groups, 1):
        if group.qid is None:  # asked by the AI before the switch to offline: no key points
            ungraded += 1
            lines.append(f"Q{number}: asked by the AI before the switch, not graded offline")
            earlier.append(group.text)
            continue
        question = bank.by_id.get(group.qid)
        focus = question.focus if question else "other"
        if not group.answers:
            skipped += group.skipped
            lines.append(f"Q{number} ({focus}): {'skipped' if group.skipped else 'unanswered'}, 0")
            by_focus.setdefault(focus, []).append(0)
            continue
        grade = grade_answer(question, group.text, earlier)
        earlier.append(group.text)
        grades.append(grade)
        by_focus.setdefault(focus, []).append(grade.score)
        wrong = f", {len(grade.mistakes)} mistake(s)" if grade.mistakes else ""
        points = f"{len(grade.covered)} of {grade.total} points{wrong}"
        lines.append(f"Q{number} ({focus}): {points}, {grade.score}")
    planned = int((session.state or {}).get("limit", 0) or len(groups))
    for number in range(len(groups) + 1, planned + 1):
        lines.append(f"Q{number}: not reached, 0")
    result = grade_interview(grades, skipped, planned - ungraded)
    mistakes = [mistake for grade in grades for mistake in grade.mistakes]
    missed = [point for grade in grades for point in grade.missed]
    strengths = [point for grade in grades for point in grade.covered][:3] or [
        "No key point was made yet: the feedback after each question lists what to cover."
    ]
    improvements = [f"Avoid: {mistake}" for mistake in mistakes[:2]]
    improvements += [f"Cover: {point}" for point in missed[: 4 - len(improvements)]]
    if result.unanswered:
        improvements.append(
            f"{counted(result.unanswered, 'question')} not answered "
            f"{'counts' if result.unanswered == 1 else 'count'} as 0: finish the interview "
            "for a full score."
        )
    if result.skipped:
        improvements.append(
            f"{counted(result.skipped, 'skipped question')} "
            f"{'counts' if result.skipped == 1 else 'count'} as 0: attempt every one, even partly."
        )
    if not improvements:
        improvements.append("Every key point covered: try the next difficulty level.")
    focus = (session.focus_areas or [session.role])[0]
    next_steps = [
        "Read the outline after each question and say each point in your own sentences.",
        f"Take a /quiz on {focus} topics this week.",
        "Run another /interview and answer every question.",
    ]
    summary = (
        f"Key-point coverage over all {counted(result.planned, 'question')}: {result.answered} "
        f"answered, {result.skipped} skipped, {result.unanswered} not answered. Offline grading "
        "checks which key points your sentences make and which misconceptions they assert; it "
        "does not judge communication or depth as an AI interviewer would."
    )
    coverage = {name: round(sum(values) / len(values)) for name, values in by_focus.items()}
    return Report(
        result.overall,
        {},
        strengths,
        improvements[:5],
        next_steps,
        summary,
        True,
        finished=result.finished,
        questions=tuple(lines),
        coverage=coverage,
    )


async def complete(context: Context, session: InterviewSession, report: Report) -> list[Reply]:
    """Store the report, award XP once, and show it."""
    now = context.now
    session.status = "completed"
    session.pending = False
    session.overall_rating = report.overall
    session.feedback_scores = {
        **report.skills,
        "summary": report.summary,
        "offline": report.offline,
        "finished": report.finished,
        **({"coverage": report.overall, "by_focus": report.coverage} if report.offline else {}),
    }
    session.strengths = list(report.strengths)
    session.improvements = list(report.improvements)
    session.next_steps = list(report.next_steps)
    session.duration_seconds = max(0, int((now - session.created_at).total_seconds()))
    session.completed_at = now
    session.updated_at = now
    if not report.offline:
        context.uow.repository(InterviewStore).add_skill_score(
            SkillScore(
                user_id=session.user_id,
                source_type="interview",
                source_id=str(session.id),
                overall=report.overall,
                created_at=now,
                **report.skills,
            )
        )
    if not report.finished:
        return [render(session, report, "")]
    outcome, announced = await context.record(
        Activity.INTERVIEW_COMPLETED,
        reference=f"interview:{session.id}",
        score=report.overall,
        context=("interview", str(session.id)),
    )
    return [render(session, report, xp_note(outcome)), *announced]


NOT_FINISHED = (
    "Ended before every question was answered or skipped, so no completion XP: the score "
    "counts the unanswered questions as 0."
)
TOO_FEW_POINTS = (
    "Fewer than half the questions got an answer that made a key point, so no completion XP."
)


def render(session: InterviewSession, report: Report, earned: str) -> Reply:
    """`earned`: the interview's XP and why (core.xp_note)."""
    header = (bold("📋 Interview report"), f" · {session.role} · {session.difficulty}")
    if report.offline:
        lines: list[Any] = [
            header,
            italic(f"{OFFLINE_TAG}: key-point coverage, not an AI assessment"),
            ("Key-point coverage: ", bold(f"{report.overall}/100")),
            f"{progress_bar(report.overall / 100)} {report.overall}",
            *report.questions,
        ]
    else:
        lines = [header, italic("assessed by Claude"), ("Overall: ", bold(f"{report.overall}/100"))]
        for skill in SKILLS:
            value = report.skills[skill]
            lines.append(f"{progress_bar(value / 100)} {SKILL_LABELS[skill]}: {value}")
    for title, items in (
        ("Strengths", report.strengths),
        ("To improve", report.improvements),
        ("Next steps", report.next_steps),
    ):
        lines.append(bold(title))
        lines.extend(f"• {item}" for item in items)
    lines.append(report.summary)
    if earned:
        lines.append(earned)
    elif not report.finished:
        unanswered = any(
            line.endswith("unanswered, 0") or "not reached" in line for line in report.questions
        )
        lines.append(NOT_FINISHED if unanswered or not report.offline else TOO_FEW_POINTS)
    return Reply(Doc.lines(*lines))
