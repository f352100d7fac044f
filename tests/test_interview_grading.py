"""Offline grading rules on the real bank: whole words, negation, anti-patterns, and answers
that say nothing about the question."""

from __future__ import annotations

import pytest

from core.features.interview.bank import InterviewBank
from core.features.interview.rubric import NOTE_CODE, NOTE_LIST, NOTE_UNKNOWN, grade_answer
from core.features.interview.screening import looks_foreign


@pytest.fixture(scope="module")
def bank() -> InterviewBank:
    return InterviewBank.load()


TOKENS_POINT = (
    "Storage trade-off: HttpOnly Secure SameSite cookie versus localStorage exposed to XSS"
)


def test_rejecting_an_anti_pattern_earns_and_recommending_it_costs(bank: InterviewBank) -> None:
    question = bank.by_id["fullstack-sec-002"]
    never = grade_answer(question, "Never store tokens in localStorage, put them in memory.")
    assert TOKENS_POINT in never.covered and not never.mistakes
    instead = grade_answer(question, "Keep the token in memory instead of localStorage.")
    assert TOKENS_POINT in instead.covered
    store = grade_answer(question, "Store them in localStorage so the app can read them.")
    assert TOKENS_POINT not in store.covered and store.mistakes and store.score == 0
    verdict = grade_answer(question, "localStorage is vulnerable to XSS, so we avoid it here.")
    assert TOKENS_POINT in verdict.covered and not verdict.mistakes


def test_whole_words_only(bank: InterviewBank) -> None:
    question = bank.by_id["backend-code-001"]
    assert grade_answer(question, "It is a popular question that I like a lot.").covered == ()
    stacks = grade_answer(question, "I would push every opener onto stacks and check them.")
    assert any(point.startswith("Use a stack") for point in stacks.covered)


def test_negation_denies_a_claim_and_contrast_ends_it(bank: InterviewBank) -> None:
    question = bank.by_id["backend-code-001"]
    denied = grade_answer(question, "You should not use a stack or push anything here at all.")
    assert not any(point.startswith("Use a stack") for point in denied.covered)
    contrast = grade_answer(question, "Not a queue, but a stack where we push each opener.")
    assert any(point.startswith("Use a stack") for point in contrast.covered)


def test_a_misconception_costs(bank: InterviewBank) -> None:
    question = bank.by_id["backend-sd-003"]
    claim = grade_answer(question, "Kafka gives us exactly once delivery to every phone.")
    assert claim.mistakes and claim.score == 0
    rejected = grade_answer(question, "Exactly once delivery to APNs is impossible, so we dedupe.")
    assert not rejected.mistakes


def test_lists_unknowns_and_echoes_earn_nothing(bank: InterviewBank) -> None:
    question = bank.by_id["frontend-sec-002"]
    salad = grade_answer(question, "CSRF, CORS, SameSite, cookies, origin, tokens, preflight.")
    assert salad.score == 0 and NOTE_LIST in salad.notes
    unknown = grade_answer(question, "I don't know. I have never heard of CSRF, SameSite, CORS.")
    assert unknown.score == 0 and NOTE_UNKNOWN in unknown.notes
    echo = grade_answer(question, question.question)
    assert echo.score == 0


def test_a_repeated_answer_earns_nothing_the_second_time(bank: InterviewBank) -> None:
    question = bank.by_id["fullstack-sec-002"]
    text = "Keep the token in an HttpOnly SameSite cookie, never in localStorage, over HTTPS."
    assert grade_answer(question, text).score > 0
    assert grade_answer(question, text, earlier=[text]).score == 0


def test_code_only_counts_its_names_and_says_so(bank: InterviewBank) -> None:
    question = bank.by_id["backend-code-001"]
    code = (
        "```python\ndef balanced(text):\n    pairs = {')': '(', ']': '['}\n    stack = []\n"
        "    for char in text:\n        if char in pairs:\n            if not stack or "
        "stack.pop() != pairs[char]:\n                return False\n        else:\n"
        "            stack.append(char)\n    return not stack\n```"
    )
    grade = grade_answer(question, code)
    assert NOTE_CODE in grade.notes and 0 < grade.score < 100


