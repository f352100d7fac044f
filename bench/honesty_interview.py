"""Honesty benchmark, interview half: graded answer sets through the offline interviewer.

Each class of answers (bench/answer_sets/interview_*.json, written by hand for this benchmark; the
keyword-salad and "I don't know" sets were built once from the public bank's own concept
lists, the strongest salad a learner could write) is graded by the function the interview
flow uses, and by today's grader for comparison: the grader as it was at `BASELINE`, read
from git at run time, so the old code is reachable only from here.

- per-answer classes: each answer graded as the answer to its question;
- pasted: one paragraph pasted as the answer to all five questions of an interview;
- one then /end: a correct first answer, then /end, through `offline_report` (what /end
  runs), over an interview of five planned questions.

Run: `python -m bench.honesty_interview`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from statistics import mean
from typing import Any

from bench.report import emit
from core.db.models import InterviewSession
from core.features.interview.bank import InterviewBank
from core.features.interview.offline import QUESTIONS_PER_INTERVIEW
from core.features.interview.report import offline_report
from core.features.interview.rubric import grade_answer, grade_interview

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "answer_sets"
BASELINE = "cf0050b"  # main before this work: today's grader
PER_ANSWER = {
    "correct and complete": "interview_correct.json",
    "correct in plain words": "interview_plain.json",
    "keyword salad": "interview_salad.json",
    "confident but wrong": "interview_wrong.json",
    "I don't know, naming the terms": "interview_dont_know.json",
    "nonsense": "interview_nonsense.json",
}
PASTED = "one paragraph pasted everywhere"
ONE_THEN_END = "one answer then /end"
TARGETS: dict[str, tuple[str, int]] = {
    "correct and complete": ("mean>=", 75),
    "correct in plain words": ("mean>=", 75),
    "keyword salad": ("max<=", 40),
    PASTED: ("max<=", 40),
    "confident but wrong": ("max<=", 40),
    "I don't know, naming the terms": ("max<=", 15),
    "nonsense": ("max<=", 15),
    ONE_THEN_END: ("max<=", 100 // QUESTIONS_PER_INTERVIEW),
}

Answers = list[tuple[str, str]]


def answers(name: str) -> Answers:
    raw = json.loads((DATA / name).read_text(encoding="utf-8"))
    if isinstance(raw, dict):
        return list(raw.items())
    return [(item["qid"], item["answer"]) for item in raw]


def pasted_sets() -> list[tuple[list[str], str]]:
    raw = json.loads((DATA / "interview_pasted.json").read_text(encoding="utf-8"))
    return [(item["qids"], item["paragraph"]) for item in raw]


class Grader:
    """Today's grading, as the interview flow runs it."""

    label = "new"

    def __init__(self, bank: InterviewBank) -> None:
        self.bank = bank

    def answer(self, qid: str, text: str) -> int:
        return grade_answer(self.bank.by_id[qid], text).score

    def pasted(self, qids: Sequence[str], text: str) -> int:
        grades = []
        for position, qid in enumerate(qids):
            grades.append(grade_answer(self.bank.by_id[qid], text, [text] * position))
        return grade_interview(grades, 0, len(qids)).overall

    def one_then_end(self, qid: str, text: str) -> int:
        session = InterviewSession(
            role="backend",
            difficulty="mid",
            focus_areas=[],
            persona="neutral",
            mode="offline",
            status="active",
            transcript=[
                {"by": "interviewer", "kind": "question", "text": "...", "qid": qid},
                {"by": "candidate", "kind": "answer", "text": text},
            ],
            state={"asked": 1, "limit": QUESTIONS_PER_INTERVIEW},
            created_at=datetime(2026, 12, 1, tzinfo=UTC),
        )
        report = offline_report(session, self.bank)
        assert not report.finished  # so no completion XP and no 80+ bonus
        return report.overall


class OldGrader(Grader):
    """The grader at `BASELINE`, loaded from git (its bank format, its rubric, its bank)."""

    label = "old"

    def __init__(self, modules: dict[str, types.ModuleType]) -> None:
        self.rubric = modules["rubric"]
        bank = modules["bank"]
        entries = json.loads(_git_show("core/content/interview_bank.json"))
        self.old_bank = {entry["id"]: bank.parse_entry(entry) for entry in entries}

    def answer(self, qid: str, text: str) -> int:
        return int(self.rubric.score_answer(self.old_bank[qid], text).score)

    def pasted(self, qids: Sequence[str], text: str) -> int:
        scores = [self.rubric.score_answer(self.old_bank[qid], text) for qid in qids]
        return int(self.rubric.score_interview(scores, 0, 0).overall)

    def one_then_end(self, qid: str, text: str) -> int:
        score = self.rubric.score_answer(self.old_bank[qid], text)
        return int(self.rubric.score_interview([score], 0, 0).overall)


