"""A learned edge test for the graph clusterer: P(same story) of a kNN pair from a logistic regression.

One fixed similarity threshold decides every edge of the plain graph clusterer, yet the same similarity means
different things in a crowd of same-subject stories and in a sparse neighbourhood, and headline agreement,
word agreement and shared names weigh differently. The model weighs ten pair features (:data:`FEATURES`); it is
fitted by ``scripts/train_edge_model.py`` (docs/clustering.md, "A learned edge test") and kept either as JSON
coefficients (a logistic regression: the packaged ``mdsum-edges-neus`` or any file of that form) or, for a
gradient-boosted tree ensemble, as an ONNX file (``*.onnx``) that ONNX Runtime, already a dependency, runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from mdsum.errors import ModelError
from mdsum.logistic import probability, read_model
from mdsum.types import Document

FEATURES = ("similarity", "dense", "lexical", "background_high", "background_low", "above_background",
            "rank_ij", "rank_ji", "names", "numbers")
PACKAGED = "mdsum-edges-neus"  # the logistic regression, JSON
BOOSTED = "mdsum-edges-neus-boosted"  # the tree ensemble, ONNX (docs/clustering.md, "Follow-up 4")
_NAME = re.compile(r"\b[A-Z][a-zA-Z'-]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@dataclass(frozen=True)
class EdgeModel:
    """Standardised logistic regression over :data:`FEATURES`, valid for the clusterer settings it was fitted
    with (the dense and lexical parts are scaled by them)."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    lexical_weight: float
    title_weight: float
    neighbours: int

    def probability(self, x: np.ndarray) -> np.ndarray:
        return probability(x, self.mean, self.scale, self.coef, self.intercept)

    def to_json(self) -> dict[str, object]:
        return {"features": list(FEATURES), **{k: getattr(self, k) for k in self.__dataclass_fields__}}


SETTINGS = ("lexical_weight", "title_weight", "neighbours")  # the clusterer settings a model was fitted with


@dataclass(frozen=True)
class BoostedEdgeModel:
    """A tree ensemble over :data:`FEATURES` exported to ONNX; its metadata names the features and the clusterer
    settings it was fitted with. The session is opened on load: a few hundred small trees, milliseconds."""

    path: str
    lexical_weight: float
    title_weight: float
    neighbours: int
    session: Any = field(compare=False, repr=False)

    def probability(self, x: np.ndarray) -> np.ndarray:
        inputs = {self.session.get_inputs()[0].name: np.ascontiguousarray(x, dtype=np.float32)}
        return self.session.run(None, inputs)[1][:, 1].astype(np.float64)  # outputs: label, probabilities


EdgeScorer = EdgeModel | BoostedEdgeModel


def load_edge_model(name: str) -> EdgeScorer:
    """``mdsum-edges-neus`` or ``mdsum-edges-neus-boosted`` (packaged), or a JSON or ``*.onnx`` file written by
    ``scripts/train_edge_model.py``."""
    if name == BOOSTED:
        return load_boosted(str(resources.files("mdsum") / "resources/clusterer/edges-neus-boosted.onnx"))
    if name.endswith(".onnx"):
        return load_boosted(name)
    return read_model(name, EdgeModel, PACKAGED, "resources/clusterer/edges-neus.json", FEATURES, "edge model",
                      "scripts/train_edge_model.py")


def load_boosted(path: str) -> BoostedEdgeModel:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1  # the ensemble is tiny; threads would only contend with the caller's
    try:
        session = ort.InferenceSession(str(Path(path)), options, providers=["CPUExecutionProvider"])
        meta = session.get_modelmeta().custom_metadata_map
        if meta.get("features", "").split(",") != list(FEATURES):
            raise ValueError(f"its features are not {', '.join(FEATURES)}")
        return BoostedEdgeModel(path=path, lexical_weight=float(meta["lexical_weight"]),
                                title_weight=float(meta["title_weight"]), neighbours=int(meta["neighbours"]),
                                session=session)
    except Exception as e:  # onnxruntime raises its own exception types for unreadable files
        raise ModelError(f"cannot read edge model {path!r}: {e}; pass {BOOSTED!r}, {PACKAGED!r} or a file "
                         "written by scripts/train_edge_model.py") from None


