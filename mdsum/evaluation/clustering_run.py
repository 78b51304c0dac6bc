"""Story-clustering evaluation: cluster a labelled news-clustering file with the pipeline, score it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mdsum.errors import InputError
from mdsum.evaluation.loaders import jsonl_rows
from mdsum.types import Document


@dataclass(frozen=True)
class ClusteringReport:
    path: str
    n_documents: int
    n_gold: int
    n_predicted: int
    scores: dict[str, float]
    seconds: float


def evaluate_clustering(path: str | Path, config: Any = None, limit: int | None = None,
                        seed: int = 0) -> ClusteringReport:
    """Cluster the articles of a news-clustering JSONL (``{"id","text","cluster_id",...}`` per line) with the
    pipeline's segmenter, embedder and clusterer; score against ``cluster_id`` (B-cubed, ARI, NMI).
    ``limit`` keeps that many gold clusters (seeded sample), with all their articles."""
    from mdsum.evaluation.clustering import adjusted_rand, bcubed, nmi
    from mdsum.pipeline import Pipeline

    docs, gold = read_clustering(Path(path), limit, seed)
    pipeline = Pipeline.from_config(config)
    start = time.perf_counter()
    # the same preparation as `mdsum summarize`, headlines included; no summary, so only the documents whose
    # sentences clustering reads are segmented
    corpus = pipeline.prepare(docs, summaries=False)
    stories = pipeline.clusterer.cluster(corpus.documents, corpus.sentences, corpus.embeddings)
    label = {d: s.id for s in stories for d in s.doc_ids}
    pred = [label.get(d.id, f"unassigned-{d.id}") for d in docs]
    p, r, f = bcubed(gold, pred)
    scores = {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": f, "ari": adjusted_rand(gold, pred),
              "nmi": nmi(gold, pred)}
    return ClusteringReport(str(path), len(docs), len(set(gold)), len(set(pred)), scores,
                            time.perf_counter() - start)


def read_clustering(path: Path, limit: int | None, seed: int) -> tuple[list[Document], list[str]]:
    import random

    if not path.is_file():
        raise InputError(f"clustering file not found: {path}; pass a JSONL with 'id', 'text' and 'cluster_id'")
    rows = []
    for n, row in jsonl_rows(path, "clustering file"):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("cluster_id") is None:
            raise InputError(f"{path}:{n}: each line needs 'text' (string) and 'cluster_id'")
        rows.append((n, row))
    gold_ids = sorted({str(r["cluster_id"]) for _, r in rows})
    if limit is not None and limit < len(gold_ids):
        keep = set(random.Random(seed).sample(gold_ids, limit))
        rows = [(n, r) for n, r in rows if str(r["cluster_id"]) in keep]
    docs = [Document(id=str(r.get("id") or f"line{n}"), text=r["text"], title=r.get("title"), date=r.get("date"),
                     source=r.get("source")) for n, r in rows]
    return docs, [str(r["cluster_id"]) for _, r in rows]
