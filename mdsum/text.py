"""Shared text knowledge: one stop list, one tokenizer, one byline rule, one quote fold.

Every stage that asks "which words carry content" or "is this a byline" asks here, so the fuser, the
verifier, the attributor and the metrics agree on the answer.
"""

from __future__ import annotations

import re

_QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'"})


def fold_quotes(text: str) -> str:
    """Typographic quotes and apostrophes as ASCII: quote style is typography, not content."""
    return text.translate(_QUOTE_MAP)


STOP_WORDS = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this that
    these those he she they them his her their we our you your i me my not no so than then there here has have had
    do does did will would can could should may might must said says say told also about after before over into
    up out who whom which what when where why how all any some more most such only just very""".split()
)
_TOKEN = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
# Lexicons list compounds ("cover-up", "can't"), so lexicon look-ups keep hyphens and inner apostrophes.
_LEXICAL_TOKEN = re.compile(r"[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:[.,]\d+)*")


def tokens(text: str, compounds: bool = False) -> list[str]:
    """Lower-cased words and figures, quotes folded first ("Trump’s" and "Trump's" are one word).
    ``compounds`` keeps hyphenated words whole, for lexicon look-ups."""
    return [w.lower() for w in (_LEXICAL_TOKEN if compounds else _TOKEN).findall(fold_quotes(text))]


def content_words(text: str) -> list[str]:
    """:func:`tokens` without stop words, in text order (repeats kept)."""
    return [w for w in tokens(text) if w not in STOP_WORDS]


def word_count(text: str) -> int:
    """Whitespace words: the unit of every word budget."""
    return len(text.split())


def jaccard(a: set | frozenset, b: set | frozenset) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are identical (1.0)."""
    return len(a & b) / len(a | b) if a | b else 1.0


# "By Jane Doe", "Reporting by …": credit lines, not content; short, or "By the time…" would match too.
_BYLINE = re.compile(r"^(?:by|reporting by|editing by|written by|additional reporting by)\s+\S", re.IGNORECASE)
# "Photo: …", "Source: …": caption and credit labels, whatever their length.
_CREDIT = re.compile(r"^(?:photo|image|source|credit|caption)s?:\s", re.IGNORECASE)


def is_byline(text: str, max_words: int = 8) -> bool:
    """A credit line: "By Jane Doe | The Herald" (at most ``max_words`` words), or a "Photo: …" label."""
    t = text.strip()
    return bool(_CREDIT.match(t)) or (bool(_BYLINE.match(t)) and word_count(t) <= max_words)
