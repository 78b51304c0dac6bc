"""Budget: which candidate sentences ship, measured on the text that actually ships, and in what order.

Sentences arrive in the ranker's priority order, already fused and verified. They are taken in that order
while they fit ``max_words`` (one that is too long for what is left is passed over, not a reason to stop)
and ``max_sentences``. The kept ones are then put in "inverted pyramid" reading order: by the earliest
relative position of any member of their claim group (a claim that leads some article comes first), ties
by priority. This reads like a news lead followed by detail, and is stable when articles arrive in any order.
"""

from __future__ import annotations

from collections.abc import Sequence

from mdsum.registry import register
from mdsum.text import word_count
from mdsum.types import ClaimGroup, Sentence, SummarySentence
from mdsum.validate import positive_int


def relative_positions(sentences: Sequence[Sentence]) -> dict[str, float]:
    """Sentence id → index / sentences in its document (0 = the lead)."""
    n_sent: dict[str, int] = {}
    for s in sentences:
        n_sent[s.doc_id] = max(n_sent.get(s.doc_id, 0), s.index + 1)
    return {s.id: s.index / n_sent[s.doc_id] for s in sentences}


def fit(lengths: Sequence[int], max_words: int, max_items: int) -> list[int]:
    """Indices taken in order while they fit: a too-long item is skipped, the next one still competes."""
    left, kept = max_words, []
    for i, n in enumerate(lengths):
        if len(kept) == max_items:
            break
        if n <= left:
            kept.append(i)
            left -= n
    return kept


@register("budget", "mdsum.word_budget.v1")
class WordBudget:
    """At most ``max_words`` words and ``max_sentences`` sentences, in reading order."""

    def __init__(self, max_words: int = 250, max_sentences: int = 10) -> None:
        self.max_words = positive_int("max_words", max_words)
        self.max_sentences = positive_int("max_sentences", max_sentences)

    def cut(self, candidates: Sequence[SummarySentence], groups: Sequence[ClaimGroup],
            sentences: Sequence[Sentence]) -> list[SummarySentence]:
        kept = fit([word_count(s.text) for s in candidates], self.max_words, self.max_sentences)
        pos = relative_positions(sentences)
        members = {g.id: g.sentence_ids for g in groups}

        def lead(s: SummarySentence) -> float:
            ids = [i for i in members.get(s.group_id, ()) if i in pos] or \
                  [i for c in s.citations for i in c.sentence_ids if i in pos]
            return min((pos[i] for i in ids), default=1.0)

        return [candidates[i] for i in sorted(kept, key=lambda i: (lead(candidates[i]), i))]
