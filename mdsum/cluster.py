"""Documents → stories: agglomerative clustering of headline/sentence vectors mixed with TF-IDF similarity.

A document's vector mixes its headline vector (the pipeline embeds each title as ``"<doc id>#title"``) with the
renormalised mean of its sentence vectors, weight ``title_weight``. The similarity between two documents is
the cosine of these vectors, optionally mixed with TF-IDF cosine of title + text (``lexical_weight``: rewards
shared names and numbers that MiniLM blurs). Agglomerative clustering (SciPy) cuts the dendrogram of
distance 1 - similarity at ``distance_threshold``. Documents are clustered in a canonical order (sorted by id);
story ids ``s1, s2, …`` follow the input order of each story's first document. See docs/clustering.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from mdsum.registry import register
from mdsum.types import Document, Embeddings, Sentence, Story, title_id

LINKAGES = ("average", "complete", "single", "weighted")
_TITLE_CHARS = 100  # fallback title (first sentence) is cut to this many characters


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def document_vectors(documents: Sequence[Document], sentences: Sequence[Sentence], embeddings: Embeddings,
                     lead_sentences: int, title_weight: float = 0.0) -> np.ndarray:
    """One unit row per document: ``title_weight`` × title vector + the rest × mean of its lead sentence vectors.

    ``lead_sentences`` = 0 uses all sentences. A document missing one part uses the other alone; one with
    neither gets a zero row (similarity 0 to everything: its own story).
    """
    by_doc = _lead(documents, sentences, embeddings, lead_sentences)
    out = np.zeros((len(documents), embeddings.matrix.shape[1]), dtype=np.float64)
    for row, doc in enumerate(documents):
        ids = [s.id for s in by_doc[doc.id]]
        body = _unit(embeddings.of(ids).astype(np.float64).mean(axis=0)) if ids else None
        tid = title_id(doc.id)
        title = _unit(embeddings.of([tid])[0].astype(np.float64)) if tid in embeddings else None
        if body is not None and title is not None:
            out[row] = _unit((1 - title_weight) * body + title_weight * title)
        elif body is not None or title is not None:
            out[row] = body if body is not None else title
    return out


def lexical_similarity(texts: Sequence[str]) -> np.ndarray:
    """TF-IDF cosine between texts (IDF fitted on these texts; sublinear tf, English stop words removed)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(texts)
    if not any(t.strip() for t in texts):
        return np.zeros((n, n))
    try:
        tfidf = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:  # only stop words: no vocabulary
        return np.zeros((n, n))
    return np.asarray((tfidf @ tfidf.T).todense(), dtype=np.float64)


def cluster_labels(similarity: np.ndarray, distance_threshold: float, linkage: str) -> np.ndarray:
    """Flat labels 0..k-1 from a similarity matrix: cut the dendrogram of distance 1 - sim at the threshold."""
    n = similarity.shape[0]
    if n < 2:
        return np.zeros(n, dtype=int)
    return cut(dendrogram(similarity, linkage), distance_threshold)


def dendrogram(similarity: np.ndarray, linkage: str) -> np.ndarray:
    """SciPy linkage matrix of distance 1 - similarity (symmetrised, zero diagonal)."""
    from scipy.cluster.hierarchy import linkage as scipy_linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    distance = (distance + distance.T) / 2  # exact symmetry despite float round-off
    np.fill_diagonal(distance, 0.0)
    return scipy_linkage(squareform(distance, checks=False), method=linkage)


def cut(tree: np.ndarray, distance_threshold: float) -> np.ndarray:
    """Labels 0..k-1 of the clusters left when merges at a linkage distance >= threshold are undone."""
    from scipy.cluster.hierarchy import fcluster

    # fcluster keeps merges at height <= t; nudging t down makes "merge while distance < threshold" exact.
    return fcluster(tree, np.nextafter(distance_threshold, 0.0), criterion="distance") - 1


def _number(value: object, name: str, low: float, high: float, low_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not (low < value if low_open else low <= value) or not value <= high:  # type: ignore[operator]
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must be a number in {bracket}{low:g}, {high:g}], got {value!r}")
    return float(value)  # type: ignore[arg-type]