def boosted_metadata(model: Any) -> dict[str, str]:
    """The ONNX metadata :func:`load_boosted` reads, from a fitted clusterer-like ``model`` (its settings)."""
    return {"features": ",".join(FEATURES), **{k: str(getattr(model, k)) for k in SETTINGS}}


def document_terms(documents: Sequence[Document]) -> tuple[list[frozenset[str]], list[frozenset[str]]]:
    """Per document (title + text), its capitalised words (lower-cased, stop words out) and its numbers."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    texts = [f"{d.title or ''} {d.text}" for d in documents]
    names = [frozenset(w.lower() for w in _NAME.findall(t)) - ENGLISH_STOP_WORDS for t in texts]
    return names, [frozenset(_NUMBER.findall(t)) for t in texts]


def pair_features(neighbours: np.ndarray, similarities: np.ndarray, dense: np.ndarray,
                  lexical: sparse.csr_matrix, names: Sequence[frozenset[str]],
                  numbers: Sequence[frozenset[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lo, hi, X): every undirected pair of the kNN graph once (lo < hi, sorted) and its feature rows."""
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    cols = neighbours.ravel().astype(np.int64)
    rank = np.tile(np.arange(k), n)
    # HNSW can leave a row short of k neighbours: those slots hold index n and similarity -inf
    keep = (cols != rows) & (cols >= 0) & (cols < n) & np.isfinite(similarities.ravel())
    rows, cols, rank = rows[keep], cols[keep], rank[keep]
    lo, hi, _, _ = undirected(rows, cols, n)
    rank_of = dict(zip((rows * n + cols).tolist(), rank.tolist()))  # rank of col in row's list
    rank_ij = np.array([rank_of.get(int(a) * n + int(b), k) for a, b in zip(lo, hi)], dtype=np.float64)
    rank_ji = np.array([rank_of.get(int(b) * n + int(a), k) for a, b in zip(lo, hi)], dtype=np.float64)
    d = np.einsum("ij,ij->i", dense[lo], dense[hi])
    lex = np.asarray(lexical[lo].multiply(lexical[hi]).sum(axis=1)).ravel()
    s = d + lex
    last = similarities[:, -1] if k else np.zeros(n)
    background = np.where(np.isfinite(last), last, 0.0)
    b_high = np.maximum(background[lo], background[hi])
    b_low = np.minimum(background[lo], background[hi])
    x = np.column_stack([s, d, lex, b_high, b_low, s - b_high, rank_ij, rank_ji,
                         [_jaccard(names[a], names[b]) for a, b in zip(lo, hi)],
                         [_jaccard(numbers[a], numbers[b]) for a, b in zip(lo, hi)]])
    return lo, hi, x.reshape(len(lo), len(FEATURES))


def undirected(rows: np.ndarray, cols: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct undirected pairs among directed (rows, cols) as (lo, hi), lo < hi, sorted; with, per pair,
    the index of its first directed occurrence and how many directions it came in (2 = mutual)."""
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    _, first, count = np.unique(lo * n + hi, return_index=True, return_counts=True)
    return lo[first], hi[first], first, count


def learned_edges(lo: np.ndarray, hi: np.ndarray, probability: np.ndarray,
                  minimum: float) -> list[tuple[float, int, int]]:
    """Edges (probability, i, j) with probability >= ``minimum``, most probable first, ties by (i, j)."""
    keep = probability >= minimum
    lo, hi, p = lo[keep], hi[keep], probability[keep]
    order = np.lexsort((hi, lo, -p))
    return list(zip(p[order].tolist(), lo[order].tolist(), hi[order].tolist()))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    union = len(a | b)
    return len(a & b) / union if union else 0.0
