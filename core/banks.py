"""The question banks a process serves from: read from their files on first use, then kept.

Reading a bank parses and validates every question (hundreds of them), which no command
should pay for twice, and a process that never runs a quiz or an interview never reads
theirs. Tests hand in small banks of their own (`QuestionBanks(quiz=...)`).
"""

from __future__ import annotations

from core.features.interview.bank import InterviewBank
from core.features.quiz.bank import BankSync


class QuestionBanks:
    def __init__(
        self, *, quiz: BankSync | None = None, interview: InterviewBank | None = None
    ) -> None:
        self._quiz = quiz
        self._interview = interview

    @property
    def quiz(self) -> BankSync:
        """The quiz bank, with its once-per-process load into the database (BankSync)."""
        if self._quiz is None:
            self._quiz = BankSync.from_files()
        return self._quiz

    @property
    def interview(self) -> InterviewBank:
        if self._interview is None:
            self._interview = InterviewBank.load()
        return self._interview