def _git_show(path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{BASELINE}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def old_grader() -> OldGrader | None:
    """Today's grader from git, or None where git or the baseline commit is missing."""
    try:
        bank = types.ModuleType("dojo_baseline_bank")
        bank.__file__ = str(ROOT / "core" / "features" / "interview" / "bank.py")
        sys.modules[bank.__name__] = bank  # dataclasses look their module up
        exec(compile(_git_show("core/features/interview/bank.py"), "baseline/bank.py", "exec"),
             bank.__dict__)  # fmt: skip
        source = _git_show("core/features/interview/rubric.py").replace(
            "from core.features.interview.bank import", "from dojo_baseline_bank import"
        )
        rubric = types.ModuleType("dojo_baseline_rubric")
        sys.modules[rubric.__name__] = rubric
        exec(compile(source, "baseline/rubric.py", "exec"), rubric.__dict__)
    except (OSError, subprocess.CalledProcessError):
        return None
    return OldGrader({"bank": bank, "rubric": rubric})


def _scores(grader: Grader, limit: int | None) -> dict[str, list[int]]:
    scores: dict[str, list[int]] = {}
    for name, file in PER_ANSWER.items():
        scores[name] = [grader.answer(q, text) for q, text in answers(file)[:limit]]
    scores[PASTED] = [grader.pasted(qids, text) for qids, text in pasted_sets()[:limit]]
    first = answers(PER_ANSWER["correct and complete"])[:limit]
    scores[ONE_THEN_END] = [grader.one_then_end(q, text) for q, text in first]
    for name, items in held_out().items():
        scores[f"held out: {name}"] = [grader.answer(q, text) for q, text in items[:limit]]
    return scores


def held_out() -> dict[str, Answers]:
    """Sets written after tuning, on other questions, never used to change the bank: what the
    grader does with answers it was not tuned on (reported, no target)."""
    raw = json.loads((DATA / "interview_heldout.json").read_text(encoding="utf-8"))
    return {
        name: [(item["qid"], item["answer"]) for item in items]
        for name, items in raw.items()
        if isinstance(items, list)
    }


def _meets(name: str, values: Sequence[int]) -> bool | None:
    if name not in TARGETS:
        return None
    kind, bound = TARGETS[name]
    return mean(values) >= bound if kind == "mean>=" else max(values) <= bound


def run(limit: int | None = None, compare: bool = True) -> list[dict[str, Any]]:
    """One row per class: count, mean and max now, and by today's grader when git has it."""
    bank = InterviewBank.load()
    new = _scores(Grader(bank), limit)
    baseline = old_grader() if compare else None
    old = _scores(baseline, limit) if baseline else {}
    rows = []
    for name, values in new.items():
        row: dict[str, Any] = {
            "class": name,
            "answers": len(values),
            "mean": round(mean(values), 1),
            "max": max(values),
            "target": " ".join(map(str, TARGETS.get(name, ("-",)))),
            "meets": _meets(name, values),
        }
        if name in old:
            row["old mean"] = round(mean(old[name]), 1)
            row["old max"] = max(old[name])
        rows.append(row)
    return rows


def show(rows: Sequence[dict[str, Any]], out: Callable[[str], None] = print) -> None:
    columns = ["class", "answers", "mean", "max", "old mean", "old max", "target", "meets"]
    widths = {c: max(len(c), *(len(str(r.get(c, "-"))) for r in rows)) for c in columns}
    out("  ".join(c.ljust(widths[c]) for c in columns))
    for row in rows:
        out("  ".join(str(row.get(c, "-")).ljust(widths[c]) for c in columns))


def main() -> None:
    rows = run()
    show(rows)
    for row in rows:
        kind, _bound = TARGETS.get(row["class"], ("max<=", 0))
        value = row["mean"] if kind == "mean>=" else row["max"]
        figure = f"{row['class']} ({kind[:4]})"
        emit("honesty_interview", figure, value, "/100", target=row["target"], met=row["meets"])


if __name__ == "__main__":
    main()
