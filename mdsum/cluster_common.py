"""What both clusterers share: document vectors from the embeddings, labels → numbered, titled stories.

A document's vector mixes its headline vector (the pipeline embeds each title as ``"<doc id>#title"``) with the
renormalised mean of its lead sentence vectors, weight ``title_weight``. Stories are numbered ``s1, s2, …`` by
the input order of their first document and titled by their most central headline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from mdsum.types import Document, Embeddings, Sentence, Story, title_id

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
    by_doc = lead_by_document(documents, sentences, embeddings, lead_sentences)
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


def number_param(value: object, name: str, low: float, high: float, low_open: bool = False) -> float:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not (low < value if low_open else low <= value) or not value <= high:  # type: ignore[operator]
        bracket = "(" if low_open else "["
        raise ValueError(f"{name} must be a number in {bracket}{low:g}, {high:g}], got {value!r}")
    return float(value)  # type: ignore[arg-type]


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
        # one document is its own most central headline: no similarity to compute (most stories of a big folder)
        sim = member_similarity([row_of[d.id] for d in docs]) if len(docs) > 1 else np.ones((1, 1))
        title = _title(docs, sim, sentences)
        stories.append(Story(id=f"s{n}", doc_ids=tuple(d.id for d in docs), title=title))
    return stories


def read_documents(documents: Sequence[Document], titled_need_none: bool = False) -> list[Document]:
    """``documents``, or with ``titled_need_none`` only the untitled ones (a clusterer whose document vector
    is the headline alone reads no sentence of a titled document, so segmenting or embedding them before
    clustering would be wasted)."""
    return [d for d in documents if not (titled_need_none and d.title)]


def lead_of(documents: Sequence[Document], sentences: Sequence[Sentence], lead_sentences: int) -> list[Sentence]:
    """The sentences with index < ``lead_sentences`` (0 = all) of ``documents``."""
    wanted = {d.id for d in documents}
    return [s for s in sentences if s.doc_id in wanted and (not lead_sentences or s.index < lead_sentences)]


def lead_by_document(documents: Sequence[Document], sentences: Sequence[Sentence], embeddings: Embeddings,
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
    # Rounded, so that exact ties (the two documents of a pair are equally central) go to the first id rather
    # than to float rounding, which differs between runtimes and BLAS builds.
    centrality = np.round(sim.mean(axis=1), 6)
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