@register("clusterer", "mdsum.agglomerative_clusterer.v1")
class AgglomerativeClusterer:
    """Group documents into stories.

    ``distance_threshold``: two groups merge while their linkage distance (1 - similarity) is below it;
    higher means fewer, larger stories. ``linkage``: average, complete, single or weighted. ``lead_sentences``:
    how many leading sentences make a document's vector (0 = all). ``title_weight``: share of the headline
    vector in a document's vector. ``lexical_weight``: share of TF-IDF cosine of title + text in the similarity
    (0 = embeddings only).
    """

    def __init__(self, distance_threshold: float = 0.8875, linkage: str = "average", lead_sentences: int = 0,
                 title_weight: float = 1.0, lexical_weight: float = 0.9) -> None:
        self.distance_threshold = _number(distance_threshold, "distance_threshold", 0.0, 2.0, low_open=True)
        if linkage not in LINKAGES:
            raise ValueError(f"linkage must be one of {', '.join(LINKAGES)}, got {linkage!r}")
        if isinstance(lead_sentences, bool) or not isinstance(lead_sentences, int) or lead_sentences < 0:
            raise ValueError(f"lead_sentences must be an integer >= 0 (0 = all sentences), got {lead_sentences!r}")
        self.linkage = linkage
        self.lead_sentences = lead_sentences
        self.title_weight = _number(title_weight, "title_weight", 0.0, 1.0)
        self.lexical_weight = _number(lexical_weight, "lexical_weight", 0.0, 1.0)

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        if not documents:
            return []
        canonical = sorted(documents, key=lambda d: d.id)  # order-independent partition
        sim = self.similarity(canonical, sentences, embeddings)
        labels = cluster_labels(sim, self.distance_threshold, self.linkage)
        return to_stories(documents, canonical, labels, lambda rows: sim[np.ix_(rows, rows)], sentences)

    def similarity(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                   embeddings: Embeddings) -> np.ndarray:
        """Document × document similarity: (1 - lexical_weight) × embedding cosine + lexical_weight × TF-IDF cosine."""
        vecs = document_vectors(documents, sentences, embeddings, self.lead_sentences, self.title_weight)
        sim = vecs @ vecs.T
        if self.lexical_weight > 0:
            by_doc = _lead(documents, sentences, embeddings, self.lead_sentences)
            texts = [" ".join([d.title or "", *(s.text for s in by_doc[d.id])]) for d in documents]
            sim = (1 - self.lexical_weight) * sim + self.lexical_weight * lexical_similarity(texts)
        return sim


def to_stories(documents: Sequence[Document], canonical: Sequence[Document], labels: np.ndarray,
               member_similarity: Callable[[list[int]], np.ndarray], sentences: Sequence[Sentence]) -> list[Story]:
    """Stories from labels over ``canonical`` (id order), numbered ``s1, s2, …`` by their first input document.

    ``member_similarity(rows)`` gives the similarity matrix among those canonical rows (for the story title).
    """
    label_of = {d.id: int(lab) for d, lab in zip(canonical, labels)}
    row_of = {d.id: n for n, d in enumerate(canonical)}
    members: dict[int, list[Document]] = {}
    for doc in documents:  # input order: stories numbered by their first document
        members.setdefault(label_of[doc.id], []).append(doc)
    stories = []
    for n, docs in enumerate(members.values(), start=1):
        title = _title(docs, member_similarity([row_of[d.id] for d in docs]), sentences)
        stories.append(Story(id=f"s{n}", doc_ids=tuple(d.id for d in docs), title=title))
    return stories


def _lead(documents: Sequence[Document], sentences: Sequence[Sentence], embeddings: Embeddings,
          lead_sentences: int) -> dict[str, list[Sentence]]:
    """Each document's embedded sentences in reading order, cut to the lead."""
    by_doc: dict[str, list[Sentence]] = {d.id: [] for d in documents}
    for s in sentences:
        if s.doc_id in by_doc and s.id in embeddings:
            by_doc[s.doc_id].append(s)
    for doc_id, sents in by_doc.items():
        sents.sort(key=lambda s: s.index)
        by_doc[doc_id] = sents[:lead_sentences] if lead_sentences else sents
    return by_doc


def _title(docs: list[Document], sim: np.ndarray, sentences: Sequence[Sentence]) -> str | None:
    """Title of the most central titled document (highest mean similarity to the story); else a first sentence."""
    centrality = sim.mean(axis=1)
    order = sorted(range(len(docs)), key=lambda i: (-centrality[i], docs[i].id))
    for i in order:
        if docs[i].title and docs[i].title.strip():
            return docs[i].title.strip()
    central = docs[order[0]].id
    first = min((s for s in sentences if s.doc_id == central), key=lambda s: s.index, default=None)
    if first is None:
        return None
    text = " ".join(first.text.split())
    return text if len(text) <= _TITLE_CHARS else text[:_TITLE_CHARS].rsplit(" ", 1)[0] + "…"


