"""The end-of-interview report: built by the model or by the offline rubric, then stored.

Completing stores the scores on the session and in skill_scores (for /report's radar chart)
and awards XP once per interview: the reference `interview:<id>` makes a repeat a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from core.context import Context
from core.db.models import InterviewSession, SkillScore
from core.features.interview.bank import InterviewBank
from core.features.interview.offline import OFFLINE_TAG
from core.features.interview.rubric import SKILLS, AnswerScore, score_answer, score_interview
from core.messages import Reply
from core.rules.levels import progress_bar
from core.rules.xp import Activity
from core.text import Doc, bold, italic

SKILL_LABELS = {
    "communication": "Communication",
    "code_quality": "Code quality",
    "requirements_gathering": "Requirements gathering",
    "technical_depth": "Technical depth",
    "problem_solving": "Problem solving",
    "professionalism": "Professionalism",
}
_ADVICE = {
    "communication": "Lead with a one-line summary, then structure the details (first, then, finally).",
    "code_quality": "Talk about how you'd test, name and keep the code maintainable.",
    "requirements_gathering": "Start by stating assumptions and asking about scale and constraints.",
    "technical_depth": "Explain how things work underneath and name their failure modes.",
    "problem_solving": "Compare two approaches and say why you pick one (the trade-off).",
    "professionalism": "Attempt every question, even partially; skip less and think aloud.",
}


@dataclass(frozen=True)
class Report:
    overall: int
    skills: dict[str, int]
    strengths: list[str]
    improvements: list[str]
    next_steps: list[str]
    summary: str
    offline: bool


def from_model(data: dict[str, Any]) -> Report:
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
    )


def answered_groups(session: InterviewSession) -> tuple[list[tuple[str | None, str]], int]:
    """(question id, combined answer text) per answered question, and the number skipped."""
    groups: list[tuple[str | None, list[str]]] = []
    skipped = 0
    current: tuple[str | None, list[str]] | None = None
    for entry in session.transcript or []:
        if entry.get("by") == "interviewer":
            if entry.get("kind") == "question" or current is None:
                current = (entry.get("qid"), [])
                groups.append(current)
        elif entry.get("kind") == "skip":
            skipped += 1
        elif current is not None:
            current[1].append(str(entry.get("text", "")))
    return [(qid, "\n".join(texts)) for qid, texts in groups if texts], skipped


def offline_report(session: InterviewSession, bank: InterviewBank) -> Report:
    groups, skipped = answered_groups(session)
    scores: list[AnswerScore] = [
        score_answer(bank.by_id.get(qid or ""), text) for qid, text in groups
    ]
    hints = int((session.state or {}).get("hints_used", 0))
    result = score_interview(scores, skipped, hints)
    ranked = sorted(result.skills.items(), key=lambda item: (-item[1], item[0]))
    strengths = [f"{SKILL_LABELS[name]} ({value}/100)" for name, value in ranked if value >= 70][:3]
    if not strengths:
        strengths = [f"You answered {len(groups)} question(s) and saw the interview through."]
    improvements = [f"Cover this point: {point}" for point in result.missed[:3]]
    weakest = [name for name, _ in ranked[::-1][:2]]
    improvements += [f"{SKILL_LABELS[name]}: {_ADVICE[name]}" for name in weakest]
    focus = (session.focus_areas or [session.role])[0]
    next_steps = [
        f"Practise {SKILL_LABELS[weakest[0]].lower()}: {_ADVICE[weakest[0]]}",
        f"Take a /quiz on {focus} topics this week.",
        "Run another /interview and aim to cover every key point.",
    ]
    summary = (
        f"Rubric score over {len(groups)} answered and {skipped} skipped question(s): "
        "key points covered, structure and depth. An AI review would judge correctness too."
    )
    return Report(
        result.overall, result.skills, strengths, improvements[:4], next_steps, summary, True
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
    }
    session.strengths = list(report.strengths)
    session.improvements = list(report.improvements)
    session.next_steps = list(report.next_steps)
    session.duration_seconds = max(0, int((now - session.created_at).total_seconds()))
    session.completed_at = now
    session.updated_at = now
    context.uow.session.add(
        SkillScore(
            user_id=session.user_id,
            source_type="interview",
            source_id=str(session.id),
            overall=report.overall,
            created_at=now,
            **report.skills,
        )
    )
    outcome, announced = await context.record(
        Activity.INTERVIEW_COMPLETED,
        reference=f"interview:{session.id}",
        score=report.overall,
        context=("interview", str(session.id)),
    )
    return [render(session, report, outcome.xp_gained), *announced]


def render(session: InterviewSession, report: Report, xp: int) -> Reply:
    source = f"{OFFLINE_TAG}: rubric scoring" if report.offline else "assessed by Claude"
    lines: list[Any] = [
        (bold("📋 Interview report"), f" · {session.role} · {session.difficulty}"),
        italic(source),
        ("Overall: ", bold(f"{report.overall}/100")),
    ]
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
    if xp:
        lines.append(f"+{xp} XP")
    return Reply(Doc.lines(*lines))
