"""Salience features of a story's sentences: small pure functions, each pinned by a hand-computed test.

- concepts (Gillick & Favre 2009, the ICSI summariser): stemmed content words or bigrams, weighted by how many of
  the story's *documents* mention them, so a fact many outlets report outweighs one outlet's repeated phrase;
- TF-IDF centroid similarity (Radev et al. 2004) and LexRank centrality (Erkan & Radev 2004);
- support (distinct outlets printing the claim), position in the article, length in words.

Tokens follow rouge-score's tokenizer (lower-case ``[a-z0-9]+`` runs, Porter stems of tokens longer than 3
characters), so a concept is what ROUGE would match; stop words are judged on the unstemmed token.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache

import numpy as np

from mdsum.text import STOP_WORDS

CONCEPT_KINDS: tuple[str, ...] = ("unigram", "bigram")
_TOKEN = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202 - nltk's PorterStemmer, as rouge-score uses it
    from nltk.stem import porter

    return porter.PorterStemmer()


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    return _stemmer().stem(token) if len(token) > 3 else token


def rouge_tokens(text: str) -> list[tuple[str, bool]]:
    """(stem, is_stop_word) per rouge-score token of ``text``."""
    return [(_stem(t), t in STOP_WORDS) for t in _TOKEN.findall(text.lower())]


def sentence_concepts(text: str, kind: str, with_unigrams: bool = False) -> set[Hashable]:
    """``unigram``: stems of the non-stop tokens; ``bigram``: adjacent stem pairs that are not both stop words.

    ``with_unigrams`` adds, to bigrams, the unigram stems as 1-tuples (never equal to a bigram pair)."""
    toks = rouge_tokens(text)
    if kind == "unigram":
        return {s for s, stop in toks if not stop}
    if kind == "bigram":
        pairs: set[Hashable] = {pair for _, pair in _bigrams(toks)}
        return pairs | {(s,) for s, stop in toks if not stop} if with_unigrams else pairs
    raise ValueError(f"concept kind must be one of {', '.join(CONCEPT_KINDS)}, got {kind!r}")


def _bigrams(toks: Sequence[tuple[str, bool]]) -> list[tuple[int, tuple[str, str]]]:
    """(position, stem pair) of the adjacent (stem, is_stop_word) tokens that are not both stop words."""
    return [(i, (a, b)) for i, ((a, sa), (b, sb)) in enumerate(zip(toks, toks[1:])) if not (sa and sb)]


def scale_unigrams(weights: dict[Hashable, float], factor: float) -> dict[Hashable, float]:
    """Weights with each unigram concept (a 1-tuple, see :func:`sentence_concepts`' ``with_unigrams``) × ``factor``;
    a factor of 0 drops them."""
    out = {c: w * factor if isinstance(c, tuple) and len(c) == 1 else w for c, w in weights.items()}
    return {c: w for c, w in out.items() if w > 0}


def min_documents(n_docs: int, share: float) -> int:
    """Documents a concept needs: max(2, ⌈share · n_docs⌉), capped at n_docs (a one-document story needs 1)."""
    return max(1, min(n_docs, max(2, math.ceil(share * n_docs - 1e-9))))


def concept_weights(doc_concepts: Sequence[Iterable[Hashable]], min_docs: int,
                    lead_concepts: Sequence[Iterable[Hashable]] | None = None,
                    lead_bonus: float = 0.0) -> dict[Hashable, float]:
    """Concept → weight, keeping the concepts mentioned by at least ``min_docs`` documents.

    ``doc_concepts`` holds one collection per document (repeats within a document count once). A document's
    mention weighs 1, or 1 + ``lead_bonus`` when the concept is also in that document's ``lead_concepts`` (its
    first sentences): what several outlets put in their lead is the story's core. ``min_docs`` counts documents.
    """
    if lead_concepts is not None and len(lead_concepts) != len(doc_concepts):
        raise ValueError(f"{len(lead_concepts)} lead collections for {len(doc_concepts)} documents")
    counts: dict[Hashable, int] = {}
    weights: dict[Hashable, float] = {}
    leads = [set(c) for c in lead_concepts] if lead_concepts is not None else [set()] * len(doc_concepts)
    for concepts, lead in zip(doc_concepts, leads):
        for c in set(concepts):
            counts[c] = counts.get(c, 0) + 1
            weights[c] = weights.get(c, 0.0) + 1.0 + (lead_bonus if c in lead else 0.0)
    return {c: weights[c] for c, n in counts.items() if n >= min_docs}


def centroid_similarity(matrix: np.ndarray) -> np.ndarray:
    """Cosine of each row with the mean row (rows: e.g. TF-IDF vectors); 0 for an all-zero row or centroid."""
    m = np.asarray(matrix, dtype=np.float64)
    if m.shape[0] == 0:
        return np.zeros(0)
    centroid = m.mean(axis=0)
    norms = np.linalg.norm(m, axis=1) * np.linalg.norm(centroid)
    return np.divide(m @ centroid, norms, out=np.zeros(m.shape[0]), where=norms > 0)


def tfidf_vectors(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF rows (scikit-learn: English stop words, sublinear tf, L2 rows), as the TF-IDF MMR baseline uses."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts).toarray()
    except ValueError:  # only stop words: no vocabulary
        return np.zeros((len(texts), 1))


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


def lexrank_centrality(matrix: np.ndarray, threshold: float = 0.1, damping: float = 0.85) -> np.ndarray:
    """LexRank over the cosine graph of ``matrix``'s rows (TF-IDF or embeddings), scaled so the best is 1."""
    m = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    unit = m / np.where(norms == 0, 1.0, norms)
    scores = lexrank_scores(unit @ unit.T, threshold, damping)
    return scores / scores.max() if len(scores) and scores.max() > 0 else scores