# -- graph clusterer: nearest-neighbour graph + merges that must pass an average-linkage check -------------


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
        block = dense[rows] @ dense.T + (lexical[rows] @ lexical.T).toarray()
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
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    _, first, count = np.unique(lo * n + hi, return_index=True, return_counts=True)
    if mutual:
        first = first[count == 2]
    lo, hi, sims = lo[first], hi[first], sims[first]
    order = np.lexsort((hi, lo, -sims))
    return list(zip(sims[order].tolist(), lo[order].tolist(), hi[order].tolist()))


def merge_edges(n: int, edges: Sequence[tuple[float, int, int]], dense: np.ndarray, lexical: sparse.csr_matrix,
                link_threshold: float, days: Sequence[int | None] | None = None,
                max_days: int | None = None) -> np.ndarray:
    """Labels 0..k-1 from edges taken most similar first: an edge joins its two clusters only if their
    average-linkage similarity (mean over cross pairs of dense·dense + lexical·lexical) is >= ``link_threshold``
    and, with ``max_days``, the dated documents of the union span at most that many days. The check is what
    stops single-link chaining through a long run of pairwise-similar documents."""
    parent = list(range(n))
    size = [1] * n
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
            cross = float(dsum[a] @ dsum[b]) + _dict_dot(lsum[a], lsum[b])
            if cross / (size[a] * size[b]) < link_threshold:
                rejected[pair] = sizes
                continue
        joined = _join_span(span[a], span[b])
        if max_days is not None and joined is not None and joined[1] - joined[0] > max_days:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        dsum[a] = dsum[a] + dsum[b]
        for term, w in lsum[b].items():  # small into large: O(N log N) term updates overall
            lsum[a][term] = lsum[a].get(term, 0.0) + w
        span[a] = joined
        lsum[b] = {}
    index: dict[int, int] = {}
    return np.array([index.setdefault(root(i), len(index)) for i in range(n)], dtype=int)


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
    one joins two stories only if their average-linkage similarity is >= ``link_ratio`` × ``threshold`` and,
    with ``max_days``, the union's dated documents span at most that many days. Only headline vectors and
    sentences with index < ``lead_sentences`` are read from the embeddings. See docs/clustering.md.
    """

    def __init__(self, threshold: float = 0.15, link_ratio: float = 1.0, neighbours: int = 10,
                 mutual: bool = False, lead_sentences: int = 3, title_weight: float = 1.0,
                 lexical_weight: float = 0.7, margin: float | None = 0.1, max_days: int | None = None,
                 exact_below: int = 4000) -> None:
        self.threshold = _number(threshold, "threshold", 0.0, 1.0, low_open=True)
        self.link_ratio = _number(link_ratio, "link_ratio", 0.0, 1.0)
        self.neighbours = _integer(neighbours, "neighbours", 1)
        if not isinstance(mutual, bool):
            raise ValueError(f"mutual must be true or false, got {mutual!r}")
        self.mutual = mutual
        self.lead_sentences = _integer(lead_sentences, "lead_sentences", 1)
        self.title_weight = _number(title_weight, "title_weight", 0.0, 1.0)
        self.lexical_weight = _number(lexical_weight, "lexical_weight", 0.0, 1.0)
        self.margin = None if margin is None else _number(margin, "margin", 0.0, 1.0)
        self.max_days = None if max_days is None else _integer(max_days, "max_days", 0)
        self.exact_below = _integer(exact_below, "exact_below", 0)

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        if not documents:
            return []
        canonical = sorted(documents, key=lambda d: d.id)  # order-independent partition
        dense, lexical = self.features(canonical, sentences, embeddings)
        labels = self.labels(dense, lexical, [day_number(d.date) for d in canonical])
        return to_stories(documents, canonical, labels,
                          lambda rows: dense[rows] @ dense[rows].T + (lexical[rows] @ lexical[rows].T).toarray(),
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

    def labels(self, dense: np.ndarray, lexical: sparse.csr_matrix, days: Sequence[int | None]) -> np.ndarray:
        """Labels 0..k-1 for the rows of (dense, lexical); ``days`` from :func:`day_number` (None = undated)."""
        n = dense.shape[0]
        if n < 2:
            return np.zeros(n, dtype=int)
        idx, sim = self.neighbour_graph(dense, lexical)
        edges = graph_edges(idx, sim, self.threshold, self.mutual, self.margin)
        return merge_edges(n, edges, dense, lexical, self.link_ratio * self.threshold, days, self.max_days)


def _integer(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return value
