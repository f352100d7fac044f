"""Finding concepts in an answer: whole words and phrases, and whether the answer affirms them.

The answer is cut into sentences and its words are reduced to Snowball stems (the maintained
`snowballstemmer` package, which runs PyStemmer's C implementation when installed: the same
stems, about fifty times faster), so "stacks" finds "stack" and "invalidating" finds "invalidate",
while "popular" never finds "pop": a concept matches only a whole run of stems, never a prefix.

Polarity is read from the words around a mention, the way a reader would: a negator before it
("never store tokens in localStorage", "use cookies instead of localStorage", "avoid
innerHTML") or a verdict after it ("localStorage is vulnerable to XSS") turns it into a
rejection. The scope of a negator ends at the end of the clause: a sentence end, a contrast
word ("but", "however", "because") or a comma or "and" that starts a new clause ("never use
innerHTML, use textContent"). Two negators cancel ("never skip validation"). A hand-written
scope rule over a tokenizer is used rather than a parser: the NLP libraries that install from
PyPI without downloading models (simplemma, snowball) give stems, not negation scope, and a
dependency parser would need model weights fetched at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_STEMMER = snowballstemmer.stemmer("english")

_ABBREVIATIONS = (("e.g.", "eg"), ("i.e.", "ie"), ("etc.", "etc"), ("vs.", "vs"))
_CONTRACTIONS = (
    (r"\bcan't\b", "can not"), (r"\bwon't\b", "will not"), (r"\bshan't\b", "shall not"),
    (r"n't\b", " not"), (r"\bcannot\b", "can not"), (r"'(s|re|ve|ll|d|m)\b", r" \1"),
)  # fmt: skip
_CONTRACTION_PATTERNS = tuple((re.compile(p), r) for p, r in _CONTRACTIONS)
_BIG_O = re.compile(r"\bo\s*\(\s*([^()]{1,16})\)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_TOKEN = re.compile(r"[a-z0-9]+|,|:")

# Words after a mention that judge it bad ("innerHTML is dangerous").
_VERDICTS = (
    "bad", "dangerous", "unsafe", "insecure", "vulnerable", "risky", "wrong", "harmful",
    "antipattern", "anti", "mistake", "deprecated", "broken", "discouraged", "terrible",
    "fragile", "brittle", "flawed", "exploitable", "obsolete", "outdated", "unreliable",
    "insufficient", "inadequate", "unnecessary", "pointless", "waste", "useless", "overkill",
    "crackable", "impossible", "myth", "unrealistic", "hides", "hide", "masks", "mask",
    "unachievable",
)  # fmt: skip
_VERDICT_PAIRS = (("too", "fast"), ("too", "weak"), ("too", "cheap"), ("exposed", "to"))
_COPULAS = (
    "is", "are", "was", "were", "be", "been", "being", "s", "re", "gets", "get", "does", "do",
    "will", "can", "would", "should", "could",
)  # fmt: skip
# Words that make a mention a recommendation ("store them in localStorage", "I'd use MD5").
_RECOMMENDS = (
    "use", "using", "store", "storing", "put", "keep", "save", "write", "set", "go", "just",
    "simply", "recommend", "prefer", "best", "should", "would", "d", "must", "always", "rely",
    "choose", "pick", "stick", "fine", "ok", "okay", "enough", "good", "works", "need", "let",
    "take", "do", "run", "retry", "add", "cut", "rewrite", "delete", "rm", "lock",
)  # fmt: skip
_NEGATOR_WORDS = (
    "not", "no", "never", "nor", "neither", "without", "avoid", "avoiding", "avoided", "stop",
    "against", "skip", "skipping", "ignore", "ignoring", "forget", "nothing", "none", "ban",
    "forbid", "prohibit", "discourage", "disallow",
)  # fmt: skip
_NEGATOR_PHRASES = (("instead", "of"), ("rather", "than"), ("as", "opposed", "to"))
# Words that open a new clause after a comma or "and" (they end a negator's scope).
_CLAUSE_STARTERS = (
    "i", "we", "you", "it", "they", "he", "she", "this", "that", "these", "those", "which",
    "there", "use", "put", "store", "keep", "prefer", "set", "send", "add", "make", "do",
    "always", "instead", "save", "pass", "return", "call", "escape", "sanitize", "sanitise",
    "validate", "render", "hold", "choose", "pick", "go", "rely", "write", "read", "move",
    "then", "so", "let", "give", "run", "ask", "check", "start", "wrap", "treat", "apply",
    "should", "must", "would", "will", "can", "could", "only", "just", "rotate", "issue",
    "lock", "hash", "encrypt", "sign", "cache", "log", "measure", "test", "split", "ship",
)  # fmt: skip
_CONTRAST = ("but", "however", "because", "whereas", "although", "though", "yet", "since")
_IGNORANCE = (
    ("i", "do", "not", "know"), ("no", "idea"), ("not", "sure"), ("never", "heard"),
    ("not", "familiar"), ("can", "not", "remember"), ("no", "clue"), ("have", "not", "heard"),
    ("i", "forgot"), ("i", "ve", "forgotten"), ("unsure",), ("i", "have", "never", "used"),
    ("never", "learned"), ("not", "studied"), ("dunno",), ("i", "not", "know"),
)  # fmt: skip
_HEDGES = ("maybe", "perhaps", "guess", "probably", "something", "somehow", "whatever")
# Small words that make a run of terms a sentence; "and"/"or" are left out, they join lists.
_SMALL_WORDS = (
    "a an the is are was were be been being it its this that these those there here i we "
    "you he she they them us me my our your their of to in on at by for with from into "
    "over under when where while if then so because which who what how why can could "
    "would will should must may might do does did done has have had not no never than "
    "as also only just very each every any all some more most less before after until "
    "through about since both either one up out off again once whether instead rather "
    "s re ll ve d m let lets get gets got make makes keep keeps"
)
FUNCTION_WORDS = frozenset(_SMALL_WORDS.split())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


NEGATORS = frozenset(stem(word) for word in _NEGATOR_WORDS)
VERDICTS = frozenset(stem(word) for word in _VERDICTS)
VERDICT_PAIRS = frozenset((stem(first), stem(second)) for first, second in _VERDICT_PAIRS)
IGNORANCE = tuple(tuple(stem(word) for word in phrase) for phrase in _IGNORANCE)
CLAUSE_STARTERS = frozenset(stem(word) for word in _CLAUSE_STARTERS)
CONTRAST = frozenset(stem(word) for word in _CONTRAST)
COPULAS = frozenset(stem(word) for word in _COPULAS)
RECOMMENDS = frozenset(stem(word) for word in _RECOMMENDS)
HEDGES = frozenset(stem(word) for word in _HEDGES)
_COMMON_VERBS = (
    "use", "put", "store", "prefer", "send", "add", "save", "pass", "return", "call", "handle",
    "check", "run", "go", "need", "want", "think", "know", "see", "look", "try", "say", "take",
    "give", "find", "tell", "ask", "work", "help", "start", "show", "mean", "means", "put",
)  # fmt: skip
_FUNCTION_STEMS = frozenset(stem(word) for word in (*FUNCTION_WORDS, *_COMMON_VERBS)) | NEGATORS
_ARTICLES = frozenset(("a", "an", "the"))
# A subject mid-sentence starts a clause ("if it does not fit in memory I would ..."), except
# after a verb of opinion ("I don't think we should ...", where the denial reaches on).
_SUBJECTS = frozenset(("i", "we"))
_OPINION_VERBS = frozenset(stem(word) for word in ("think", "believe", "say", "feel", "suggest"))


def normalise(text: str) -> str:
    """Lower case, abbreviations and contractions spelled out, big-O written as one word."""
    text = text.lower().replace("’", "'").replace("‘", "'")
    for short, long in _ABBREVIATIONS:
        text = text.replace(short, long)
    if "'" in text or "cannot" in text:
        for pattern, replacement in _CONTRACTION_PATTERNS:
            text = pattern.sub(replacement, text)
    text = text.replace("²", "^2").replace("log(n)", "log n")
    return _BIG_O.sub(lambda found: " bigo" + re.sub(r"[^a-z0-9]", "", found.group(1)) + " ", text)


def words_of(text: str) -> list[str]:
    """The stems of a phrase, articles left out (how concepts and answers are compared)."""
    tokens = _TOKEN.findall(normalise(_split_identifiers(text)))
    return [stem(token) for token in tokens if token.isalnum() and token not in _ARTICLES]


@dataclass(frozen=True)
class Sentence:
    """One sentence: its stems, which of them are denied, and what kind of sentence it is."""

    stems: tuple[str, ...]
    denied: tuple[bool, ...]
    clauses: tuple[int, ...]  # which clause of the sentence each stem is in
    unknown: frozenset[int]  # clauses that admit not knowing ("never heard of ...")
    hedged: bool
    function_share: float  # share of small words: near 0 for a bare list of terms
    items: int = 1  # comma-separated parts: many for an enumeration

    @property
    def ignorant(self) -> bool:
        """Every clause of it admits not knowing."""
        return bool(self.unknown) and set(self.clauses) <= self.unknown

    @property
    def is_list(self) -> bool:
        """A run of terms without the small words that make it a sentence."""
        return len(self.stems) < 3 or self.function_share < 0.12

    def find(self, phrase: Sequence[str]) -> list[int]:
        """Start positions where the stems of `phrase` occur as a whole run."""
        size = len(phrase)
        if not size:
            return []
        return [
            index
            for index in range(len(self.stems) - size + 1)
            if self.stems[index : index + size] == tuple(phrase)
        ]

    def mentions(self, phrase: Sequence[str]) -> Mention:
        """How the sentence speaks of one phrase: affirmed, rejected, or recommended."""
        affirmed = rejected = recommended = False
        for start in self.find(phrase):
            if self.clauses[start] in self.unknown:
                continue  # "I have never heard of X" says nothing for X
            end = start + len(phrase)
            if self.denied[start] or self._judged_bad(end):
                rejected = True
                continue
            affirmed = True
            clause = self.clauses[start]
            recommended = recommended or any(
                word in RECOMMENDS and self.clauses[index] == clause and not self.denied[index]
                for index, word in enumerate(self.stems)
                if not start <= index < end
            )
        return Mention(affirmed, rejected, recommended)

    def _judged_bad(self, end: int) -> bool:
        """A verdict a few words after a mention, in its clause: "X is dangerous", "X is not
        safe", "X is too fast"."""
        if end >= len(self.stems):
            return False
        clause = self.clauses[end - 1]
        window = [
            word
            for word, where in zip(
                self.stems[end : end + 5], self.clauses[end : end + 5], strict=True
            )
            if where == clause
        ]
        for offset, word in enumerate(window):
            if word in VERDICTS or tuple(window[offset : offset + 2]) in VERDICT_PAIRS:
                return True
            if (
                offset < 2
                and word in COPULAS
                and window[offset + 1 : offset + 2] in (["not"], ["never"])
            ):
                return True
        return False


