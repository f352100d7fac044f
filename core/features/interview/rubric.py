"""Offline grading: which of a question's claims an answer makes, and which mistakes.

No model is involved, so the score says exactly what it measures: key-point coverage, the
share of the question's claims the answer makes in its own sentences, less a penalty for
each misconception it asserts. Structure, length and vocabulary earn nothing by themselves.

A sentence makes a claim with a concept phrase of two or more words, a concept word that few
questions of the bank use, a rejected anti-pattern, or two of the claim's single words (its
concepts and the words of the claim itself): one common word ("server", "DNS") is a mention.

An answer earns only what it says about this question. Nothing is earned by:
- a bare list of terms (a "sentence" without the small words that make one),
- a sentence that only says the question back,
- a sentence that admits not knowing ("I have never heard of CSRF, CORS, SameSite"), or a
  guess hedged in an answer that admits it,
- text repeated from an earlier answer in the same interview.
The same transcript always gets the same grade.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from core.features.interview.bank import BankQuestion, KeyPoint, Phrase
from core.features.interview.matching import Sentence, sentences
from core.features.interview.screening import is_code_only, repeats

SKILLS = (
    "communication",
    "code_quality",
    "requirements_gathering",
    "technical_depth",
    "problem_solving",
    "professionalism",
)
MISTAKE_COST = 1.5  # one asserted misconception undoes one and a half covered claims
ENUMERATION_ITEMS = 4  # comma-separated parts that make a sentence an enumeration...
TERM_WORDS = 3  # ... when the parts average this many words or fewer
MIN_WORDS_FOR_POINT = 2  # single-word concepts needed to make a point
ECHO_SHARE = 0.6  # a sentence whose word pairs are mostly the question's says it back

NOTE_REPEATED = "It repeats an earlier answer, so it earns nothing again."
NOTE_LIST = "Bare lists of terms earn nothing: say what each one does here, in sentences."
NOTE_ECHO = "Repeating the question earns nothing."
NOTE_UNKNOWN = "Saying you don't know is honest, and earns no points for the terms it names."
NOTE_CODE = (
    "Only code: the names in it count, but say your approach and its complexity in words "
    "for the points code cannot show."
)


@dataclass(frozen=True)
class AnswerGrade:
    """What one answer (a main answer and its follow-up, together) showed."""

    covered: tuple[str, ...]
    missed: tuple[str, ...]
    mistakes: tuple[str, ...]  # misconceptions it asserts or anti-patterns it recommends
    notes: tuple[str, ...]  # why parts of it earned nothing

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missed)

    @property
    def score(self) -> int:
        """Key-point coverage, 0-100, after the cost of the mistakes."""
        if not self.total:
            return 0
        earned = max(0.0, len(self.covered) - MISTAKE_COST * len(self.mistakes))
        return round(100 * earned / self.total)


def _pairs(stems: Sequence[str]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(stems))


def _echoes(sentence: Sentence, question_pairs: set[tuple[str, str]]) -> bool:
    pairs = _pairs(sentence.stems)
    return len(pairs) >= 3 and len(pairs & question_pairs) >= ECHO_SHARE * len(pairs)


def _usable(
    found: Sequence[Sentence], question_pairs: set[tuple[str, str]], code_only: bool
) -> tuple[list[Sentence], set[str]]:
    """The sentences that can earn, and notes on those that cannot."""
    admits = any(sentence.unknown for sentence in found)
    usable: list[Sentence] = []
    notes: set[str] = set()
    for sentence in found:
        if sentence.unknown:
            notes.add(NOTE_UNKNOWN)
        if sentence.ignorant or (admits and sentence.hedged):
            notes.add(NOTE_UNKNOWN)
        elif sentence.is_list and not code_only:
            notes.add(NOTE_LIST)
        elif _echoes(sentence, question_pairs):
            notes.add(NOTE_ECHO)
        else:
            usable.append(sentence)
    return usable, notes


def _beyond(concepts: Sequence[Phrase], given: set[str]) -> Sequence[Phrase]:
    """The concepts the question does not already name: saying "unit tests" back to a question
    about unit tests shows nothing. A point whose concepts are all in the question keeps them."""
    new = [phrase for phrase in concepts if not set(phrase) <= given]
    return new or concepts


def _enumerates(sentence: Sentence) -> bool:
    """Many comma-separated parts of a word or three each: terms, not clauses."""
    items = sentence.items
    return items >= ENUMERATION_ITEMS and len(sentence.stems) / items <= TERM_WORDS


def _evidence(sentence: Sentence, point: KeyPoint, concepts: Sequence[Phrase]) -> set[int]:
    """Which of the point's concepts one sentence speaks for (-1: it rejects the anti-pattern,
    which makes the point by itself)."""
    found = {
        index
        for index, phrase in enumerate(concepts)
        if (mention := sentence.mentions(phrase)).affirmed or (point.avoidance and mention.rejected)
    }
    if _said([sentence], point.rejects, "rejected"):
        found.add(-1)
    return found


def _enough(found: set[int], concepts: Sequence[Phrase], specific: frozenset[str]) -> bool:
    """A point is made by a rejected anti-pattern, a phrase of two words or more, a word few
    questions of the bank use, or two of its common single-word concepts: one common word
    ("server", "version") alone is a mention, not a claim."""
    if -1 in found or (found and len(concepts) == 1):
        return True
    strong = any(len(concepts[i]) > 1 or concepts[i][0] in specific for i in found)
    return strong or len(found) >= MIN_WORDS_FOR_POINT


def _said(usable: Sequence[Sentence], concepts: Sequence[Phrase], how: str) -> bool:
    return any(getattr(s.mentions(phrase), how) for s in usable for phrase in concepts)


def grade_answer(
    question: BankQuestion | None, answer: str, earlier: Sequence[str] = ()
) -> AnswerGrade:
    """Grade one answer; `earlier` are the interview's previous answers (repeats earn 0)."""
    if question is None:
        return AnswerGrade((), ("(this question is no longer in the bank)",), (), ())
    if repeats(answer, earlier):
        return AnswerGrade((), tuple(p.point for p in question.key_points), (), (NOTE_REPEATED,))
    code_only = is_code_only(answer)
    question_pairs = {
        pair
        for said in sentences(f"{question.question}\n{question.follow_up}")
        for pair in _pairs(said.stems)
    }
    given = {word for said in sentences(question.question) for word in said.stems}
    usable, notes = _usable(sentences(answer, code=code_only), question_pairs, code_only)
    if code_only:
        notes.add(NOTE_CODE)
    points = question.key_points
    concepts = [_beyond(point.concepts + point.own_words, given) for point in points]
    evidence = [
        [_evidence(sentence, point, concepts[index]) for index, point in enumerate(points)]
        for sentence in usable
    ]
    made = [
        {
            index
            for index, found in enumerate(row)
            if _enough(found, concepts[index], question.specific)
        }
        for row in evidence
    ]
    # An enumeration of bare terms that makes three or more of the points at once is a list of
    # the bank's vocabulary, not an explanation of any of them.
    kept = [
        (sentence, hits)
        for sentence, hits in zip(usable, made, strict=True)
        if not (_enumerates(sentence) and len(hits) >= 3)
    ]
    if len(kept) < len(usable):
        notes.add(NOTE_LIST)
    reached: set[int] = set().union(*(hits for _, hits in kept))  # a point is made in a sentence
    said = [sentence for sentence, _ in kept]
    covered = [point.point for index, point in enumerate(points) if index in reached]
    missed = [point.point for index, point in enumerate(points) if index not in reached]
    mistakes = [point.mistake for point in points if _said(said, point.rejects, "recommended")]
    mistakes += [
        misconception.claim
        for misconception in question.misconceptions
        if _said(said, misconception.concepts, "affirmed")
    ]
    return AnswerGrade(tuple(covered), tuple(missed), tuple(mistakes), tuple(sorted(notes)))


@dataclass(frozen=True)
class InterviewGrade:
    """An interview's coverage over all its questions: unanswered and skipped ones count 0."""

    overall: int
    answers: tuple[AnswerGrade, ...]
    planned: int
    answered: int
    skipped: int

    @property
    def unanswered(self) -> int:
        return max(0, self.planned - self.answered - self.skipped)

    @property
    def substantive(self) -> int:
        """Answers that made at least one key point: junk, pastes and lists make none."""
        return sum(1 for answer in self.answers if answer.covered)

    @property
    def finished(self) -> bool:
        """Done, for completion XP: every question answered or skipped, and at least half of
        them answered with an answer that made a key point."""
        return self.unanswered == 0 and 2 * self.substantive >= self.planned > 0


def grade_interview(answers: Sequence[AnswerGrade], skipped: int, planned: int) -> InterviewGrade:
    questions = max(planned, len(answers) + skipped, 1)
    overall = round(sum(answer.score for answer in answers) / questions)
    return InterviewGrade(
        max(0, min(100, overall)), tuple(answers), questions, len(answers), skipped
    )
