"""Why a summary came out empty, in words a user can act on; an all-empty result is an error, not a silent "".

The pipeline (``summarize_documents``) and the CLI call :func:`require_sentences`; :func:`empty_reason` explains
one story. The eligible sentence length comes from whichever component owns it (the filter, or the ranker's
older ``min/max_sentence_words``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mdsum.errors import InputError
from mdsum.types import Result, Sentence, StoryResult


class EmptyResultError(InputError):
    """Every story's summary is empty; the message says why (too short, sentences too long, none verified)."""


def word_limits(components: Mapping[str, Any]) -> tuple[int, int] | None:
    """(min, max) words of a sentence a summary may use, from the filter or the ranker; None if neither says."""
    flt, ranker = components.get("filter"), components.get("ranker")
    if flt is not None and hasattr(flt, "min_words") and hasattr(flt, "max_words"):
        return int(flt.min_words), int(flt.max_words)
    if ranker is not None and hasattr(ranker, "min_sentence_words"):
        return int(ranker.min_sentence_words), int(ranker.max_sentence_words)
    return None


def empty_reason(story: StoryResult | Sequence[str], sentences: Sequence[Sentence],
                 limits: tuple[int, int] | None) -> str:
    """Why ``story`` (or these document ids) has no summary sentence: no sentence at all, none of a usable length,
    or none verified."""
    ids = set(story.story.doc_ids if isinstance(story, StoryResult) else story)
    own = [s for s in sentences if s.doc_id in ids]
    names = ", ".join(sorted(ids))
    if not own:
        return (f"input too short: no sentence found in {names} (an article needs sentences of ordinary prose; "
                f"headings, fragments and lines without letters are not used)")
    if limits is not None:
        lo, hi = limits
        lengths = [len(s.text.split()) for s in own]
        if not any(lo <= n <= hi for n in lengths):
            longer, shorter = sum(n > hi for n in lengths), sum(n < lo for n in lengths)
            return (f"no usable sentence in {names}: of {len(own)} sentence(s), {longer} longer than {hi} words and "
                    f"{shorter} shorter than {lo} (filter min_words/max_words); a run-on text without sentence "
                    f"punctuation is one long sentence")
    return f"no sentence of {names} could be verified against its sources (the checker rejected every candidate)"


def require_sentences(result: Result, components: Mapping[str, Any]) -> None:
    """Raise :class:`EmptyResultError` when no story got a single sentence (a silent empty summary would lie)."""
    if any(sr.summary.sentences for sr in result.stories):
        return
    ids = [d.id for d in result.documents]
    raise EmptyResultError("no summary: " + empty_reason(ids, result.sentences, word_limits(components)))