@dataclass(frozen=True)
class Mention:
    affirmed: bool = False
    rejected: bool = False
    recommended: bool = False  # affirmed in a clause that advises it


def _starts_clause(tokens: Sequence[str], index: int) -> bool:
    """After a comma or "and": does a new clause (with its own verb or subject) begin here?"""
    while index < len(tokens) and tokens[index] in ("and", "but", "then", "just", ","):
        index += 1
    return index < len(tokens) and tokens[index] in CLAUSE_STARTERS


def parse_sentence(raw: str, polarity: bool = True) -> Sentence | None:
    tokens = [stem(token) if token.isalnum() else token for token in _TOKEN.findall(raw)]
    stems: list[str] = []
    denied: list[bool] = []
    clauses: list[int] = []
    negations = clause = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token in (",", ":") or token == "and":
            if _starts_clause(tokens, index + 1):
                negations = 0
                clause += 1
            index += 1
            continue
        if token in CONTRAST or (
            token in _SUBJECTS and index and tokens[index - 1] not in _OPINION_VERBS
        ):
            negations = 0
            clause += 1
        phrase = _negator_phrase(tokens, index) if polarity else 0
        if phrase:
            negations += 1
            stems.extend(tokens[index : index + phrase])
            denied.extend([False] * phrase)
            clauses.extend([clause] * phrase)
            index += phrase
            continue
        if token in _ARTICLES:
            index += 1
            continue
        stems.append(token)
        clauses.append(clause)
        denied.append(negations % 2 == 1)
        if token in NEGATORS and polarity:
            negations += 1
        index += 1
    if not stems:
        return None
    # An admission covers its clause and those before it ("I've seen X and Y, but I don't
    # know what they mean"), not a later attempt ("I'm not sure, but I'd use a stack").
    admitted = [clauses[start] for phrase in IGNORANCE for start in _starts(stems, phrase)]
    unknown = frozenset(range(max(admitted) + 1)) if admitted else frozenset()
    function_share = sum(1 for word in stems if word in _FUNCTION_STEMS) / len(stems)
    hedged = raw.rstrip().endswith("?") or (
        len(stems) < 6 and any(word in HEDGES for word in stems)
    )
    items = sum(1 for token in tokens if token in (",", "and", "or")) + 1
    return Sentence(
        tuple(stems), tuple(denied), tuple(clauses), unknown, hedged, function_share, items
    )


def _negator_phrase(tokens: Sequence[str], index: int) -> int:
    for phrase in _NEGATOR_PHRASES:
        if tuple(tokens[index : index + len(phrase)]) == phrase:
            return len(phrase)
    return 0


def _starts(stems: Sequence[str], phrase: Sequence[str]) -> list[int]:
    size = len(phrase)
    return [i for i in range(len(stems) - size + 1) if tuple(stems[i : i + size]) == tuple(phrase)]


def sentences(text: str, code: bool = False) -> list[Sentence]:
    """The answer as sentences, for matching (code identifiers are split into words). In code,
    `not` is logic, not a denial, so polarity is not read."""
    found = []
    for raw in _SENTENCE_END.split(normalise(_split_identifiers(text))):
        parsed = parse_sentence(raw, polarity=not code)
        if parsed is not None:
            found.append(parsed)
    return found


def _split_identifiers(text: str) -> str:
    """`snake_case` reads as two words, so code and prose name things alike."""
    return text.replace("_", " ")


def stems_of(texts: Iterable[str]) -> set[str]:
    return {word for text in texts for word in words_of(text)}
