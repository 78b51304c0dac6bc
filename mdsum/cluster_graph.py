"""Documents → stories in ~N log N (``mdsum.graph_clusterer.v1``): a k-nearest-neighbour graph of the
documents, its edges merged most similar first, each merge checked by average linkage (and a date span).

Neighbours are exact below ``exact_below`` documents, else HNSW candidates (faiss) re-scored exactly. See
docs/clustering.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from mdsum.cluster_common import document_vectors, lead_of, number_param, read_documents, to_stories
from mdsum.cluster_edges import (
    BOOSTED,
    PACKAGED,
    SETTINGS,
    EdgeScorer,
    document_terms,
    learned_edges,
    load_edge_model,
    pair_features,
    undirected,
)
from mdsum.registry import register
from mdsum.types import Document, Embeddings, Sentence, Story


def lexical_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """L2-normalised TF-IDF rows (IDF fitted on these texts; sublinear tf, English stop words); zero rows if
    there is no vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    try:
        return sparse.csr_matrix(TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts),
                                 dtype=np.float64)
    except ValueError:  # empty texts or only stop words
        return sparse.csr_matrix((len(texts), 1), dtype=np.float64)


def exact_neighbours(dense: np.ndarray, lexical: sparse.csr_matrix, k: int,
                     chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most similar other rows under dense·dense + lexical·lexical, exactly (chunked, O(N²)).

    Returns (indices, similarities), both N × min(k, N - 1), most similar first, ties by lower index.
    """
    n = dense.shape[0]
    k = min(k, n - 1)
    idx = np.zeros((n, max(k, 0)), dtype=np.int64)
    sim = np.zeros((n, max(k, 0)), dtype=np.float64)
    if k <= 0:
        return idx, sim
    for start in range(0, n, chunk):
        rows = slice(start, min(start + chunk, n))
        block = mixed_similarity(dense[rows], lexical[rows], dense, lexical)
        block[np.arange(block.shape[0]), np.arange(rows.start, rows.stop)] = -np.inf  # not its own neighbour
        idx[rows], sim[rows] = _top_k(block, k)
    return idx, sim


def _top_k(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    # Stable sort on -similarity: ties go to the lower column index, so the graph does not depend on BLAS order.
    order = np.argsort(-block, axis=1, kind="stable")[:, :k]
    return order, np.take_along_axis(block, order, axis=1)


def approximate_neighbours(dense: np.ndarray, lexical: sparse.csr_matrix, k: int, candidates: int,
                           svd_components: int = 128, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """As :func:`exact_neighbours`, in ~N log N: ``candidates`` per row from an HNSW index (faiss) over dense
    ⊕ a truncated SVD of the lexical part, then re-scored exactly and cut to ``k``."""
    import faiss
    from sklearn.decomposition import TruncatedSVD

    n = dense.shape[0]
    parts = [dense]
    comps = min(svd_components, lexical.shape[1] - 1, n - 1)
    if comps >= 1 and lexical.nnz:
        parts.append(TruncatedSVD(n_components=comps, random_state=seed).fit_transform(lexical))
    probe = np.ascontiguousarray(np.hstack(parts), dtype=np.float32)
    faiss.omp_set_num_threads(1)  # a single-threaded build is deterministic
    index = faiss.IndexHNSWFlat(probe.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = max(64, 2 * candidates)
    index.add(probe)
    _, cand = index.search(probe, min(candidates + 1, n))
    rows = np.repeat(np.arange(n), cand.shape[1])
    cols = cand.ravel()
    keep = (cols >= 0) & (cols != rows)
    rows, cols = rows[keep], cols[keep]
    exact = pair_similarity(rows, cols, dense, lexical)
    k = min(k, n - 1)
    block = np.full((n, cand.shape[1]), -np.inf)
    colmat = np.full((n, cand.shape[1]), n, dtype=np.int64)
    slot = np.concatenate([np.arange(c) for c in np.bincount(rows, minlength=n)])
    block[rows, slot], colmat[rows, slot] = exact, cols
    order = np.lexsort((colmat, -block), axis=1)[:, :k]  # by similarity, ties by lower index
    return np.take_along_axis(colmat, order, axis=1), np.take_along_axis(block, order, axis=1)


def mixed_similarity(dense: np.ndarray, lexical: sparse.csr_matrix, other_dense: np.ndarray | None = None,
                     other_lexical: sparse.csr_matrix | None = None) -> np.ndarray:
    """dense·denseᵀ + lexical·lexicalᵀ between these rows and the other rows (default: themselves)."""
    od, ol = (dense, lexical) if other_dense is None else (other_dense, other_lexical)
    return dense @ od.T + (lexical @ ol.T).toarray()


def pair_similarity(rows: np.ndarray, cols: np.ndarray, dense: np.ndarray, lexical: sparse.csr_matrix,
                    chunk: int = 20000) -> np.ndarray:
    """Exact similarity dense·dense + lexical·lexical for each pair (rows[i], cols[i]); in chunks of pairs so
    that the gathered rows stay small (peak memory)."""
    out = np.empty(len(rows), dtype=np.float64)
    for lo in range(0, len(rows), chunk):
        r, c = rows[lo:lo + chunk], cols[lo:lo + chunk]
        lex = np.asarray(lexical[r].multiply(lexical[c]).sum(axis=1)).ravel()
        out[lo:lo + chunk] = np.einsum("ij,ij->i", dense[r], dense[c]) + lex
    return out


def graph_edges(neighbours: np.ndarray, similarities: np.ndarray, threshold: float,
                mutual: bool, margin: float | None = None) -> list[tuple[float, int, int]]:
    """Undirected edges (similarity, i, j), i < j, of the kNN graph with similarity >= ``threshold``; with
    ``mutual`` only pairs that are in each other's neighbour lists; with ``margin``, only pairs whose similarity
    beats both ends' background (the similarity of their last listed neighbour) by ``margin``: in a crowded
    region (many same-subject stories) an edge must stand out, in a sparse one a low absolute similarity does.
    Sorted most similar first, ties by (i, j)."""
    n, k = neighbours.shape
    rows = np.repeat(np.arange(n), k)
    cols, sims = neighbours.ravel().astype(np.int64), similarities.ravel()
    keep = (sims >= threshold) & (cols != rows)
    if margin is not None and k:
        background = similarities[:, -1]
        keep &= sims >= np.maximum(background[rows], background[np.clip(cols, 0, n - 1)]) + margin
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    lo, hi, first, count = undirected(rows, cols, n)
    if mutual:
        lo, hi, first = lo[count == 2], hi[count == 2], first[count == 2]
    sims = sims[first]
    order = np.lexsort((hi, lo, -sims))
    return list(zip(sims[order].tolist(), lo[order].tolist(), hi[order].tolist()))


def merge_edges(n: int, edges: Sequence[tuple[float, int, int]], dense: np.ndarray, lexical: sparse.csr_matrix,
                link_threshold: float, days: Sequence[int | None] | None = None,
                max_days: int | None = None, background: np.ndarray | None = None,
                link_margin: float | None = None,
                probabilities: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
                link_probability: float | None = None) -> np.ndarray:
    """Labels 0..k-1 from edges taken most similar first: an edge joins its two clusters only if their
    average-linkage similarity (mean over cross pairs of dense·dense + lexical·lexical) is >= ``link_threshold``
    (and, with ``link_margin``, >= the mean ``background`` of the union's documents + ``link_margin``), with
    ``link_probability``, their mean P(same story) over the cross pairs that were scored (``probabilities`` =
    (lo, hi, p) of the kNN pairs; unscored pairs are left out, so the check does not fall with story size) is
    >= ``link_probability``, and, with ``max_days``, the dated documents of
    the union span at most that many days. The checks are what stop single-link chaining through a long run of
    pairwise-similar documents; the background term makes it stricter where documents have many close
    neighbours (a crowd of same-subject stories)."""
    if (probabilities is None) != (link_probability is None):
        raise ValueError("link_probability and probabilities go together")
    joint = _pair_sums(n, probabilities)
    parent = list(range(n))
    size = [1] * n
    bsum = [0.0] * n if background is None else [float(b) for b in background]
    dsum = [dense[i].astype(np.float64) for i in range(n)]
    lsum = [_row_dict(lexical, i) for i in range(n)]
    span = [(d, d) if d is not None else None for d in (days or [None] * n)]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rejected: dict[tuple[int, int], tuple[int, int]] = {}  # (root, root) → their sizes when the check failed
    for sim, i, j in edges:
        a, b = root(i), root(j)
        if a == b:
            continue
        if size[a] * size[b] > 1:  # for two single documents the average link is the edge itself
            pair = (min(a, b), max(a, b))
            sizes = (size[pair[0]], size[pair[1]])
            if rejected.get(pair) == sizes:  # neither story changed since it failed: it fails again
                continue
            need = link_threshold
            if link_margin is not None:
                need = max(need, (bsum[a] + bsum[b]) / (size[a] + size[b]) + link_margin)
            cross = float(dsum[a] @ dsum[b]) + _dict_dot(lsum[a], lsum[b])
            link = joint[a].get(b) if joint is not None else None  # [summed P, scored pairs]
            weak = link is not None and link[0] / link[1] < link_probability
            if cross / (size[a] * size[b]) < need or weak:
                rejected[pair] = sizes
                continue
        joined = _join_span(span[a], span[b])
        if max_days is not None and joined is not None and joined[1] - joined[0] > max_days:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        bsum[a] += bsum[b]
        dsum[a] = dsum[a] + dsum[b]
        for term, w in lsum[b].items():  # small into large: O(N log N) term updates overall
            lsum[a][term] = lsum[a].get(term, 0.0) + w
        span[a] = joined
        lsum[b] = {}
        if joint is not None:
            _merge_sums(joint, a, b)
    index: dict[int, int] = {}
    return np.array([index.setdefault(root(i), len(index)) for i in range(n)], dtype=int)


def _pair_sums(n: int, probabilities: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
               ) -> list[dict[int, list[float]]] | None:
    """Per cluster (one per document at the start), to each other cluster: [summed P(same story) of their scored
    pairs, how many], the numerator and denominator of the probability average link. Both clusters of a pair
    hold the same list, so one update serves both sides."""
    if probabilities is None:
        return None
    joint: list[dict[int, list[float]]] = [{} for _ in range(n)]
    for i, j, p in zip(*(np.asarray(a).tolist() for a in probabilities)):
        joint[i][j] = joint[j][i] = [p, 1.0]
    return joint


def _merge_sums(joint: list[dict[int, list[float]]], a: int, b: int) -> None:
    """Fold cluster ``b``'s links into ``a``'s (b is merged into a); O(links of b)."""
    joint[a].pop(b, None)
    for c, link in joint[b].items():
        if c == a:
            continue
        del joint[c][b]
        if (shared := joint[a].get(c)) is not None:
            shared[0] += link[0]
            shared[1] += link[1]
        else:
            joint[a][c] = joint[c][a] = link
    joint[b] = {}


def _row_dict(matrix: sparse.csr_matrix, i: int) -> dict[int, float]:
    lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
    return dict(zip(matrix.indices[lo:hi].tolist(), matrix.data[lo:hi].tolist()))


def _dict_dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _join_span(a: tuple[int, int] | None, b: tuple[int, int] | None) -> tuple[int, int] | None:
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


def day_number(date: str | None) -> int | None:
    """Proleptic day number of an ISO date or datetime string (``2024-05-01``, ``2024-05-01T10:00Z``); None if
    missing or unparsable."""
    import datetime as dt

    if not date:
        return None
    try:
        return dt.date.fromisoformat(date.strip()[:10]).toordinal()
    except ValueError:
        return None


@register("clusterer", "mdsum.graph_clusterer.v1")
class GraphClusterer:
    """Group documents into stories in ~N log N: a k-nearest-neighbour graph, merges that must pass a check.

    A document is a headline vector mixed with the mean of its first ``lead_sentences`` sentence vectors
    (``title_weight``) and a TF-IDF vector of title + text; similarity = (1 - ``lexical_weight``) × embedding
    cosine + ``lexical_weight`` × TF-IDF cosine. Each document's ``neighbours`` most similar documents form a
    graph (exact below ``exact_below`` documents, else HNSW candidates re-scored exactly); edges with similarity
    >= ``threshold`` (with ``mutual``, only pairs in each other's lists; with ``margin``, only those beating
    both ends' last-neighbour similarity by ``margin``) are taken most similar first, and
    one joins two stories only if their average-linkage similarity is >= ``link_ratio`` × ``threshold`` (and,
    with ``link_margin``, >= the mean last-neighbour similarity of the union's documents + ``link_margin``) and,
    with ``max_days``, the union's dated documents span at most that many days. Only headline vectors and
    sentences with index < ``lead_sentences`` are read from the embeddings. With ``edge_model`` (the packaged
    ``mdsum-edges-neus-boosted`` or ``mdsum-edges-neus``, a JSON or an ONNX file, :mod:`mdsum.cluster_edges`) a kNN
    pair is an edge iff the model gives it P(same story) >= ``edge_probability`` (``threshold`` then only sets the
    merge check, ``margin`` and ``mutual`` are not used), and with ``link_probability`` two stories join only if
    the mean P over their cross pairs in the graph is >= it. See docs/clustering.md.
    """

    def __init__(self, threshold: float = 0.1, link_ratio: float = 1.0, neighbours: int = 10,
                 mutual: bool = False, lead_sentences: int = 3, title_weight: float = 1.0,
                 lexical_weight: float = 0.7, margin: float | None = 0.05, link_margin: float | None = 0.0,
                 max_days: int | None = None, exact_below: int = 4000, edge_model: str | None = None,
                 edge_probability: float = 0.5, link_probability: float | None = None) -> None:
        self.threshold = number_param(threshold, "threshold", 0.0, 1.0, low_open=True)
        self.link_ratio = number_param(link_ratio, "link_ratio", 0.0, 1.0)
        self.neighbours = _integer(neighbours, "neighbours", 1)
        if not isinstance(mutual, bool):
            raise ValueError(f"mutual must be true or false, got {mutual!r}")
        self.mutual = mutual
        self.lead_sentences = _integer(lead_sentences, "lead_sentences", 1)
        self.title_weight = number_param(title_weight, "title_weight", 0.0, 1.0)
        self.lexical_weight = number_param(lexical_weight, "lexical_weight", 0.0, 1.0)
        self.margin = None if margin is None else number_param(margin, "margin", 0.0, 1.0)
        self.link_margin = None if link_margin is None else number_param(link_margin, "link_margin", 0.0, 1.0)
        self.max_days = None if max_days is None else _integer(max_days, "max_days", 0)
        self.exact_below = _integer(exact_below, "exact_below", 0)
        self.edge_probability = number_param(edge_probability, "edge_probability", 0.0, 1.0)
        self.edge_model = None if edge_model is None else self._edge_model(edge_model)
        self.link_probability = None if link_probability is None else number_param(
            link_probability, "link_probability", 0.0, 1.0)
        if self.link_probability is not None and self.edge_model is None:
            raise ValueError("link_probability needs an edge_model (it averages the model's probabilities)")

    def _edge_model(self, name: object) -> EdgeScorer:
        if not isinstance(name, str) or not name.strip():
            raise ValueError(f"edge_model must be {BOOSTED!r}, {PACKAGED!r}, a JSON or .onnx file path or null, "
                             f"got {name!r}")
        model = load_edge_model(name)
        fitted = {k: getattr(model, k) for k in SETTINGS}
        mine = {k: getattr(self, k) for k in fitted}
        if fitted != mine:  # its dense and lexical features are scaled by these
            raise ValueError(f"edge_model {name!r} was fitted with {fitted}; this clusterer has {mine}: set "
                             "edge_model: null (the plain threshold test) or fit one for these settings "
                             "(scripts/train_edge_model.py)")
        return model

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        if not documents:
            return []
        canonical = sorted(documents, key=lambda d: d.id)  # order-independent partition
        dense, lexical = self.features(canonical, sentences, embeddings)
        terms = document_terms(canonical) if self.edge_model else None
        labels = self.labels(dense, lexical, [day_number(d.date) for d in canonical], terms)
        return to_stories(documents, canonical, labels, lambda rows: mixed_similarity(dense[rows], lexical[rows]),
                          sentences)

    def features(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                 embeddings: Embeddings) -> tuple[np.ndarray, sparse.csr_matrix]:
        """(dense, lexical) rows scaled so that dense·dense + lexical·lexical is the mixed similarity."""
        vecs = document_vectors(documents, sentences, embeddings, self.lead_sentences, self.title_weight)
        texts = [f"{d.title or ''}\n{d.text}" for d in documents]
        lexical = lexical_vectors(texts) * np.sqrt(self.lexical_weight)
        return vecs * np.sqrt(1.0 - self.lexical_weight), sparse.csr_matrix(lexical)

    def neighbour_graph(self, dense: np.ndarray, lexical: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        if dense.shape[0] < self.exact_below:
            return exact_neighbours(dense, lexical, self.neighbours)
        return approximate_neighbours(dense, lexical, self.neighbours, candidates=3 * self.neighbours)

    def labels(self, dense: np.ndarray, lexical: sparse.csr_matrix, days: Sequence[int | None],
               terms: tuple[list[frozenset[str]], list[frozenset[str]]] | None = None) -> np.ndarray:
        """Labels 0..k-1 for the rows of (dense, lexical); ``days`` from :func:`day_number` (None = undated);
        ``terms`` (:func:`document_terms` of each row's document) for the edge model."""
        n = dense.shape[0]
        if n < 2:
            return np.zeros(n, dtype=int)
        idx, sim = self.neighbour_graph(dense, lexical)
        scored = None
        if self.edge_model is None:
            edges = graph_edges(idx, sim, self.threshold, self.mutual, self.margin)
        else:
            if terms is None:
                raise ValueError("the edge model needs the documents' terms (document_terms)")
            lo, hi, x = pair_features(idx, sim, dense, lexical, *terms)
            p = self.edge_model.probability(x)
            edges = learned_edges(lo, hi, p, self.edge_probability)
            scored = (lo, hi, p) if self.link_probability is not None else None
        return merge_edges(n, edges, dense, lexical, self.link_ratio * self.threshold, days, self.max_days,
                           background=sim[:, -1], link_margin=self.link_margin, probabilities=scored,
                           link_probability=self.link_probability)

    def reads_documents(self, documents: Sequence[Document]) -> list[Document]:
        return read_documents(documents, titled_need_none=self.title_weight == 1.0)

    def reads_sentences(self, documents: Sequence[Document], sentences: Sequence[Sentence]) -> list[Sentence]:
        # the lexical part reads the documents' full text; at title_weight 1 a titled document's vector is its
        # headline's, so only untitled documents need their lead sentences embedded
        return lead_of(self.reads_documents(documents), sentences, self.lead_sentences)


def _integer(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return value
