"""Why a summary came out empty, in words a user can act on; an all-empty result is an error, not a silent "".

The pipeline (``summarize_documents``) calls :func:`require_sentences`; the CLI uses :func:`empty_reason` to
explain a story that came out empty. The usable sentence length comes from the filter that owns it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from mdsum.errors import InputError
from mdsum.types import Result, Sentence, StoryResult


class EmptyResultError(InputError):
    """Every story's summary is empty; the message says why (too short, sentences too long, none verified)."""


def word_limits(sentence_filter: Any) -> tuple[int, int] | None:
    """(min, max) words of a sentence a summary may use, when the filter has such limits."""
    if hasattr(sentence_filter, "min_words") and hasattr(sentence_filter, "max_words"):
        return int(sentence_filter.min_words), int(sentence_filter.max_words)
    return None


def empty_reason(story: StoryResult | Sequence[str], sentences: Sequence[Sentence], sentence_filter: Any) -> str:
    """Why ``story`` (or these document ids) has no summary sentence: no sentence at all, none of a usable length,
    none the filter lets stand alone (its ``explain``, when it has one, says why), or none verified."""
    ids = set(story.story.doc_ids if isinstance(story, StoryResult) else story)
    own = [s for s in sentences if s.doc_id in ids]
    names = ", ".join(sorted(ids))
    if not own:
        return (f"input too short: no sentence found in {names} (an article needs sentences of ordinary prose; "
                f"headings, fragments and lines without letters are not used)")
    limits = word_limits(sentence_filter)
    if limits is not None:
        lo, hi = limits
        lengths = [len(s.text.split()) for s in own]
        if not any(lo <= n <= hi for n in lengths):
            longer, shorter = sum(n > hi for n in lengths), sum(n < lo for n in lengths)
            return (f"no usable sentence in {names}: of {len(own)} sentence(s), {longer} longer than {hi} words and "
                    f"{shorter} shorter than {lo} (filter min_words/max_words); a run-on text without sentence "
                    f"punctuation is one long sentence")
    explain = getattr(sentence_filter, "explain", None)
    reasons = explain(own) if explain is not None else []
    if reasons and all(reasons):
        counts = ", ".join(f"{n} {why}" for why, n in Counter(reasons).most_common())
        return (f"no sentence of {names} can stand alone in a summary: of {len(own)} sentence(s), {counts} "
                f"(the filter's rules, mdsum/filter.py)")
    return f"no sentence of {names} could be verified against its sources (the checker rejected every candidate)"


def require_sentences(result: Result, sentence_filter: Any) -> None:
    """Raise :class:`EmptyResultError` when no story got a single sentence (a silent empty summary would lie)."""
    if any(sr.summary.sentences for sr in result.stories):
        return
    ids = [d.id for d in result.documents]
    raise EmptyResultError("no summary: " + empty_reason(ids, result.sentences, sentence_filter))
