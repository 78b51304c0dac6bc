"""Documents → stories: agglomerative clustering of headline/sentence vectors mixed with TF-IDF similarity.

A document's vector (:func:`mdsum.cluster_common.document_vectors`) mixes its headline vector with the mean of
its sentence vectors. The similarity between two documents is the cosine of these vectors, optionally mixed
with TF-IDF cosine of title + text (``lexical_weight``: rewards shared names and numbers that MiniLM blurs).
Agglomerative clustering (SciPy) cuts the dendrogram of distance 1 - similarity at ``distance_threshold``.
Documents are clustered in a canonical order (sorted by id); story ids ``s1, s2, …`` follow the input order of
each story's first document. The kNN-graph clusterer for large folders is in :mod:`mdsum.cluster_graph`. See
docs/clustering.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mdsum.cluster_common import (
    document_vectors,
    lead_by_document,
    lead_of,
    number_param,
    read_documents,
    to_stories,
)
from mdsum.registry import register
from mdsum.types import Document, Embeddings, Sentence, Story
from mdsum.validate import one_of

LINKAGES = ("average", "complete", "single", "weighted")


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
        self.distance_threshold = number_param(distance_threshold, "distance_threshold", 0.0, 2.0, low_open=True)
        one_of("linkage", linkage, LINKAGES)
        if isinstance(lead_sentences, bool) or not isinstance(lead_sentences, int) or lead_sentences < 0:
            raise ValueError(f"lead_sentences must be an integer >= 0 (0 = all sentences), got {lead_sentences!r}")
        self.linkage = linkage
        self.lead_sentences = lead_sentences
        self.title_weight = number_param(title_weight, "title_weight", 0.0, 1.0)
        self.lexical_weight = number_param(lexical_weight, "lexical_weight", 0.0, 1.0)

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        if not documents:
            return []
        canonical = sorted(documents, key=lambda d: d.id)  # order-independent partition
        sim = self.similarity(canonical, sentences, embeddings)
        labels = cluster_labels(sim, self.distance_threshold, self.linkage)
        return to_stories(documents, canonical, labels, lambda rows: sim[np.ix_(rows, rows)], sentences)

    def reads_documents(self, documents: Sequence[Document]) -> list[Document]:
        return read_documents(documents)

    def reads_sentences(self, documents: Sequence[Document], sentences: Sequence[Sentence]) -> list[Sentence]:
        # every lead sentence, titled or not: the lexical part reads the texts of the embedded sentences
        return lead_of(self.reads_documents(documents), sentences, self.lead_sentences)

    def similarity(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                   embeddings: Embeddings) -> np.ndarray:
        """Document × document similarity: (1 - lexical_weight) × embedding cosine + lexical_weight × TF-IDF cosine."""
        vecs = document_vectors(documents, sentences, embeddings, self.lead_sentences, self.title_weight)
        sim = vecs @ vecs.T
        if self.lexical_weight > 0:
            by_doc = lead_by_document(documents, sentences, embeddings, self.lead_sentences)
            texts = [" ".join([d.title or "", *(s.text for s in by_doc[d.id])]) for d in documents]
            sim = (1 - self.lexical_weight) * sim + self.lexical_weight * lexical_similarity(texts)
        return sim
