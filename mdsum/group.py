"""Claim groups: near-paraphrase sentences across a story's documents.

A group holds at most one sentence per document (``max_per_doc``), so its size counts independent sources
that printed the same claim. Grouping is complete-linkage: every pair in a group is at least ``threshold``
similar, which stops chains (A~B, B~C, A≁C) from merging different claims. scikit-learn's agglomerative
clustering has no cannot-link constraint for "same document", hence the small greedy loop here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mdsum.registry import register
from mdsum.types import ClaimGroup, Embeddings, Sentence


def _check_unit_interval(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


def paraphrase_partition(sim: np.ndarray, docs: Sequence[str], threshold: float,
                         max_per_doc: int = 1) -> list[list[int]]:
    """Partition rows of ``sim`` into complete-linkage groups with at most ``max_per_doc`` rows per document.

    Candidate pairs (different documents, similarity >= threshold) are merged most-similar first; ties break
    on index, so the result is deterministic. Groups come back ordered by their first row; rows ascending.
    """
    n = len(docs)
    member: list[int] = list(range(n))  # row -> group key
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    iu, ju = np.triu_indices(n, k=1)
    vals = sim[iu, ju] if n > 1 else np.zeros(0)
    keep = vals >= threshold
    pairs = sorted(zip(-vals[keep], iu[keep], ju[keep]))
    for _, i, j in pairs:
        gi, gj = member[i], member[j]
        if gi == gj or docs[i] == docs[j]:
            continue
        a, b = groups[gi], groups[gj]
        merged_docs = [docs[k] for k in a + b]
        if max(merged_docs.count(d) for d in set(merged_docs)) > max_per_doc:
            continue
        if sim[np.ix_(a, b)].min() < threshold:
            continue
        keep_key, drop_key = min(gi, gj), max(gi, gj)
        groups[keep_key] = sorted(a + b)
        for k in groups.pop(drop_key):
            member[k] = keep_key
    return [groups[k] for k in sorted(groups)]


@register("grouper", "mdsum.paraphrase_grouper.v1")
class ParaphraseGrouper:
    """Group near-paraphrases (cosine >= ``threshold``) from different documents; singletons are groups too."""

    def __init__(self, threshold: float = 0.75, max_per_doc: int = 1) -> None:
        self.threshold = _check_unit_interval("threshold", threshold)
        if isinstance(max_per_doc, bool) or not isinstance(max_per_doc, int) or max_per_doc < 1:
            raise ValueError(f"max_per_doc must be an integer >= 1, got {max_per_doc!r}")
        self.max_per_doc = max_per_doc

    def reads_vectors(self, sentences: Sequence[Sentence]) -> bool:
        """Only sentences of different documents can join: one document's sentences are singletons."""
        return len({s.doc_id for s in sentences}) > 1

    def group(self, sentences: Sequence[Sentence], embeddings: Embeddings) -> list[ClaimGroup]:
        if not sentences:
            return []
        if self.reads_vectors(sentences):
            vecs = embeddings.of([s.id for s in sentences])
            parts = paraphrase_partition(vecs @ vecs.T, [s.doc_id for s in sentences], self.threshold,
                                         self.max_per_doc)
        else:
            parts = [[n] for n in range(len(sentences))]
        out = []
        for n, rows in enumerate(parts, start=1):
            members = [sentences[r] for r in rows]
            doc_ids = tuple(dict.fromkeys(s.doc_id for s in members))
            out.append(ClaimGroup(id=f"g{n}", sentence_ids=tuple(s.id for s in members), doc_ids=doc_ids))
        return out
