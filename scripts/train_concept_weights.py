"""Fit the concept ranker's learned weights (docs/benchmarks.md, "Learned concept weights", round 5).

    PYTHONPATH=. python scripts/train_concept_weights.py --data ../shared/data/neus/train.jsonl \\
        --out mdsum/resources/ranker/concepts-neus.json

Every bigram concept of every training cluster is one row: its :data:`mdsum.salience.CONCEPT_FEATURES` over the
cluster's sentences as the pipeline segments them (``Pipeline.prepare``, the route ``mdsum evaluate`` takes),
labelled by whether the reference's bigram concepts hold it (any reference). scikit-learn ``StandardScaler`` +
``LogisticRegression(C=1)``, lbfgs: deterministic, no sampling. The AUC of a 2-fold split by cluster is printed
for information; it chooses nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from mdsum.concept_model import ConceptModel
from mdsum.evaluation.loaders import load_benchmark
from mdsum.pipeline import Pipeline
from mdsum.salience import CONCEPT_FEATURES, concept_features, sentence_concepts


def rows(path: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, cluster number) over every bigram concept of every cluster."""
    pipeline = Pipeline.from_config(None)
    xs, ys, groups = [], [], []
    for n, cluster in enumerate(load_benchmark(path)):
        corpus = pipeline.prepare(cluster.documents, cluster=False)
        feats = concept_features([(s.doc_id, s.index, s.text) for s in corpus.sentences])
        gold = set().union(*(sentence_concepts(r, "bigram") for r in cluster.references))
        for c, x in feats.items():
            xs.append(x)
            ys.append(c in gold)
            groups.append(n)
    return np.array(xs).reshape(len(xs), len(CONCEPT_FEATURES)), np.array(ys), np.array(groups)


def fit(x: np.ndarray, y: np.ndarray) -> ConceptModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x), y)
    return ConceptModel(mean=tuple(scaler.mean_.tolist()), scale=tuple(scaler.scale_.tolist()),
                        coef=tuple(lr.coef_[0].tolist()), intercept=float(lr.intercept_[0]))


def main() -> None:
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="a benchmark JSONL with references (NeuS train)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    x, y, groups = rows(args.data)
    print(f"{len(y):,} concepts of {groups.max() + 1:,} clusters, {y.mean():.1%} in the reference", file=sys.stderr)
    for k in range(2):
        train, test = groups % 2 != k, groups % 2 == k
        p = fit(x[train], y[train]).probability(x[test])
        print(f"fold {k}: AUC {roc_auc_score(y[test], p):.3f} (document share alone, the rounds 1-4 weight: "
              f"{roc_auc_score(y[test], x[test, 0]):.3f})", file=sys.stderr)
    model = fit(x, y)
    for name, c in zip(CONCEPT_FEATURES, model.coef):
        print(f"  {name:22s} {c:+.3f}", file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"-> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
