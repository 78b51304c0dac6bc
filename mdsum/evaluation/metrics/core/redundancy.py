"""Redundancy and length of a summary.

Redundancy: mean cosine similarity over all unordered pairs of summary sentences (embeddings from a given
function; 0 for fewer than two sentences), and the unique-trigram ratio (distinct word trigrams / all trigrams,
over rouge-score tokens without stemming; 1 = no repeated trigram; 1.0 when the summary has no trigram).
Length: whitespace words (as ROUGE's ``-l`` counts) and sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mdsum.evaluation.metrics.core.rouge import rouge_score_tokenize

EmbedFn = Callable[[Sequence[str]], np.ndarray]


def mean_pairwise_cosine(vectors: np.ndarray) -> float:
    """Mean cosine similarity over the n(n-1)/2 pairs of rows; 0.0 for fewer than two rows."""
    v = np.asarray(vectors, dtype=np.float64)
    if v.ndim != 2:
        raise ValueError(f"expected a 2-D array of sentence vectors, got shape {v.shape}")
    n = len(v)
    if n < 2:
        return 0.0
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    unit = v / np.where(norms == 0, 1.0, norms)  # a zero vector has similarity 0 with everything
    sims = unit @ unit.T
    return float(sims[np.triu_indices(n, k=1)].mean())


def unique_trigram_ratio(sentences: Sequence[str]) -> float:
    """Distinct / total word trigrams over the summary's sentences (trigrams do not cross sentences)."""
    grams: list[tuple[str, ...]] = []
    for s in sentences:
        toks = rouge_score_tokenize(s)
        grams.extend(tuple(toks[i : i + 3]) for i in range(len(toks) - 2))
    return len(set(grams)) / len(grams) if grams else 1.0


def redundancy(sentences: Sequence[str], embed: EmbedFn | None = None) -> dict[str, float]:
    """``pairwise_cosine`` (needs ``embed``) and ``unique_trigram_ratio`` of a summary's sentences."""
    sents = [s for s in sentences if s.strip()]
    out = {"unique_trigram_ratio": unique_trigram_ratio(sents)}
    if embed is not None:
        out["pairwise_cosine"] = mean_pairwise_cosine(embed(sents)) if len(sents) > 1 else 0.0
    return out


def length(sentences: Sequence[str]) -> dict[str, int]:
    """``words`` (whitespace-separated) and ``sentences`` (non-empty) of a summary."""
    sents = [s for s in sentences if s.strip()]
    return {"words": sum(len(s.split()) for s in sents), "sentences": len(sents)}