def position_score(index: int, n_sentences: int) -> float:
    """1 − index / n: the article's first sentence scores 1 (news puts the key facts first)."""
    if n_sentences < 1 or not 0 <= index < n_sentences:
        raise ValueError(f"index {index} outside an article of {n_sentences} sentences")
    return 1.0 - index / n_sentences


def support_share(doc_ids: Sequence[str], n_docs: int) -> float:
    """Share of the story's documents printing the claim (``ClaimGroup.support`` / documents)."""
    if n_docs < 1:
        raise ValueError(f"n_docs must be >= 1, got {n_docs}")
    return len(set(doc_ids)) / n_docs


CONCEPT_FEATURES: tuple[str, ...] = ("doc_share", "multi_doc", "first_sentence_share", "earliest_position",
                                     "sentence_share", "figure", "stop_word", "capitalised")


def _cased_bigrams(text: str) -> dict[tuple[str, str], tuple[bool, bool]]:
    """Bigram concept → (one of its tokens is written capitalised past the sentence's first token, one is a
    stop word)."""
    lower = text.lower()
    same = len(lower) == len(text)  # a few letters ("İ") change length when lower-cased: read no case then
    spans = list(_TOKEN.finditer(lower))
    cap = [same and i > 0 and text[m.start()].isupper() for i, m in enumerate(spans)]
    toks = rouge_tokens(text)  # the same spans, so cap[i] is toks[i]'s
    out: dict[tuple[str, str], tuple[bool, bool]] = {}
    for i, pair in _bigrams(toks):
        out[pair] = (out.get(pair, (False, False))[0] or cap[i] or cap[i + 1], toks[i][1] or toks[i + 1][1])
    return out


def concept_features(sentences: Sequence[tuple[str, int, str]]) -> dict[tuple[str, str], np.ndarray]:
    """Bigram concept → its :data:`CONCEPT_FEATURES` row, from a story's (doc id, index in article, text).

    Each feature means the same on a story of three snippets and one of ten long articles (shares and
    positions, no raw counts): the share of documents mentioning the concept, whether two or more do, the share
    mentioning it in their first sentence, its earliest relative position (index / sentences of its article),
    log(1 + the share of its documents' sentences holding it), whether a token is a figure, whether one is a stop
    word, and the share of the sentences holding it that write it capitalised past the sentence start (names).
    """
    n_sent: dict[str, int] = {}
    for doc, index, _ in sentences:
        n_sent[doc] = max(n_sent.get(doc, 0), index + 1)
    docs: dict[tuple, set[str]] = {}
    first: dict[tuple, set[str]] = {}
    earliest: dict[tuple, float] = {}
    mentions: dict[tuple, int] = {}
    cased: dict[tuple, int] = {}
    stop: dict[tuple, bool] = {}
    for doc, index, text in sentences:
        for c, (cap, has_stop) in _cased_bigrams(text).items():
            stop.setdefault(c, has_stop)
            docs.setdefault(c, set()).add(doc)
            if index == 0:
                first.setdefault(c, set()).add(doc)
            earliest[c] = min(earliest.get(c, 1.0), index / n_sent[doc])
            mentions[c] = mentions.get(c, 0) + 1
            cased[c] = cased.get(c, 0) + cap
    n_docs = len(n_sent)
    out = {}
    for c, ds in docs.items():
        held = sum(n_sent[d] for d in ds)
        out[c] = np.array([len(ds) / n_docs, float(len(ds) >= 2), len(first.get(c, ())) / n_docs, earliest[c],
                           math.log1p(mentions[c] / held), float(any(ch.isdigit() for t in c for ch in t)),
                           float(stop[c]), cased[c] / mentions[c]])
    return out
