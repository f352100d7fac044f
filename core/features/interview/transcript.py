"""The transcript read back as questions: each main question with its answers or its skip.

The grade, the feedback after each question and the report all group the transcript this way,
so the feedback a learner sees mid-interview is the grade the report gives that question.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.db.models import InterviewSession


@dataclass
class QuestionGroup:
    qid: str | None
    answers: list[str] = field(default_factory=list)
    skipped: bool = False

    @property
    def text(self) -> str:
        return "\n".join(self.answers)


def question_groups(session: InterviewSession) -> list[QuestionGroup]:
    """One group per main question asked, in order (a follow-up joins its question)."""
    groups: list[QuestionGroup] = []
    for entry in session.transcript or []:
        if entry.get("by") == "interviewer":
            if entry.get("kind") == "question" or not groups:
                groups.append(QuestionGroup(entry.get("qid")))
        elif not groups:
            continue
        elif entry.get("kind") == "skip":
            groups[-1].skipped = True
        else:
            groups[-1].answers.append(str(entry.get("text", "")))
    return groups


def answered_groups(session: InterviewSession) -> tuple[list[tuple[str | None, str]], int]:
    """(question id, combined answer text) per answered question, and the number skipped."""
    groups = question_groups(session)
    answered = [(group.qid, group.text) for group in groups if group.answers]
    skipped = sum(1 for group in groups if group.skipped and not group.answers)
    return answered, skipped
