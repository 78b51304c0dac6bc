"""Faithfulness in the style of SummaC-ZS (Laban et al., 2022), with a pluggable entailment scorer.

Every summary sentence is scored against every source premise; a premise is a window of ``window`` consecutive
sentences of one document (1 = SummaC's sentence granularity; windows never cross documents). A sentence's
support is its best premise (max over premises), and the summary's score is the mean over its sentences.
SummaC-ZS scores P(entail) - P(contradict); the scorers here return P(entail) only, so the score is in [0, 1].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mdsum.nli import EntailmentScorer, top_windows


@dataclass(frozen=True)
class FaithfulnessResult:
    score: float  # mean over summary sentences of the best premise's P(entail)
    sentence_scores: tuple[float, ...]  # one per summary sentence
    best_premises: tuple[str, ...]  # the premise that gave each sentence its score


def source_windows(documents: Sequence[Sequence[str]], window: int = 1) -> list[str]:
    """Premises: each run of ``window`` consecutive sentences inside one document (a shorter document is one)."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    out: list[str] = []
    for sents in documents:
        sents = [s for s in sents if s.strip()]
        if not sents:
            continue
        last_start = max(len(sents) - window, 0)
        out.extend(" ".join(sents[i : i + window]) for i in range(last_start + 1))
    return out


def faithfulness(
    summary_sentences: Sequence[str],
    documents: Sequence[Sequence[str]],
    scorer: EntailmentScorer,
    window: int = 1,
    top_k: int | None = None,
) -> FaithfulnessResult:
    """SummaC-ZS-style score of a summary (its sentences) against source documents (each a list of sentences).

    All pairs go to ``scorer.score`` in one call, so a batching NLI scorer sees one batch per summary.
    ``top_k`` scores, per summary sentence, only the k premises sharing the most content words with it (a
    lexical retrieval step that makes NLI scorers affordable on a CPU; ``None`` = every premise, exact SummaC).
    """
    hyps = [s for s in summary_sentences if s.strip()]
    if not hyps:
        raise ValueError("the summary has no sentences to score")
    premises = source_windows(documents, window)
    if not premises:
        raise ValueError("the sources have no sentences to score against")
    picks = [top_windows(premises, h, top_k) for h in hyps]
    pairs = [(premises[j], h) for h, p in zip(hyps, picks) for j in p]
    probs = np.asarray(scorer.score([p for p, _ in pairs], [h for _, h in pairs]))
    grid = np.full((len(hyps), len(premises)), -np.inf)
    rows = [i for i, p in enumerate(picks) for _ in p]
    grid[rows, [j for p in picks for j in p]] = probs
    best = grid.argmax(axis=1)
    sentence_scores = tuple(float(grid[i, j]) for i, j in enumerate(best))
    return FaithfulnessResult(
        score=float(np.mean(sentence_scores)),
        sentence_scores=sentence_scores,
        best_premises=tuple(premises[j] for j in best),
    )
