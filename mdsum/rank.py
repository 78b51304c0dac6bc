"""Salience ranking of claim groups: priority order, redundancy-aware, selected against a word budget.

salience = w_c · centrality + w_s · support + w_p · position, each in [0, 1]:
- centrality: LexRank (Erkan & Radev 2004) over the story's sentence-similarity graph, best member per group,
  divided by the story's best group so the scale does not depend on the number of sentences;
- support: distinct documents in the group / documents in the story (a claim many outlets print);
- position: 1 - index / sentences-in-article, best member (news puts the key facts first).
Selection is Maximal Marginal Relevance (Carbonell & Goldstein 1998) with a word budget. The ranker only
orders: the budget stage (``budget.py``) cuts on the sentences that actually ship and sets the reading order.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from mdsum.registry import register
from mdsum.text import word_count
from mdsum.types import ClaimGroup, Embeddings, Sentence
from mdsum.validate import number_in


def lexrank_scores(sim: np.ndarray, threshold: float, damping: float = 0.85, tol: float = 1e-10,
                   max_iter: int = 1000) -> np.ndarray:
    """Stationary distribution (sums to 1) of the thresholded LexRank random walk.

    Edges join pairs with ``sim >= threshold``; every node keeps its self-loop (its similarity with itself),
    so no row is empty. ``damping`` is the probability of following an edge, as in PageRank:
    p = (1 - damping) / n + damping · Mᵀ p, with M the row-normalised adjacency.
    """
    n = sim.shape[0]
    if n == 0:
        return np.zeros(0)
    adj = (np.asarray(sim, dtype=np.float64) >= threshold).astype(np.float64)
    np.fill_diagonal(adj, 1.0)
    trans = adj / adj.sum(axis=1, keepdims=True)
    p = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        nxt = (1.0 - damping) / n + damping * (trans.T @ p)
        if np.abs(nxt - p).sum() < tol:
            return nxt
        p = nxt
    return p


def mmr_select(relevance: np.ndarray, sim: np.ndarray, lambda_: float, k: int, *,
               costs: np.ndarray | None = None, budget: float | None = None) -> list[int]:
    """Greedy MMR: repeatedly take argmax λ·rel_i − (1−λ)·max_{j chosen} sim_ij, at most ``k`` items.

    With ``costs`` and ``budget``, only items that still fit the remaining budget compete (an item too long
    for what is left is passed over, not a reason to stop). Ties go to the lower index.
    """
    n = len(relevance)
    cost = np.zeros(n) if costs is None else np.asarray(costs, dtype=np.float64)
    left = np.inf if budget is None else float(budget)
    chosen: list[int] = []
    redundancy = np.full(n, -np.inf)
    available = np.ones(n, dtype=bool)
    while len(chosen) < k:
        ok = available & (cost <= left)
        if not ok.any():
            break
        penalty = np.where(np.isfinite(redundancy), redundancy, 0.0)
        gain = lambda_ * np.asarray(relevance, dtype=np.float64) - (1.0 - lambda_) * penalty
        best = int(np.flatnonzero(ok)[np.argmax(gain[ok])])
        chosen.append(best)
        available[best] = False
        left -= cost[best]
        redundancy = np.maximum(redundancy, sim[best])
    return chosen


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


@register("ranker", "mdsum.mmr_ranker.v1")
class MMRRanker:
    """Claim groups in priority order: MMR on salience, selected under the word budget, then back-ups."""

    def __init__(self, lambda_: float = 0.8, centrality_weight: float = 0.3, support_weight: float = 0.2,
                 position_weight: float = 0.5, lexrank_threshold: float = 0.5, damping: float = 0.85) -> None:
        for name, value in (("lambda_", lambda_), ("centrality_weight", centrality_weight),
                            ("support_weight", support_weight), ("position_weight", position_weight),
                            ("lexrank_threshold", lexrank_threshold), ("damping", damping)):
            number_in(name, value, 0.0, 1.0)
        if centrality_weight + support_weight + position_weight <= 0:
            raise ValueError("at least one of centrality_weight, support_weight, position_weight must be > 0")
        self.lambda_ = float(lambda_)
        self.weights = (float(centrality_weight), float(support_weight), float(position_weight))
        self.lexrank_threshold, self.damping = float(lexrank_threshold), float(damping)

    def rank(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence], embeddings: Embeddings,
             max_words: int) -> list[ClaimGroup]:
        """Every group once, ``score`` = salience: the MMR pick under ``max_words`` first, then the rest.

        The rest are back-ups, by salience, for the budget stage to use when a picked sentence is dropped
        or ships shorter than its estimate.
        """
        groups = list(groups)
        if not groups:
            return []
        by_id = {s.id: s for s in sentences}
        salience = self._salience(groups, sentences, embeddings)
        centroids = _unit(np.stack([embeddings.of(list(g.sentence_ids)).mean(axis=0) for g in groups]))
        costs = np.array([max(word_count(by_id[i].text) for i in g.sentence_ids) for g in groups])
        picked = mmr_select(salience, centroids @ centroids.T, self.lambda_, len(groups), costs=costs,
                            budget=max_words)
        chosen = set(picked)
        rest = sorted((i for i in range(len(groups)) if i not in chosen), key=lambda i: (-salience[i], i))
        return [dataclasses.replace(groups[i], score=round(float(salience[i]), 6)) for i in picked + rest]

    def _salience(self, groups: list[ClaimGroup], sentences: Sequence[Sentence],
                  embeddings: Embeddings) -> np.ndarray:
        # Centrality over the sentences that have vectors (the eligible ones, at least); positions over all.
        graph = [s for s in sentences if s.id in embeddings]
        vecs = embeddings.of([s.id for s in graph])
        lex = lexrank_scores(vecs @ vecs.T, self.lexrank_threshold, self.damping)
        row = {s.id: n for n, s in enumerate(graph)}
        n_sent: dict[str, int] = {}
        for s in sentences:
            n_sent[s.doc_id] = max(n_sent.get(s.doc_id, 0), s.index + 1)
        n_docs = len(n_sent)
        rel_pos = {s.id: s.index / n_sent[s.doc_id] for s in sentences}
        central = np.array([max(lex[row[i]] for i in g.sentence_ids) for g in groups])
        central = central / central.max() if central.max() > 0 else central
        support = np.array([len(g.doc_ids) / n_docs for g in groups])
        first_pos = np.array([min(rel_pos[i] for i in g.sentence_ids) for g in groups])
        w_c, w_s, w_p = self.weights
        return (w_c * central + w_s * support + w_p * (1.0 - first_pos)) / (w_c + w_s + w_p)
