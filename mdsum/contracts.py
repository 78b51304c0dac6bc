"""One contract per pipeline slot: what a component receives, returns and may raise.

Every component follows the same shape (Haystack-style, simplified):
- ``__init__`` takes plain YAML-able values, checks them (``ValueError`` naming the bad value) and is cheap:
  no model is loaded, but a model *reference* (path, id) is checked so a typo fails before any work;
- ``load()`` (only where there is something to load) loads models, lazily and once: calling it twice is
  free, and the verb calls it if needed;
- one public verb, below; inputs are never mutated, outputs are new frozen data.
Stages never see the pipeline or each other: ``mdsum.pipeline`` passes data from one to the next.
Components are chosen by versioned name (``mdsum.registry``); a plug-in package adds one via an entry point.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from mdsum.types import ClaimGroup, Document, Embeddings, Manifest, Sentence, Story, SummarySentence


@runtime_checkable
class Loadable(Protocol):
    def load(self) -> None:
        """Load models or resources once (a second call is free)."""


class Reader(Protocol):
    def read(self, folder: str | Path) -> tuple[list[Document], Manifest]:
        """Articles under ``folder`` (a file is a folder of one) and a manifest listing *every* file found,
        read or skipped with its reason. Raises ``InputError`` only when ``folder`` itself is unusable."""


class Segmenter(Protocol):
    def segment(self, doc: Document) -> list[Sentence]:
        """Sentences of ``doc`` in order, ids ``"<doc id>#<index>"``, ``text == doc.text[start:end]``."""


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """float32 matrix (len(texts), dim), rows L2-normalised, same order; deterministic for a text."""


class Clusterer(Protocol):
    def reads_documents(self, documents: Sequence[Document]) -> list[Document]:
        """The documents (order kept) whose sentences clustering ``documents`` reads: a route that only
        clusters segments just these (``Pipeline.prepare(..., summaries=False)``)."""

    def reads_sentences(self, documents: Sequence[Document], sentences: Sequence[Sentence]) -> list[Sentence]:
        """The sentences (of ``sentences``, order kept) whose vectors clustering ``documents`` reads: the
        pipeline embeds exactly these and every headline before clustering."""

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        """A partition of ``documents`` into stories (every document in exactly one), independent of input
        order. ``embeddings`` holds each titled document's headline (``title_id``) and the vectors of
        ``reads_sentences(documents, sentences)``."""


class Filter(Protocol):
    def filter(self, sentences: Sequence[Sentence]) -> list[Sentence]:
        """The sentences that may appear in a summary (a subset, order kept)."""

    def explain(self, sentences: Sequence[Sentence]) -> list[str | None]:
        """Per sentence, why ``filter`` leaves it out, in a few words (None: kept). Optional: an empty story's
        message uses it (``mdsum.outcome.empty_reason``)."""


class Grouper(Protocol):
    def group(self, sentences: Sequence[Sentence], embeddings: Embeddings) -> list[ClaimGroup]:
        """A partition of ``sentences`` into claim groups; ``doc_ids`` = the distinct sources (support)."""

    def reads_vectors(self, sentences: Sequence[Sentence]) -> bool:
        """Whether ``group(sentences, …)`` reads their vectors; when neither the grouper nor the ranker does,
        the pipeline embeds none of the story's sentences (a one-article story of a large folder). Optional:
        a component without it is given every eligible sentence's vector."""


class Ranker(Protocol):
    def rank(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence], embeddings: Embeddings,
             max_words: int, max_sentences: int) -> list[ClaimGroup]:
        """``groups`` in priority order (most valuable first, redundancy handled), ``score`` = salience.
        ``sentences`` are all of the story's sentences (context for centrality, position, concepts). It may
        return more than fits the budget (the budget stage's ``max_words`` / ``max_sentences``, passed in as
        values): the budget stage cuts on the sentences that actually ship."""

    def reads_vectors(self, sentences: Sequence[Sentence]) -> bool:
        """Whether ``rank`` reads the vectors of this story's ``sentences`` (as :meth:`Grouper.reads_vectors`;
        optional, a component without it is given them)."""


class Fuser(Protocol):
    def fuse(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence],
             documents: Sequence[Document]) -> list[SummarySentence]:
        """At most one candidate per group, in group order, citing the documents it was made from.
        ``method`` says "quoted" or "generated" (with ``fused_from``); a generator's fallback to the quoted
        candidate is the fuser's own policy and is recorded in ``fallback``. Never raises for one bad group."""


class Attributor(Protocol):
    def attribute(self, candidates: Sequence[SummarySentence],
                  sentences: Sequence[Sentence]) -> list[SummarySentence]:
        """The same candidates, same order and text, with citations proposed for other documents that may
        support them (the verifier decides)."""


class Verifier(Protocol):
    def verify(self, candidates: Sequence[SummarySentence], sentences: Sequence[Sentence]) -> list[SummarySentence]:
        """The candidates whose sources support them, order kept, text unchanged, only supported citations
        kept and ``support`` set; a candidate with no supported citation is dropped."""


class Budget(Protocol):
    max_words: int
    max_sentences: int

    def cut(self, candidates: Sequence[SummarySentence], groups: Sequence[ClaimGroup],
            sentences: Sequence[Sentence]) -> list[SummarySentence]:
        """The candidates (in priority order) that fit, measured on their text, in reading order."""


class Scorer(Protocol):
    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        """P(premise supports hypothesis) in [0, 1] for each pair; raises ``ValueError`` on unequal lengths."""


#: slot name → contract, in data-flow order (``scorer`` is nested inside the verifier; ``cluster_embedder`` is
#: an embedder for what ``prepare`` embeds for clustering, ``embedder`` the one for per-story sentences).
CONTRACTS: dict[str, type] = {
    "reader": Reader, "segmenter": Segmenter, "embedder": Embedder, "cluster_embedder": Embedder,
    "clusterer": Clusterer, "filter": Filter,
    "grouper": Grouper, "ranker": Ranker, "fuser": Fuser, "attributor": Attributor, "verifier": Verifier,
    "budget": Budget, "scorer": Scorer,
}
VERBS: dict[str, str] = {
    "reader": "read", "segmenter": "segment", "embedder": "embed", "cluster_embedder": "embed",
    "clusterer": "cluster", "filter": "filter",
    "grouper": "group", "ranker": "rank", "fuser": "fuse", "attributor": "attribute", "verifier": "verify",
    "budget": "cut", "scorer": "score",
}
