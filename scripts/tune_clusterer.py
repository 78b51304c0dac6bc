"""Tune the story clusterer on real English news-clustering data; print B-cubed F1 per set across settings.

Sets (see /work/shared/data/news_clustering/PROVENANCE.md):
  multiling  — MultiLing 2011 English: 100 WikiNews articles, 10 topics of 10 (whole set, one "folder").
  neus-K     — NeuS/AllSides snippets: K story clusters of 2-3 left/centre/right articles sampled with a fixed
               seed (disjoint across batches); each batch is one "folder".
Sentences come from mdsum's segmenter when it exists (else pysbd, the same library), capped at
``--max-sentences`` per document so the embedding pass takes about a minute on 2 CPU cores; embeddings come
from the real embedder (packaged MiniLM) and are cached in ``--cache``.

    python3 scripts/tune_clusterer.py [--data /work/shared/data/news_clustering] [--out table.md]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mdsum.cluster import AgglomerativeClusterer, cluster_labels
from mdsum.embed import SentenceTransformerEmbedder
from mdsum.evaluation.clustering import bcubed
from mdsum.types import Document, Embeddings, Sentence

Folder = tuple[str, list[Document], list[str]]  # (set name, documents, gold labels)

THRESHOLDS = [round(float(x), 3) for x in np.arange(0.50, 0.901, 0.025)]
LEADS = [3, 10, 0]
LEXICAL_WEIGHTS = [0.0, 0.25, 0.5, 0.75]
LINKAGES = ["average", "complete"]
NEUS_BATCHES = [50, 100, 150, 200]


def load_sets(data: Path, seed: int) -> list[Folder]:
    ml = [json.loads(line) for line in (data / "multiling2011/test.jsonl").open(encoding="utf-8")]
    ml = [r for r in ml if r["lang"] == "en"]
    folders: list[Folder] = [("multiling", [_doc(r) for r in ml], [r["cluster_id"] for r in ml])]
    neus = [json.loads(line) for line in (data / "neus_allsides/all.jsonl").open(encoding="utf-8")]
    by_cluster: dict[str, list[dict]] = {}
    for r in neus:
        by_cluster.setdefault(r["cluster_id"], []).append(r)
    ids = sorted(c for c, rows in by_cluster.items() if len(rows) >= 2)
    random.Random(seed).shuffle(ids)
    start = 0
    for k in NEUS_BATCHES:
        rows = [r for c in ids[start:start + k] for r in by_cluster[c]]
        start += k
        folders.append((f"neus-{k}", [_doc(r) for r in rows], [r["cluster_id"] for r in rows]))
    return folders


def _doc(row: dict) -> Document:
    return Document(id=row["id"], text=row["text"], title=row.get("title") or None, date=row.get("date"))


def segmenter():
    """mdsum's segmenter if it is there yet; else pysbd directly (what it wraps)."""
    try:
        from mdsum import registry
        from mdsum import segment as _segment  # noqa: F401

        seg = registry.get("segmenter", "mdsum.pysbd_segmenter.v1")()
        return seg.segment, "mdsum.pysbd_segmenter.v1"
    except Exception:  # noqa: BLE001 - any import/registry failure: fall back
        import pysbd

        splitter = pysbd.Segmenter(language="en", clean=False, char_span=True)

        def segment(doc: Document) -> list[Sentence]:
            spans = [s for s in splitter.segment(doc.text) if s.sent.strip()]
            return [Sentence(id=f"{doc.id}#{i}", doc_id=doc.id, index=i, text=s.sent.strip(), start=s.start,
                             end=s.end) for i, s in enumerate(spans)]

        return segment, "pysbd (fallback)"


def with_title(doc: Document, sents: list[Sentence]) -> list[Sentence]:
    """The title as sentence -1 (emulates a segmenter that keeps the title line as the first sentence)."""
    if not doc.title:
        return sents
    title = Sentence(id=f"{doc.id}#title", doc_id=doc.id, index=-1, text=doc.title, start=0, end=0)
    return [title, *sents]


