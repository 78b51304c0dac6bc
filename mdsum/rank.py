"""Salience ranking of claim groups and redundancy-aware selection under a word budget.

salience = w_c · centrality + w_s · support + w_p · position, each in [0, 1]:
- centrality: LexRank (Erkan & Radev 2004) over the story's sentence-similarity graph, best member per group,
  divided by the story's best group so the scale does not depend on the number of sentences;
- support: distinct documents in the group / documents in the story (a claim many outlets print);
- position: 1 - index / sentences-in-article, best member (news puts the key facts first).
Selection is Maximal Marginal Relevance (Carbonell & Goldstein 1998) with a word budget.

Output order is "inverted pyramid": groups sorted by the earliest relative position of any member (a claim
that leads some article comes first), ties broken by higher salience. This reads like a news lead followed
by detail, and is stable when articles arrive in any order.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import numpy as np

from mdsum.registry import register
from mdsum.types import ClaimGroup, Embeddings, Sentence

_QUOTES = "\"“”«»„"


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


def word_count(text: str) -> int:
    return len(text.split())


def is_quote_fragment(text: str) -> bool:
    """A sentence that is only a quotation, or a piece of a quote that spans several sentences."""
    t = text.strip()
    marks = sum(t.count(q) for q in _QUOTES)
    if marks % 2 == 1:
        return True
    if t[:1] in "'‘" and t.rstrip(".!?")[-1:] in "'’":
        return True
    return bool(t) and t[0] in _QUOTES and t.rstrip(".!?")[-1:] in _QUOTES


_BYLINE = re.compile(r"^(by|reporting by|editing by|written by|photo:|image:|source:)\s", re.IGNORECASE)
# A sentence opening on a personal pronoun needs the previous sentence to say who "he" or "it" is.
# "We"/"our" outside quotation marks is a speaker whose name is in another sentence.
_PRONOUN_START = re.compile(r"^(?:(?:but|and|yet|so|now|then|however,|meanwhile,|still,|now,|instead,)\s+)?"
                            r"(?:he|she|it|they|his|her|its|their|him|them|we|our|us)\b", re.IGNORECASE)
# Openings that point back to an earlier sentence: "Two more residents…", "Many said…", "That decision…".
_CONTEXT_START = re.compile(r"^(?:(?:\d+|two|three|four|five|several|many|some)\s+more\b|(?:many|others|some)\s+"
                            r"(?:said|say|says|told)\b|(?:this|that|these|those|such)\s)",
                            re.IGNORECASE)
# "…," Ammon continued. / "…," he added. — a quote that goes on from an earlier one.
_CONTINUES = re.compile(r"\b(?:continued|added|went on)[.!]$", re.IGNORECASE)
# "the number"/"the figure" without "of …" refers to a figure given in an earlier sentence, and a bare
# "the two"/"the pair" (not "the two men") to people named earlier.
_CONTEXT_ANYWHERE = re.compile(r"\bthe (?:number|figure|total|toll)\b(?! of\b)|\b(?:the|both) (?:two|three|four|pair)"
                               r"\b(?=\s*(?:[,.;:]|$|(?:as|are|were|was|is|have|had|has|who|remain|said|say)\b))",
                               re.IGNORECASE)
# A sentence "ending" on a title abbreviation was cut mid-name by the segmenter ("... found Army Spc.").
_CUT_AT_TITLE = re.compile(r"\b(?:Spc|Sgt|Cpl|Pvt|Lt|Col|Capt|Maj|Gen|Adm|Cmdr|Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gov|"
                           r"Pres|Rev|Hon|St|No|Jr|Sr|Inc|Corp|Co|Ltd)\.$")
# Headlines and captions have no closing punctuation.
_ENDS_SENTENCE = re.compile(r"[.!]['\"’”)\]]*$")


def is_eligible(text: str, min_words: int, max_words: int) -> bool:
    """Whether a sentence can stand alone in a summary.

    Not: too short or long, a question or headline (no closing '.' or '!'), cut at a title abbreviation, a
    byline, all capitals, a quote fragment, or opening on a pronoun or phrase ("Two more …", "Many said …",
    "That decision …") whose referent is in another sentence.
    """
    n = word_count(text)
    if n < min_words or n > max_words:
        return False
    t = text.strip()
    if not _ENDS_SENTENCE.search(t) or _CUT_AT_TITLE.search(t) or _BYLINE.match(t) or _PRONOUN_START.match(t):
        return False
    if _CONTEXT_START.match(t) or _CONTEXT_ANYWHERE.search(t) or _CONTINUES.search(t):
        return False
    return any(c.islower() for c in t) and not is_quote_fragment(t)


def _unit(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms == 0, 1.0, norms)


@register("ranker", "mdsum.mmr_ranker.v1")
class MMRRanker:
    """Pick salient, non-redundant claim groups within ``max_words`` and ``max_sentences``."""

    def __init__(self, max_words: int = 250, max_sentences: int = 10, lambda_: float = 0.8,
                 centrality_weight: float = 0.3, support_weight: float = 0.2, position_weight: float = 0.5,
                 lexrank_threshold: float = 0.5, damping: float = 0.85, min_sentence_words: int = 6,
                 max_sentence_words: int = 60) -> None:
        for name, value in (("max_words", max_words), ("max_sentences", max_sentences),
                            ("min_sentence_words", min_sentence_words), ("max_sentence_words", max_sentence_words)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be a positive integer, got {value!r}")
        if min_sentence_words > max_sentence_words:
            raise ValueError(f"min_sentence_words ({min_sentence_words}) exceeds max_sentence_words "
                             f"({max_sentence_words})")
        for name, value in (("lambda_", lambda_), ("centrality_weight", centrality_weight),
                            ("support_weight", support_weight), ("position_weight", position_weight),
                            ("lexrank_threshold", lexrank_threshold), ("damping", damping)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
        if centrality_weight + support_weight + position_weight <= 0:
            raise ValueError("at least one of centrality_weight, support_weight, position_weight must be > 0")
        self.max_words, self.max_sentences = max_words, max_sentences
        self.lambda_ = float(lambda_)
        self.weights = (float(centrality_weight), float(support_weight), float(position_weight))
        self.lexrank_threshold, self.damping = float(lexrank_threshold), float(damping)
        self.min_sentence_words, self.max_sentence_words = min_sentence_words, max_sentence_words

    def rank(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence],
             embeddings: Embeddings) -> list[ClaimGroup]:
        """Selected groups (only their eligible members kept), ``score`` = salience, in reading order."""
        by_id = {s.id: s for s in sentences}
        groups = [g for g in (self._eligible_part(g, by_id) for g in groups) if g is not None]
        if not groups:
            return []
        salience, first_pos = self._salience(groups, sentences, embeddings)
        centroids = _unit(np.stack([embeddings.of(list(g.sentence_ids)).mean(axis=0) for g in groups]))
        costs = np.array([max(word_count(by_id[i].text) for i in g.sentence_ids) for g in groups])
        picked = mmr_select(salience, centroids @ centroids.T, self.lambda_, self.max_sentences,
                            costs=costs, budget=self.max_words)
        picked.sort(key=lambda i: (first_pos[i], -salience[i], i))
        return [dataclasses.replace(groups[i], score=round(float(salience[i]), 6)) for i in picked]

    def _eligible_part(self, group: ClaimGroup, by_id: dict[str, Sentence]) -> ClaimGroup | None:
        keep = tuple(i for i in group.sentence_ids
                     if is_eligible(by_id[i].text, self.min_sentence_words, self.max_sentence_words))
        if not keep:
            return None
        docs = tuple(dict.fromkeys(by_id[i].doc_id for i in keep))
        return dataclasses.replace(group, sentence_ids=keep, doc_ids=docs)

    def _salience(self, groups: list[ClaimGroup], sentences: Sequence[Sentence],
                  embeddings: Embeddings) -> tuple[np.ndarray, np.ndarray]:
        vecs = embeddings.of([s.id for s in sentences])
        lex = lexrank_scores(vecs @ vecs.T, self.lexrank_threshold, self.damping)
        row = {s.id: n for n, s in enumerate(sentences)}
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
        salience = (w_c * central + w_s * support + w_p * (1.0 - first_pos)) / (w_c + w_s + w_p)
        return salience, first_pos
