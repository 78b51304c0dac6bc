"""Eligibility: which sentences can stand alone in a summary, decided once, before grouping.

A sentence that needs its neighbours ("He said …", "That decision …"), a headline or caption, a byline, a
fragment cut at "Spc." or a piece of a longer quotation reads wrongly out of its article, whatever its
salience, so it never becomes a claim candidate. The rules are surface patterns, written for English news.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mdsum.registry import register
from mdsum.text import is_byline, word_count
from mdsum.types import Sentence
from mdsum.validate import positive_int

_QUOTES = "\"“”«»„"


def is_quote_fragment(text: str) -> bool:
    """A sentence that is only a quotation, or a piece of a quote that spans several sentences."""
    t = text.strip()
    marks = sum(t.count(q) for q in _QUOTES)
    if marks % 2 == 1:
        return True
    if t[:1] in "'‘" and t.rstrip(".!?")[-1:] in "'’":
        return True
    return bool(t) and t[0] in _QUOTES and t.rstrip(".!?")[-1:] in _QUOTES


# A sentence opening on a personal pronoun needs the previous sentence to say who "he" or "it" is.
# "We"/"our" outside quotation marks is a speaker whose name is in another sentence.
_PRONOUN_START = re.compile(r"^(?:(?:but|and|yet|so|now|then|however,|meanwhile,|still,|now,|instead,)\s+)?"
                            r"(?:he|she|it|they|his|her|its|their|him|them|we|our|us)\b", re.IGNORECASE)
# Openings that point back to an earlier sentence: "Two more residents…", "Many said…", "That decision…".
_CONTEXT_START = re.compile(r"^(?:(?:\d+|two|three|four|five|several|many|some)\s+more\b|(?:many|others|some)\s+"
                            r"(?:said|say|says|told)\b|(?:this|that|these|those|such)\s)",
                            re.IGNORECASE)
# "…," Ammon continued. / "…," he added. — a quote that goes on from an earlier one.
_CONTINUES = re.compile(r"\b(?:continued|added|went on)[.!]$", re.IGNORECASE)
# "the number"/"the figure" without "of …" refers to a figure given in an earlier sentence, and a bare
# "the two"/"the pair" (not "the two men") to people named earlier.
_CONTEXT_ANYWHERE = re.compile(r"\bthe (?:number|figure|total|toll)\b(?! of\b)|\b(?:the|both) (?:two|three|four|pair)"
                               r"\b(?=\s*(?:[,.;:]|$|(?:as|are|were|was|is|have|had|has|who|remain|said|say)\b))",
                               re.IGNORECASE)
# A sentence "ending" on a title abbreviation was cut mid-name by the segmenter ("... found Army Spc.").
_CUT_AT_TITLE = re.compile(r"\b(?:Spc|Sgt|Cpl|Pvt|Lt|Col|Capt|Maj|Gen|Adm|Cmdr|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|"
                           r"Pres|Rev|Hon|St|No|Jr|Sr|Inc|Corp|Co|Ltd)\.$")
# Headlines and captions have no closing punctuation.
_ENDS_SENTENCE = re.compile(r"[.!]['\"’”)\]]*$")


def ineligibility(text: str, min_words: int, max_words: int) -> str | None:
    """Why a sentence cannot stand alone in a summary (a short phrase for a user), or None when it can.

    Not: too short or long, a question or headline (no closing '.' or '!'), cut at a title abbreviation, a
    byline, opening on a pronoun or phrase ("Two more …", "Many said …", "That decision …") whose referent is
    in another sentence, all capitals, or a quote fragment.
    """
    n = word_count(text)
    if n < min_words:
        return f"shorter than {min_words} words"
    if n > max_words:
        return f"longer than {max_words} words"
    t = text.strip()
    if not _ENDS_SENTENCE.search(t):
        return "without a closing '.' or '!' (a headline, question or cut-off text)"
    if _CUT_AT_TITLE.search(t):
        return "cut at a title abbreviation"
    if is_byline(t):
        return "a byline"
    if _PRONOUN_START.match(t):
        return "opening on a pronoun ('He', 'It', 'They' …) that names no one"
    if _CONTEXT_START.match(t) or _CONTEXT_ANYWHERE.search(t) or _CONTINUES.search(t):
        return "pointing back to an earlier sentence ('This …', 'That …', 'the two', '… he added')"
    if not any(c.islower() for c in t):
        return "all capitals"
    return "a fragment of a quotation" if is_quote_fragment(t) else None


def is_eligible(text: str, min_words: int, max_words: int) -> bool:
    """Whether a sentence can stand alone in a summary (:func:`ineligibility` finds nothing against it)."""
    return ineligibility(text, min_words, max_words) is None


@register("filter", "mdsum.eligibility_filter.v1")
class EligibilityFilter:
    """Keep the sentences that can stand alone (:func:`is_eligible`) with ``min_words``–``max_words`` words."""

    def __init__(self, min_words: int = 6, max_words: int = 60) -> None:
        self.min_words, self.max_words = positive_int("min_words", min_words), positive_int("max_words", max_words)
        if min_words > max_words:
            raise ValueError(f"min_words ({min_words}) exceeds max_words ({max_words})")

    def filter(self, sentences: Sequence[Sentence]) -> list[Sentence]:
        return [s for s in sentences if is_eligible(s.text, self.min_words, self.max_words)]

    def explain(self, sentences: Sequence[Sentence]) -> list[str | None]:
        """Per sentence, why :meth:`filter` leaves it out (None: kept); an empty story's warning says this."""
        return [ineligibility(s.text, self.min_words, self.max_words) for s in sentences]
