"""Documents → stories: agglomerative clustering of document vectors built from sentence embeddings.

A document's vector is the renormalised mean of its first ``lead_sentences`` sentence vectors (news puts the
story in the lead; later paragraphs drift into background that other stories share). Optionally a lexical
similarity (TF-IDF cosine of title + lead text, which rewards shared names and numbers) is mixed in with
weight ``lexical_weight``. Documents are clustered in a canonical order (sorted by id), so the partition does
not depend on the order they arrive in; story ids ``s1, s2, …`` follow the input order of each story's first
document. See docs/clustering.md for how the defaults were tuned.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mdsum.registry import register
from mdsum.types import Document, Embeddings, Sentence, Story

LINKAGES = ("average", "complete", "single")
_TITLE_CHARS = 100  # fallback title (first sentence) is cut to this many characters


def document_vectors(documents: Sequence[Document], sentences: Sequence[Sentence], embeddings: Embeddings,
                     lead_sentences: int) -> np.ndarray:
    """One unit row per document: mean of its first ``lead_sentences`` sentence vectors (0 = all), renormalised.

    A document without embedded sentences gets a zero row (similarity 0 to everything: its own story).
    """
    by_doc = _lead(documents, sentences, embeddings, lead_sentences)
    dim = embeddings.matrix.shape[1]
    out = np.zeros((len(documents), dim), dtype=np.float64)
    for row, doc in enumerate(documents):
        ids = [s.id for s in by_doc[doc.id]]
        if ids:
            mean = embeddings.of(ids).astype(np.float64).mean(axis=0)
            norm = np.linalg.norm(mean)
            out[row] = mean / norm if norm > 0 else mean
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
    """Flat cluster labels from a similarity matrix: merge while the linkage distance (1 - sim) < threshold."""
    n = similarity.shape[0]
    if n < 2:
        return np.zeros(n, dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    distance = (distance + distance.T) / 2  # exact symmetry despite float round-off
    np.fill_diagonal(distance, 0.0)
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage=linkage,
                                    distance_threshold=distance_threshold)
    return model.fit_predict(distance)


@register("clusterer", "mdsum.agglomerative_clusterer.v1")
class AgglomerativeClusterer:
    """Group documents into stories.

    ``distance_threshold``: two groups merge while their linkage distance (1 - similarity) is below it;
    higher means fewer, larger stories. ``linkage``: average, complete or single. ``lead_sentences``: how many
    leading sentences make a document's vector (0 = all). ``lexical_weight``: share of TF-IDF cosine of title
    + lead text in the similarity (0 = embeddings only).
    """

    def __init__(self, distance_threshold: float = 0.725, linkage: str = "average", lead_sentences: int = 0,
                 lexical_weight: float = 0.5) -> None:
        if isinstance(distance_threshold, bool) or not isinstance(distance_threshold, (int, float)) \
                or not 0.0 < distance_threshold <= 2.0:
            raise ValueError(f"distance_threshold must be a number in (0, 2] (cosine distance), "
                             f"got {distance_threshold!r}")
        if linkage not in LINKAGES:
            raise ValueError(f"linkage must be one of {', '.join(LINKAGES)}, got {linkage!r}")
        if isinstance(lead_sentences, bool) or not isinstance(lead_sentences, int) or lead_sentences < 0:
            raise ValueError(f"lead_sentences must be an integer >= 0 (0 = all sentences), got {lead_sentences!r}")
        if isinstance(lexical_weight, bool) or not isinstance(lexical_weight, (int, float)) \
                or not 0.0 <= lexical_weight <= 1.0:
            raise ValueError(f"lexical_weight must be a number in [0, 1], got {lexical_weight!r}")
        self.distance_threshold = float(distance_threshold)
        self.linkage = linkage
        self.lead_sentences = lead_sentences
        self.lexical_weight = float(lexical_weight)

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
        """Document × document similarity used for clustering (embedding cosine, optionally mixed with TF-IDF)."""
        vecs = document_vectors(documents, sentences, embeddings, self.lead_sentences)
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