def test_other_languages_are_recognised() -> None:
    assert looks_foreign(
        "Ich würde einen Stapel verwenden, weil jede öffnende Klammer gemerkt wird."
    )
    assert looks_foreign("Я бы использовал стек для хранения открывающих скобок и проверял пары.")
    assert not looks_foreign("I would use a stack, because every opener must be remembered.")


# The interview rows of content-review.tsv: keywords that named the anti-pattern (or a
# misconception, or an out-of-date tool) and so earned the point that warns against it.
FLAGGED = {
    "backend-sec-001": ("plaintext", "reversible", "fast hash", "per second"),
    "backend-arch-002": ("big bang", "rewrite"),
    "frontend-sec-001": ("innerhtml", "dangerouslysetinnerhtml"),
    "fullstack-sec-002": ("localstorage",),
    "frontend-test-001": ("implementation details",),
    "frontend-test-003": ("retry",),
    "devops-dbg-001": ("delete",),
    "devops-sec-002": ("long-lived", "access keys"),
    "fullstack-db-002": ("table lock",),
    "mobile-sec-001": (
        "sharedpreferences",
        "userdefaults",
        "plain text",
        "encryptedsharedpreferences",
    ),
    "mobile-sec-002": ("obfuscate", "obfuscation"),
    "backend-beh-003": ("defensive", "personally"),
    "backend-beh-006": ("corners", "tech debt"),
    "data-db-001": ("not in",),
    "backend-sd-003": ("exactly once",),
    "devops-cloud-003": ("dynamodb",),
}


@pytest.mark.parametrize("qid", sorted(FLAGGED))
def test_flagged_keywords_no_longer_earn_a_point(bank: InterviewBank, qid: str) -> None:
    from core.features.interview.bank import phrases

    question = bank.by_id[qid]
    earning = {phrase for point in question.key_points for phrase in point.concepts}
    for keyword in FLAGGED[qid]:
        assert not set(phrases([keyword])) & earning, f"{qid}: '{keyword}' still earns a point"


def test_the_out_of_scope_inp_point_is_gone(bank: InterviewBank) -> None:
    points = [point.point for point in bank.by_id["frontend-perf-002"].key_points]
    assert not any("INP" in point for point in points)


@pytest.mark.parametrize(
    ("qid", "answer"),
    [
        ("data-db-001", "Select customers where id NOT IN (select customer_id from orders)."),
        ("backend-sd-003", "With Kafka we get exactly once delivery all the way to the phone."),
        ("mobile-sec-002", "Obfuscate the key so it cannot be extracted from the app."),
        ("backend-arch-002", "We should rewrite everything as microservices in one big bang."),
        ("frontend-sec-001", "Just set innerHTML to the comment text, it is fine."),
        ("mobile-sec-001", "Store the tokens in SharedPreferences so they survive restarts."),
    ],
)
def test_asserting_a_flagged_misconception_costs(
    bank: InterviewBank, qid: str, answer: str
) -> None:
    grade = grade_answer(bank.by_id[qid], answer)
    assert grade.mistakes and grade.score == 0


def test_an_admission_voids_what_it_covers_not_a_later_attempt(bank: InterviewBank) -> None:
    question = bank.by_id["backend-code-001"]
    attempt = grade_answer(
        question,
        "I'm not sure about the complexity, but I think we push each opener on a stack and "
        "pop it when a closer comes.",
    )
    assert any(point.startswith("Use a stack") for point in attempt.covered)
    seen = grade_answer(question, "I've seen stack, push and pop, but I don't know what they do.")
    assert seen.covered == () and NOTE_UNKNOWN in seen.notes
