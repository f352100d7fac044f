"""The bundled question bank: read from the package, validated, upserted into quiz_questions.

Syncing happens once per process, lazily on the first quiz, inside that quiz's transaction
(SQLite allows one writer, so a second transaction would wait on the first). Rows are written
only when missing or changed, so a restart against an up-to-date database costs one SELECT.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from core.db.models import QuizQuestion
from core.db.repository import Repository
from core.db.uow import UnitOfWork
from core.features.quiz.schema import QuestionData, parse_question, validate_question

log = logging.getLogger(__name__)

BANK_DIR = Path(__file__).resolve().parents[2] / "content" / "quiz_bank"
_CHUNK = 100
_FIELDS = ("topic", "difficulty", "question", "options", "correct_index", "explanation")


def read_bank_files(directory: Path = BANK_DIR) -> list[tuple[Path, list[Any]]]:
    """Every bank file with its raw entries, in a stable order."""
    files = []
    for path in sorted(directory.glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        files.append((path, entries if isinstance(entries, list) else [entries]))
    return files


def bank_problems(directory: Path = BANK_DIR) -> list[str]:
    """Every problem in the bank, one line each (the test and a maintainer read these)."""
    problems: list[str] = []
    seen: set[str] = set()
    for path, entries in read_bank_files(directory):
        for position, entry in enumerate(entries):
            label = f"{path.name}[{position}]"
            problems.extend(f"{label}: {error}" for error in validate_question(entry))
            identifier = entry.get("id") if isinstance(entry, dict) else None
            if isinstance(identifier, str):
                if identifier in seen:
                    problems.append(f"{label}: duplicate id {identifier}")
                seen.add(identifier)
            if isinstance(entry, dict) and entry.get("topic") != path.stem:
                problems.append(f"{label}: topic {entry.get('topic')!r} in {path.name}")
    return problems


def load_bank(directory: Path = BANK_DIR) -> list[QuestionData]:
    """The valid questions of the bank; an invalid entry is logged and left out."""
    questions: dict[str, QuestionData] = {}
    for path, entries in read_bank_files(directory):
        for entry in entries:
            question = parse_question(entry)
            if question is None:
                log.warning("skipping invalid quiz bank entry in %s: %r", path.name, entry)
            else:
                questions.setdefault(question.external_id, question)
    return list(questions.values())


def _row(question: QuestionData) -> dict[str, Any]:
    return {
        "topic": question.topic,
        "difficulty": question.difficulty,
        "question": question.question,
        "options": list(question.options),
        "correct_index": question.correct,
        "explanation": question.explanation,
    }


class QuestionStore(Repository):
    """quiz_questions as the bank and the question writer fill it."""

    async def upsert_questions(
        self, questions: Iterable[QuestionData], source: str, now: datetime
    ) -> int:
        """Insert or update questions by external id, writing only what differs; returns
        writes."""
        wanted = {question.external_id: question for question in questions}
        if not wanted:
            return 0
        existing: dict[str, dict[str, Any]] = {}
        ids = list(wanted)
        columns = (getattr(QuizQuestion, f) for f in _FIELDS)
        query = select(QuizQuestion.external_id, *columns)
        for start in range(0, len(ids), 500):
            rows = await self.session.execute(
                query.where(QuizQuestion.external_id.in_(ids[start : start + 500]))
            )
            for row in rows:
                existing[row[0]] = dict(zip(_FIELDS, row[1:], strict=True))
        changed = [
            {"external_id": key, "source": source, "created_at": now, **_row(question)}
            for key, question in wanted.items()
            if existing.get(key) != _row(question)
        ]
        dialect = postgresql if self.dialect == "postgresql" else sqlite
        for start in range(0, len(changed), _CHUNK):
            statement = dialect.insert(QuizQuestion).values(changed[start : start + _CHUNK])
            statement = statement.on_conflict_do_update(
                index_elements=["external_id"],
                set_={field: getattr(statement.excluded, field) for field in _FIELDS},
            )
            await self.session.execute(statement)
        return len(changed)


class BankSync:
    """Loads the bank into the database once per process (per composition root)."""

    def __init__(self, questions: list[QuestionData]) -> None:
        self.questions = questions
        self.synced = False
        self._lock = asyncio.Lock()

    @classmethod
    def from_files(cls, directory: Path = BANK_DIR) -> BankSync:
        return cls(load_bank(directory))

    async def ensure(self, uow: UnitOfWork, now: datetime) -> None:
        """Upsert the bank and commit (with whatever the caller wrote so far) the first time."""
        if self.synced:
            return
        async with self._lock:
            if self.synced:
                return
            written = await uow.repository(QuestionStore).upsert_questions(
                self.questions, "bank", now
            )
            await uow.commit()
            self.synced = True
            log.info("quiz bank: %d questions, %d written", len(self.questions), written)
