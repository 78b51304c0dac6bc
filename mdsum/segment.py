"""Sentence segmentation with exact character spans: ``doc.text[s.start:s.end] == s.text``.

Lines are split first, so a headline on its own line never merges with the body; a short line that does not end
like a sentence (a sub-heading, a standfirst, a pull quote: "Israel and Russian defense officials set to meet")
is a heading, not a sentence, and is left out. Each other line goes through
pysbd (rule-based, handles "U.S.", "Dr.", quotes). Two pysbd slips common in news are repaired: a split after
"a.m."/"p.m." before a weekday or month ("at 11:40 p.m. Friday"), and a piece starting in lower case.
"""

from __future__ import annotations

import re
from typing import Any

from mdsum.registry import register
from mdsum.types import Document, Sentence

_SENTENCE_END = ".!?…"
_CLOSERS = "\"'”’»)]"
_TIME_ABBREV = re.compile(r"\b[ap]\.m\.$", re.IGNORECASE)
_TIME_FOLLOWER = re.compile(
    r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|yesterday|tomorrow|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan\.|feb\.|aug\.|sept?\.|oct\.|nov\.|dec\.|[A-Z]{2,4}T\b|UTC|GMT)",
    re.IGNORECASE,
)


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, whitespace trimmed."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        start, end = m.start(), m.end()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def is_heading(line: str, max_words: int) -> bool:
    """A line of at most ``max_words`` words whose last character before closing quotes/brackets is not ``.!?…``."""
    s = line.strip().rstrip(_CLOSERS).rstrip()
    return 0 < len(line.split()) <= max_words and s[-1:] not in tuple(_SENTENCE_END)


def merge_slips(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join spans pysbd split wrongly: after a.m./p.m. before a day/month, or before a lower-case start."""
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out:
            prev = text[out[-1][0]:out[-1][1]].rstrip()
            piece = text[start:end]
            if piece[:1].islower() or (_TIME_ABBREV.search(prev) and _TIME_FOLLOWER.match(piece)):
                out[-1] = (out[-1][0], end)
                continue
        out.append((start, end))
    return out


@register("segmenter", "mdsum.pysbd_segmenter.v1")
class PysbdSegmenter:
    """Document → sentences with spans. Fragments shorter than ``min_chars`` or without letters are dropped, and so
    are heading lines (at most ``heading_max_words`` words, no sentence-final punctuation; 0 keeps them)."""

    def __init__(self, min_chars: int = 15, language: str = "en", heading_max_words: int = 20) -> None:
        if not isinstance(min_chars, int) or isinstance(min_chars, bool) or min_chars < 0:
            raise ValueError(f"min_chars must be a non-negative integer, got {min_chars!r}")
        if not isinstance(heading_max_words, int) or isinstance(heading_max_words, bool) or heading_max_words < 0:
            raise ValueError(f"heading_max_words must be a non-negative integer, got {heading_max_words!r}")
        if not isinstance(language, str) or not language:
            raise ValueError(f"language must be an ISO 639-1 code such as 'en', got {language!r}")
        self.min_chars = min_chars
        self.language = language
        self.heading_max_words = heading_max_words
        self._pysbd: Any = None

    def load(self) -> None:
        """Build the pysbd segmenter once (it compiles its rules)."""
        if self._pysbd is not None:
            return
        import pysbd

        try:
            self._pysbd = pysbd.Segmenter(language=self.language, clean=False, char_span=True)
        except ValueError as e:
            raise ValueError(f"pysbd has no rules for language {self.language!r}: {e}") from None

    def segment(self, doc: Document) -> list[Sentence]:
        self.load()
        spans: list[tuple[int, int]] = []
        for line_start, line_end in line_spans(doc.text):
            if self.heading_max_words and is_heading(doc.text[line_start:line_end], self.heading_max_words):
                continue
            spans += merge_slips(doc.text, self._split_line(doc.text, line_start, line_end))
        kept = [(a, b) for a, b in spans if b - a >= self.min_chars and any(c.isalpha() for c in doc.text[a:b])]
        return [Sentence(id=f"{doc.id}#{i}", doc_id=doc.id, index=i, text=doc.text[a:b], start=a, end=b)
                for i, (a, b) in enumerate(kept)]

    def _split_line(self, text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
        """pysbd's sentences within one line, placed by ``str.find`` from a cursor, made absolute and trimmed.
        (pysbd's own char spans compile one regex per sentence: 12 s of a 4,700-article folder, and they
        evict its rules from Python's regex cache.) A sentence pysbd changed so that it cannot be found ends
        the line: the rest of the line is kept as one sentence rather than lost."""
        line = text[line_start:line_end]
        spans, cursor = [], 0
        for sent in self._pysbd.processor(line).process():
            sent = sent.strip()
            if not sent:
                continue
            start = line.find(sent, cursor)
            if start < 0:
                spans.append((line_end - len(line[cursor:].lstrip()), line_end))
                break
            spans.append((line_start + start, line_start + start + len(sent)))
            cursor = start + len(sent)
        return [(a, b) for a, b in spans if b > a]
