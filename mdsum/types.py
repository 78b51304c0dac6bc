"""Frozen data passed one way through the pipeline.

Identity is always an id (``doc3#12`` for sentence 12 of document ``doc3``), never the text: two outlets
can print the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import numpy as np

FileStatus = Literal["read", "skipped"]


@dataclass(frozen=True)
class Document:
    """One article. ``path`` is relative to the input folder; ``source`` is the outlet when known."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    path: str | None = None

    @property
    def label(self) -> str:
        """Short human name for source lists: outlet, title, file."""
        parts = [p for p in (self.source, self.title) if p]
        if self.path:
            parts.append(self.path)
        return " — ".join(parts) or self.id


@dataclass(frozen=True)
class FileRecord:
    """What happened to one input file. ``reason`` says why it was skipped (or notes a repair)."""

    path: str
    status: FileStatus
    reason: str | None = None
    doc_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifest:
    """Every input file, read or skipped: nothing is lost silently."""

    files: tuple[FileRecord, ...] = ()

    @property
    def skipped(self) -> tuple[FileRecord, ...]:
        return tuple(f for f in self.files if f.status == "skipped")

    @property
    def read(self) -> tuple[FileRecord, ...]:
        return tuple(f for f in self.files if f.status == "read")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document; ``text == document.text[start:end]``."""

    id: str
    doc_id: str
    index: int
    text: str
    start: int
    end: int


def title_id(doc_id: str) -> str:
    """Embedding id of a document's headline (sentence ids are ``doc#<int>``, so this cannot clash)."""
    return f"{doc_id}#title"


@dataclass(frozen=True, eq=False)
class Embeddings:
    """Unit-normalised vectors for ids, computed once per run and shared by every stage."""

    ids: tuple[str, ...]
    matrix: np.ndarray  # shape (len(ids), dim), float32, rows L2-normalised
    _index: dict[str, int] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.matrix.shape[0] != len(self.ids):
            raise ValueError(f"{len(self.ids)} ids but {self.matrix.shape[0]} vectors")
        self._index.update({i: n for n, i in enumerate(self.ids)})

    def of(self, ids: list[str] | tuple[str, ...]) -> np.ndarray:
        """Rows for ``ids``, in that order."""
        if not ids:
            return np.zeros((0, self.matrix.shape[1]), dtype=self.matrix.dtype)
        return self.matrix[[self._index[i] for i in ids]]

    def __contains__(self, item: str) -> bool:
        return item in self._index


class SentencesByDocument:
    """``sentences_of`` for a frozen dataclass with a ``sentences`` field, through an index built on first use:
    a folder of thousands of stories must not scan every sentence of the corpus for each story."""

    sentences: tuple[Sentence, ...]

    def sentences_of(self, doc_ids: Iterable[str]) -> tuple[Sentence, ...]:
        """The sentences of ``doc_ids``, in ``sentences`` order."""
        rows = self._rows_by_doc
        return tuple(self.sentences[i] for i in sorted(i for d in set(doc_ids) for i in rows.get(d, ())))

    @cached_property
    def _rows_by_doc(self) -> dict[str, list[int]]:
        rows: dict[str, list[int]] = {}
        for i, s in enumerate(self.sentences):
            rows.setdefault(s.doc_id, []).append(i)
        return rows


@dataclass(frozen=True)
class Corpus(SentencesByDocument):
    """Prepared input: every document's sentences (only those clustering reads after ``prepare(...,
    summaries=False)``), and the vectors embedded so far (headlines as ``title_id(doc)``, plus the sentences
    clustering reads)."""

    documents: tuple[Document, ...]
    sentences: tuple[Sentence, ...]
    embeddings: Embeddings



@dataclass(frozen=True)
class GroupedStory:
    """A story part-way through the chain: its sentences, vectors (the eligible sentences' too, when the grouper
    or the ranker reads them) and claim groups."""

    story: Story
    documents: tuple[Document, ...]
    sentences: tuple[Sentence, ...]
    embeddings: Embeddings
    groups: tuple[ClaimGroup, ...]


@dataclass(frozen=True)
class Story:
    """Documents grouped as one news story."""

    id: str
    doc_ids: tuple[str, ...]
    title: str | None = None


@dataclass(frozen=True)
class ClaimGroup:
    """Near-paraphrase sentences across a story's documents; support counts distinct sources."""

    id: str
    sentence_ids: tuple[str, ...]
    doc_ids: tuple[str, ...]
    score: float = 0.0

    @property
    def support(self) -> int:
        return len(self.doc_ids)


@dataclass(frozen=True)
class Citation:
    """A summary sentence's link to one source document and the sentences there that support it."""

    doc_id: str
    sentence_ids: tuple[str, ...]


@dataclass(frozen=True)
class SummarySentence:
    """One shipped sentence.

    ``method``: ``"quoted"`` (a source sentence, cleaned) or ``"generated"`` (written by a model from the sentence
    ids in ``fused_from``). ``fallback`` is why a generated candidate was replaced by the quoted one (e.g.
    ``"unsupported number '36'"``); ``support`` is the verifier's score.
    """

    text: str
    citations: tuple[Citation, ...]
    group_id: str
    method: Literal["quoted", "generated"] = "quoted"
    support: float | None = None
    fused_from: tuple[str, ...] = ()
    fallback: str | None = None

    @property
    def doc_ids(self) -> tuple[str, ...]:
        return tuple(c.doc_id for c in self.citations)


@dataclass(frozen=True)
class Summary:
    """A story's summary. ``documents`` fixes the numbering: citation [n] is ``documents[n-1]``."""

    story_id: str
    sentences: tuple[SummarySentence, ...]
    documents: tuple[Document, ...]

    def number(self, doc_id: str) -> int:
        for n, d in enumerate(self.documents, start=1):
            if d.id == doc_id:
                return n
        raise KeyError(doc_id)

    def text(self) -> str:
        """Plain text, one sentence per line (the form ROUGE-Lsum expects)."""
        return "\n".join(s.text for s in self.sentences)

    def markdown(self) -> str:
        """Sentences with [n] markers, then the numbered sources (what ``mdsum summarize`` prints per story)."""
        from mdsum.render import summary_markdown  # render builds on these types; imported when used

        return summary_markdown(self)


@dataclass(frozen=True)
class StoryResult:
    story: Story
    summary: Summary


@dataclass(frozen=True)
class Result(SentencesByDocument):
    """Everything one run produced, with the manifest of every input file."""

    stories: tuple[StoryResult, ...]
    documents: tuple[Document, ...]
    sentences: tuple[Sentence, ...]
    manifest: Manifest
    config_hash: str
    version: str
