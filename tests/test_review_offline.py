"""Offline code reviews: static analysis that never runs code, real parsers, honest XP rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from bot.app import Dojo
from core.db.models import CodeReview, XpLedger
from core.features.review.complexity import functions
from core.features.review.extract import extract
from core.features.review.grammars import GRAMMARS, SUPPORTED
from core.features.review.normalise import code_hash
from core.features.review.offline import not_code_reason, offline_review, unsupported_reason
from core.messages import Attachment
from core.ports import FixedClock
from tests.support import ChatDriver

CLEAN = '''"""Totals."""


def total(prices: list[float]) -> float:
    """Sum prices, ignoring refunds."""
    kept = [price for price in prices if price > 0]
    if not kept:
        return 0.0
    result = sum(kept)
    return round(result, 2)


def average(prices: list[float]) -> float:
    """The mean of the kept prices."""
    kept = [price for price in prices if price > 0]
    return total(kept) / len(kept) if kept else 0.0
'''

MESSY = """import os
import sys


def handle(x=[]):
    try:
        return eval(x)
    except:
        return undefined_name
"""

SUBSTANTIAL = (
    '"""Inventory."""\n\n\n'
    + "\n\n".join(
        f'def stock_{n}(items: dict[str, int]) -> int:\n    """Units of kind {n}."""\n'
        f'    count = items.get("kind{n}", 0)\n    if count < 0:\n        raise ValueError("kind {n} is negative")\n'
        f"    return count"
        for n in range(5)
    )
    + "\n"
)


def fenced(code: str, tag: str = "python") -> str:
    return f"```{tag}\n{code}```"


def messages(code: str, language: str = "python") -> list[str]:
    return [finding.message for finding in offline_review(code, language).findings]


async def xp_rows(dojo: Dojo) -> list[tuple[str, int]]:
    async with dojo.services.uow_factory() as uow:
        rows = await uow.session.execute(
            select(XpLedger.source, XpLedger.amount).where(XpLedger.source.like("code_review%"))
        )
        return sorted((source, amount) for source, amount in rows)


def test_python_findings_have_lines_and_severities() -> None:
    result = offline_review(MESSY, "python")
    found = {(f.line, f.severity, f.message) for f in result.findings}
    assert (1, "warning", "'os' imported but unused") in found
    assert (9, "error", "undefined name 'undefined_name'") in found
    text = " ".join(f.message for f in result.findings)
    assert "Bare except" in text and "Mutable default" in text and "B307" in text
    assert not result.approved and result.offline
    assert "bandit" in result.method and "radon" in result.method and "pyflakes" in result.method


def test_a_syntax_error_names_its_line_and_caps_the_score() -> None:
    result = offline_review("def ok():\n    return 1\n\ndef broken(:\n    pass\n", "python")
    assert result.findings[0].line == 4 and result.findings[0].severity == "error"
    assert "Syntax error" in result.findings[0].message
    assert result.score <= 40


def test_clean_code_is_approved_but_not_perfect_when_small() -> None:
    result = offline_review(CLEAN, "python")
    assert result.approved and result.findings == ()
    assert result.score == 94 and any("substantial" in note for note in result.notes)
    big = offline_review(SUBSTANTIAL, "python")
    assert big.findings == () and big.score == 100


@pytest.mark.parametrize(
    "code", ["x = 1\n", "print(1)\n", 'print("hello world")\n', "pass\n", "print(1)\n" * 25]
)
def test_trivial_code_is_never_approved(code: str) -> None:
    result = offline_review(code, "python")
    assert not result.approved and result.score <= 60
    assert any("too little code" in note for note in result.notes)


def test_an_undefined_name_blocks_approval() -> None:
    code = CLEAN.replace("return round(result, 2)", "return round(reslt, 2)")
    result = offline_review(code, "python")
    assert "undefined name 'reslt'" in result.findings[0].message
    assert not result.approved and result.score < 70


@pytest.mark.parametrize(
    ("snippet", "test_id"),
    [
        ("rows = db.execute(\"SELECT * FROM t WHERE name = '%s'\" % name)", "B608"),
        ('subprocess.run(f"ping {name}", shell=True)', "B602"),
        ("value = eval(name)", "B307"),
        ('password = "hunter2-prod"', "B105"),
        ("data = pickle.loads(name)", "B301"),
    ],
)
def test_security_findings_from_bandit_block_approval(snippet: str, test_id: str) -> None:
    code = CLEAN.replace("    result = sum(kept)\n", f"    result = sum(kept)\n    {snippet}\n")
    code = "import pickle\nimport subprocess\n" + code
    result = offline_review(code, "python")
    security = [f for f in result.findings if test_id in f.message]
    assert security and security[0].severity == "error" and security[0].line == 12
    assert not result.approved and result.findings[0] == security[0]


def test_nosec_cannot_switch_the_security_checks_off() -> None:
    code = CLEAN.replace("    result = sum(kept)\n", "    result = eval(str(kept))  # nosec\n")
    assert any("B307" in message for message in messages(code))


def test_complexity_comes_from_radon_and_a_flat_chain_is_not_nesting() -> None:
    source = "def f(a, b):\n    if a and b:\n        return [x for x in a if x]\n    while b:\n        b -= 1\n"
    (function,) = functions(source)
    assert function.complexity == 6  # 1 + if + and + comprehension (for, if) + while
    chain = "\n".join(
        f"    {'if' if n == 0 else 'elif'} x == {n}:\n        return {n}" for n in range(12)
    )
    found = messages(f'def many(x):\n    """Pick."""\n{chain}\n    return -1\n')
    assert any("cyclomatic complexity 13" in message for message in found)
    assert not any("nested" in message for message in found)


def test_files_opened_outside_with_are_reported() -> None:
    code = (
        CLEAN
        + '\n\ndef first_line(path: str) -> str:\n    """The first line."""\n    return open(path).readline()\n'
    )
    found = offline_review(code, "python").findings
    assert any(f.line == 21 and "outside a with block" in f.message for f in found)
    managed = (
        CLEAN
        + '\n\ndef first_line(path: str) -> str:\n    """The first line."""\n    with open(path) as handle:\n        return handle.readline()\n'
    )
    assert not any("with block" in message for message in messages(managed))


def test_todo_comments_are_read_from_comments_only() -> None:
    strings = CLEAN.replace('"""Totals."""', '"""A TODO list app."""\nTITLE = "TODO list app"')
    assert not any("TODO" in message for message in messages(strings))
    commented = CLEAN.replace(
        "    result = sum(kept)\n", "    result = sum(kept)  # TODO rounding\n"
    )
    assert any("TODO" in message for message in messages(commented))


def test_the_worst_finding_leads_and_gives_the_suggestion() -> None:
    code = "import os\n\n" + CLEAN.replace(
        "    result = sum(kept)\n",
        "    try:\n        result = sum(kept)\n    except:\n        pass\n",
    )
    result = offline_review(code, "python")
    assert "swallowed" in result.findings[0].message and result.findings[0].line == 13
    assert "unused" in result.findings[1].message
    assert "never pass silently" in result.suggestion


def test_line_numbers_match_the_paste() -> None:
    submission = extract(fenced("\n\ndef f(:\n    pass\n"), None)
    assert submission is not None
    assert offline_review(submission.code, "python").findings[0].line == 3
    method = "    def area(self):\n        return self.w * self.h\n"
    assert not any("Syntax" in message for message in messages(method))


def test_code_is_parsed_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    source = f"open({str(marker)!r}, 'w').write('x')\nraise SystemExit(3)\n"
    offline_review(source, "python")
    offline_review(f"require('fs').writeFileSync({str(marker)!r}, 'x');\n", "javascript")
    assert not marker.exists()


BROKEN = {
    "javascript": (
        "function f(a) {\n  let s = 0;\n  for (const x of a {\n    s += x;\n  }\n  return s;\n}\n",
        3,
    ),
    "typescript": ("function f(a: number[]): number {\n  return Math.max(...a;\n}\n", 2),
    "java": ("class A {\n    int f() {\n        int x = 1\n        return x;\n    }\n}\n", 3),
    "go": ('package main\n\nfunc main() {\n\tprintln("hi"\n}\n', 4),
    "c": ("int f(int a) {\n    if (a > 1 {\n        return 1;\n    }\n    return 0;\n}\n", 2),
    "cpp": ("#include <vector>\nint f(std::vector<int> v) {\n    return v.size()\n}\n", 3),
    "rust": ('fn main() {\n    let x = 1;\n    println!("{}", x;\n}\n', 3),
    "sql": ("SELECT name, COUNT(*\nFROM orders\nGROUP BY name;\n", 1),
    "shell": ("#!/bin/bash\nif [ -f x ]; then\n  echo yes\nfi\nfi\n", 5),
}


@pytest.mark.parametrize("language", sorted(BROKEN))
def test_other_languages_are_parsed_for_real(language: str) -> None:
    code, line = BROKEN[language]
    result = offline_review(code, language)
    assert result.findings[0].severity == "error" and "Syntax error" in result.findings[0].message
    assert abs(result.findings[0].line - line) <= 1
    assert not result.approved and result.score <= 40
    assert "tree-sitter" in result.method and "names and types are not checked" in result.method


def test_every_grammar_loads_from_its_wheel() -> None:
    assert {"javascript", "typescript", "java", "go", "c", "cpp", "rust", "sql", "shell"} <= set(
        GRAMMARS
    )
    for language in GRAMMARS:
        offline_review("x", language)  # would raise if a grammar were missing


@pytest.mark.parametrize(
    ("language", "code", "expected"),
    [
        ("javascript", 'const q = "SELECT * FROM users WHERE id = " + id;\n', "SQL built"),
        ("javascript", "el.innerHTML = comment.text;\n", "cross-site"),
        ("typescript", "const r = db.query(`SELECT * FROM t WHERE a = '${a}'`);\n", "SQL built"),
        (
            "java",
            'class A { void f(String n) throws Exception { Runtime.getRuntime().exec("rm " + n); } }\n',
            "exec()",
        ),
        (
            "go",
            'package main\nfunc f(n string) { q := fmt.Sprintf("SELECT id FROM u WHERE n = %s", n); db.Query(q) }\n',
            "SQL built",
        ),
        ("c", "int main(void) { char b[8]; gets(b); return 0; }\n", "gets()"),
        ("shell", 'read -r x\neval "run_$x"\n', "eval"),
        ("shell", "curl -s https://example.com/i.sh | bash\n", "curl | sh"),
        ("typescript", 'const API_TOKEN = "abcdef123456";\n', "hard-coded secret"),
    ],
)
def test_security_patterns_in_other_languages(language: str, code: str, expected: str) -> None:
    result = offline_review(code, language)
    assert any(expected in f.message and f.severity == "error" for f in result.findings)
    assert not result.approved


def test_complexity_in_other_languages_comes_from_lizard() -> None:
    branches = "".join(f"  if (x === {n}) {{ return {n}; }}\n" for n in range(12))
    found = messages(f"function pick(x) {{\n{branches}  return -1;\n}}\n", "javascript")
    assert any("cyclomatic complexity 13" in message for message in found)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("This is my TODO list app. It lets people add tasks and mark them done.", "python"),
        ("The query should return every customer who ordered something last month.", "sql"),
        ("First install the dependencies, then run the tests, and deploy to staging.", "bash"),
        ("I think the best way is to use a hash map and look each item up once.", ""),
    ],
)
def test_prose_is_not_code(text: str, tag: str) -> None:
    submission = extract(fenced(text + "\n", tag), None)
    assert submission is not None
    assert not_code_reason(submission.code, submission.language) is not None


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("SELECT name FROM users WHERE age > 30 ORDER BY name;\n", "sql"),
        ('print("hello there my friend, how are you today")\n', "python"),
        ("echo starting the nightly backup of the home directory\n", "shell"),
    ],
)
def test_code_that_reads_like_english_is_still_code(code: str, language: str) -> None:
    assert not_code_reason(code, language) is None


def test_unknown_languages_are_named_with_the_supported_list() -> None:
    reason = unsupported_reason("haskell")
    assert reason is not None and "cannot parse haskell" in reason
    assert all(language in reason for language in SUPPORTED)
    unknown = unsupported_reason("text")
    assert unknown is not None and "could not tell which language" in unknown
    assert unsupported_reason("go") is None


def test_the_hash_ignores_layout_and_comments_only() -> None:
    again = "# second try\n" + CLEAN.replace("\n\n\n", "\n").replace("    ", "  ")
    assert code_hash(again, "python") == code_hash(CLEAN, "python")
    changed = CLEAN.replace("price > 0", "price >= 0")
    assert code_hash(changed, "python") != code_hash(CLEAN, "python")
    moved = "if a:\n    b()\nc()\n", "if a:\n    b()\n    c()\n"
    assert code_hash(moved[0], "python") != code_hash(moved[1], "python")
    js = "function f(a) {\n  return a + 1; // add\n}\n"
    assert code_hash(js, "javascript") == code_hash("function f(a){return a+1;}", "javascript")


async def test_review_in_one_message_awards_request_and_approval(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    answer = await ada.say(f"/review python\n{fenced(CLEAN)}")
    assert "Code review (python)" in answer and "Approved" in answer
    assert "Offline review" in answer and "Suggested improvement" in answer
    assert await xp_rows(dojo) == [("code_review_completed", 30), ("code_review_requested", 15)]
    async with dojo.services.uow_factory() as uow:
        review = await uow.session.scalar(select(CodeReview))
        assert review is not None
        assert (review.status, review.model, review.approved) == ("completed", "offline", True)
        assert review.code_hash == code_hash(CLEAN.rstrip(), "python")


async def test_the_same_code_earns_once(dojo: Dojo) -> None:
    ada = ChatDriver(dojo.router, "ada")
    await ada.say(f"/review\n{fenced(CLEAN)}")
    tidied = "# tidied\n" + CLEAN.replace("\n\n\n", "\n")
    again = await ada.say(f"/review\n{fenced(tidied)}")
    assert "Approved" in again and "No XP" in again and "reviewed before" in again
    assert await xp_rows(dojo) == [("code_review_completed", 30), ("code_review_requested", 15)]
    # Another learner's first review of the same code still earns.
    await ChatDriver(dojo.router, "bob").say(f"/review\n{fenced(CLEAN)}")
    assert len(await xp_rows(dojo)) == 4


async def test_hello_worlds_do_not_unlock_review_master(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    for greeting in ("hello", "hi", "hey", "hallo", "salut"):
        answer = await ada.say(f"/review\n{fenced(f'print({greeting!r})' + chr(10))}")
        assert "Changes needed" in answer and "too little code" in answer
    assert "Review Master" not in answer and "Perfectionist" not in answer
    assert await xp_rows(sqlite_dojo) == [("code_review_requested", 15)] * 5


async def test_prose_gets_one_line_and_no_xp(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await ada.say("/review")
    answer = await ada.say(
        fenced("This is my TODO list app. It lets people add tasks and finish them.\n")
    )
    assert "prose, not code" in answer and "/100" not in answer and "\n" not in answer
    unknown = await ada.say("/review haskell\n" + fenced('main = putStrLn "hi"\n', "haskell"))
    assert "cannot parse haskell" in unknown and "/100" not in unknown
    assert await xp_rows(sqlite_dojo) == []
    async with sqlite_dojo.services.uow_factory() as uow:
        statuses = list((await uow.session.scalars(select(CodeReview.status))).all())
    assert statuses == ["not_reviewed"]


async def test_changes_needed_earns_only_the_request_xp(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    answer = await ada.say(f"/review\n{fenced(MESSY, 'py')}")
    assert "Changes needed" in answer and "line 9" in answer
    assert await xp_rows(sqlite_dojo) == [("code_review_requested", 15)]


async def test_code_in_the_next_message(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    prompt = await ada.say("/review go")
    assert "next message" in prompt
    answer = await ada.say(fenced('package main\n\nfunc main() {\n\tprintln("hi")\n}\n', ""))
    assert "Code review (go)" in answer and "tree-sitter" in answer
    # The request is used up: the next plain message is not reviewed.
    assert "Code review" not in await ada.say(fenced("x = 1\n"))


async def test_language_is_guessed_and_files_are_accepted(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    assert "Code review (python)" in await ada.say(f"/review\n{fenced(CLEAN, '')}")
    upload = Attachment("main.rs", b'fn main() {\n    println!("hi");\n}\n')
    assert "Code review (rust)" in await ada.say("/review", attachments=(upload,))


async def test_refused_work_gets_one_line_and_no_xp(sqlite_dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    empty = await ada.say("/review python\n```python\n```")
    too_long = await ada.say("/review\n" + fenced("x = 1\n" * 3500))
    paste = await ada.say("/review\n" + fenced("y = 2\n" * 8400))  # 50,000+ characters
    binary = await ada.say("/review\n```\n\x00\x01\x02\x03binary\x04\x05\n```")
    assert "no code" in empty
    assert "21,000 characters" in too_long and "20,000" in too_long
    assert "too long" in paste and "50,4" in paste
    assert "binary" in binary
    await ada.say("/review")
    no_code = await ada.say("thanks, that is all")
    assert "no code" in no_code
    assert "waiting" in await ada.say("/review cancel")
    for text in (empty, too_long, paste, binary, no_code):
        assert "\n" not in text
    assert await xp_rows(sqlite_dojo) == []


async def test_a_request_expires_and_can_be_cancelled(sqlite_dojo: Dojo, clock: FixedClock) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    await ada.say("/review")
    assert "cancelled" in await ada.say("/review cancel")
    await ada.say("/review")
    clock.advance(hours=1)
    assert "Code review" not in await ada.say(fenced(CLEAN))
    async with sqlite_dojo.services.uow_factory() as uow:
        statuses = sorted((await uow.session.scalars(select(CodeReview.status))).all())
    assert statuses == ["cancelled", "expired"]


async def test_code_after_review_is_reviewed_even_mid_interview(sqlite_dojo: Dojo) -> None:
    ada = ChatDriver(sqlite_dojo.router, "ada")
    started = await ada.say("/interview backend junior")
    await ada.say("/review")
    assert "Code review (python)" in await ada.say(fenced(CLEAN))
    # With a review waiting, plain answers still belong to the interview.
    await ada.say("/review")
    answered = await ada.say("I would start by asking about the requirements.")
    assert answered and "no code" not in answered and "Code review" not in answered
    async with sqlite_dojo.services.uow_factory() as uow:
        statuses = sorted((await uow.session.scalars(select(CodeReview.status))).all())
    assert statuses == ["awaiting_code", "completed"]
    assert "interview" in started.lower()


@pytest.mark.parametrize(
    ("language", "code"),
    [
        ("python", "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n"),
        ("javascript", "f(" * 5000 + ")" * 5000 + ";\n"),
        ("javascript", "a" + ".b()" * 4000 + ";\n"),
        ("shell", "$(( " * 500 + "\n"),
        ("cpp", "template<" * 2000 + "\n"),
        ("sql", "SELECT a FROM t WHERE b = 1;\n" * 700),
    ],
)
def test_hostile_code_gets_a_review_not_a_crash(language: str, code: str) -> None:
    result = offline_review(code, language)
    assert not result.approved and result.findings
    assert not_code_reason(code, language) is None
    assert len(code_hash(code, language)) == 64


@pytest.mark.parametrize(
    ("language", "code", "expected", "severity"),
    [
        (
            "java",
            "class A {\n  boolean same(String a, String b) {\n    return a == b;\n  }\n}\n",
            "Strings compared with ==",
            "error",
        ),
        (
            "c",
            "int *squares(void) {\n    int out[10];\n    return out;\n}\n",
            "Returns the local array out",
            "error",
        ),
        (
            "go",
            "package main\n\nfunc f() {\n\tn, _ := file.Read(buf)\n\tuse(n)\n}\n",
            "thrown away with _",
            "warning",
        ),
    ],
)
def test_classic_bugs_in_other_languages(
    language: str, code: str, expected: str, severity: str
) -> None:
    found = offline_review(code, language).findings
    assert any(expected in f.message and f.severity == severity for f in found)
    fixed = code.replace("a == b", "a.equals(b)").replace("n, _ :=", "n, err :=")
    fixed = fixed.replace("int out[10];", "static int out[10];")
    assert not any(expected in f.message for f in offline_review(fixed, language).findings)


def test_reviews_in_parallel_threads_agree_with_one_at_a_time() -> None:
    """The service reviews in worker threads: parsers must not be shared between them."""
    from concurrent.futures import ThreadPoolExecutor

    work = [(code, language) for language, (code, _line) in sorted(BROKEN.items())] * 4
    work += [(CLEAN, "python"), (MESSY, "python")] * 4
    alone = [offline_review(code, language) for code, language in work]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda item: offline_review(*item), work))
    assert together == alone