def embed_all(texts: list[str], cache: Path) -> np.ndarray:
    key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
    path = cache / f"emb_{key}.npy"
    if path.exists():
        return np.load(path)
    t0 = time.time()
    vecs = SentenceTransformerEmbedder(device="cpu").embed(texts)
    print(f"embedded {len(texts)} sentences in {time.time() - t0:.0f}s", file=sys.stderr)
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def f1_curve(docs: Sequence[Document], gold: Sequence[str], sents: Sequence[Sentence], emb: Embeddings,
             lead: int, weight: float, linkage: str) -> list[float]:
    clusterer = AgglomerativeClusterer(lead_sentences=lead, lexical_weight=weight, linkage=linkage)
    order = sorted(range(len(docs)), key=lambda i: docs[i].id)  # the clusterer's canonical order
    sim = clusterer.similarity([docs[i] for i in order], sents, emb)
    g = [gold[i] for i in order]
    return [bcubed(g, list(cluster_labels(sim, t, linkage)))[2] for t in THRESHOLDS]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data/news_clustering"))
    ap.add_argument("--max-sentences", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache", type=Path, default=Path(".work/clusterer"))
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown tables here")
    args = ap.parse_args(argv)

    folders = load_sets(args.data, args.seed)
    segment, seg_name = segmenter()
    print(f"segmenter: {seg_name}", file=sys.stderr)
    body: dict[str, list[Sentence]] = {}
    for _, docs, _ in folders:
        for d in docs:
            body[d.id] = segment(d)[: args.max_sentences]
    titled = {d.id: with_title(d, body[d.id]) for _, docs, _ in folders for d in docs}
    all_sents = [s for sents in titled.values() for s in sents]
    emb = Embeddings(ids=tuple(s.id for s in all_sents), matrix=embed_all([s.text for s in all_sents], args.cache))

    names = [name for name, _, _ in folders]
    results: dict[tuple, dict[str, list[float]]] = {}
    for title_sent, lead, weight, linkage in itertools.product([False, True], LEADS, LEXICAL_WEIGHTS, LINKAGES):
        source = titled if title_sent else body
        curves = {}
        for name, docs, gold in folders:
            sents = [s for d in docs for s in source[d.id]]
            curves[name] = f1_curve(docs, gold, sents, emb, lead, weight, linkage)
        results[(title_sent, lead, weight, linkage)] = curves

    lines = report(results, names)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


def summary_scores(curves: dict[str, list[float]], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per threshold: MultiLing F1 and mean NeuS F1 → (min of the two, their mean)."""
    ml = np.array(curves["multiling"])
    neus = np.mean([curves[n] for n in names if n.startswith("neus")], axis=0)
    both = np.vstack([ml, neus])
    return both.min(axis=0), both.mean(axis=0)


def report(results: dict[tuple, dict[str, list[float]]], names: list[str]) -> list[str]:
    rows = []
    for key, curves in results.items():
        worst, mean = summary_scores(curves, names)
        best = int(np.argmax(worst))
        rows.append((worst[best], mean[best], THRESHOLDS[best], key))
    rows.sort(key=lambda r: (-r[0], -r[1]))
    lines = ["## Settings ranked by the worse of MultiLing F1 and mean NeuS F1 (at each setting's best threshold)",
             "", "| title as sentence | lead | lexical_weight | linkage | best threshold | min(ML, NeuS) | mean |",
             "|---|---|---|---|---|---|---|"]
    for worst, mean, t, (title_sent, lead, weight, linkage) in rows[:25]:
        lines.append(f"| {title_sent} | {lead or 'all'} | {weight} | {linkage} | {t} | {worst:.3f} | {mean:.3f} |")
    for key in [r[3] for r in rows[:3]]:
        lines += ["", f"## B-cubed F1 by threshold: title={key[0]} lead={key[1] or 'all'} lexical_weight={key[2]} "
                      f"linkage={key[3]}", "", "| threshold | " + " | ".join(names) + " | min(ML, NeuS mean) |",
                  "|---" * (len(names) + 2) + "|"]
        worst, _ = summary_scores(results[key], names)
        for i, t in enumerate(THRESHOLDS):
            cells = " | ".join(f"{results[key][n][i]:.3f}" for n in names)
            lines.append(f"| {t:.3f} | {cells} | {worst[i]:.3f} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
