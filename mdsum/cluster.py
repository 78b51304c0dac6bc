"""Documents → stories: agglomerative clustering of headline/sentence vectors mixed with TF-IDF similarity.

A document's vector mixes its headline vector (the pipeline embeds each title as ``"<doc id>#title"``) with the
renormalised mean of its sentence vectors, weight ``title_weight``. The similarity between two documents is
the cosine of these vectors, optionally mixed with TF-IDF cosine of title + text (``lexical_weight``: rewards
shared names and numbers that MiniLM blurs). Agglomerative clustering (SciPy) cuts the dendrogram of
distance 1 - similarity at ``distance_threshold``. Documents are clustered in a canonical order (sorted by id);
story ids ``s1, s2, …`` follow the input order of each story's first document. See docs/clustering.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

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
        label_of = {d.id: int(lab) for d, lab in zip(canonical, labels)}
        row_of = {d.id: n for n, d in enumerate(canonical)}
        members: dict[int, list[Document]] = {}
        for doc in documents:  # input order: stories numbered by their first document
            members.setdefault(label_of[doc.id], []).append(doc)
        stories = []
        for n, docs in enumerate(members.values(), start=1):
            rows = [row_of[d.id] for d in docs]
            title = _title(docs, sim[np.ix_(rows, rows)], sentences)
            stories.append(Story(id=f"s{n}", doc_ids=tuple(d.id for d in docs), title=title))
        return stories

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
