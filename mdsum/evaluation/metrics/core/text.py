"""Text helpers shared by the metrics: sentence splitting and word-budget truncation."""

from __future__ import annotations

import re
from functools import lru_cache

from mdsum.segment import PysbdSegmenter
from mdsum.types import Document

_WORDS = re.compile(r"\S+")


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` by the project's segmenter (``mdsum.pysbd_segmenter.v1``, English, no minimum length).

    It splits lines first, so already newline-split text never merges across lines; like the pipeline, it drops
    fragments without a letter (a stray "***" or a lone number).
    """
    return [s.text for s in _segmenter().segment(Document(id="text", text=text))]


def newline_sentences(text: str) -> str:
    """``text`` with one sentence per line, as ROUGE-Lsum expects."""
    return "\n".join(split_sentences(text))


def truncate_words(text: str, max_words: int) -> str:
    """The first ``max_words`` whitespace-separated words of ``text``, keeping its line breaks.

    Whitespace words are what ROUGE-1.5.5's ``-l`` counts, so the budget matches the official tool.
    """
    if max_words < 0:
        raise ValueError(f"max_words must be >= 0, got {max_words}")
    lines: list[str] = []
    left = max_words
    for line in text.split("\n"):
        if left <= 0:
            break
        words = _WORDS.findall(line)
        lines.append(" ".join(words[:left]))
        left -= len(words)
    return "\n".join(line for line in lines if line)


def word_count(text: str) -> int:
    return len(_WORDS.findall(text))


@lru_cache(maxsize=1)
def _segmenter() -> PysbdSegmenter:  # pySBD compiles its rules once; keep one segmenter
    seg = PysbdSegmenter(min_chars=0, language="en")
    seg.load()
    return seg
