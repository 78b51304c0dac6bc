"""Fit the graph clusterer's learned edge test and, with ``--evaluate``, run its protocol (docs/clustering.md,
"A learned edge test"): τ chosen on folders of NeuS *train* stories, then today's graph default and the learned
test on folders of NeuS val + test stories and on the whole file.

    PYTHONPATH=. python scripts/train_edge_model.py --data /work/shared/data/news_clustering/neus_allsides/all.jsonl \\
        --out mdsum/resources/clusterer/edges-neus.json [--kind logistic|boosted] [--evaluate [--taus 0.5,0.6
        --link-margins 0.0,off --link-probabilities off,0.3 --baseline mdsum-edges-neus-boosted]] [--cross-fit]

The fit reads every pair of the exact k-nearest-neighbour graph (``--neighbours``, 10) of one folder of all train
stories (headline vectors of the packaged MiniLM through ``Pipeline.prepare``, TF-IDF of title + text), labelled by
whether the two snippets share a gold story; scikit-learn ``StandardScaler`` + ``LogisticRegression(C=1)`` written
as JSON, or (``--kind boosted``, needs ``pip install skl2onnx``) a ``HistGradientBoostingClassifier`` as ONNX.
Deterministic: no sampling in the fit; folders are seeded samples of whole stories.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import numpy as np

from mdsum.cluster_edges import SETTINGS, EdgeModel, boosted_metadata, document_terms, load_edge_model, pair_features
from mdsum.cluster_graph import GraphClusterer
from mdsum.evaluation.clustering import bcubed
from mdsum.evaluation.clustering_run import read_clustering
from mdsum.pipeline import Pipeline
from mdsum.types import Corpus, Document

TAUS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)
EXACT = 10**9  # the protocol's exact neighbours at every size
GRAPH: dict[str, int] = {"exact_below": EXACT, "neighbours": 10}  # every clusterer here; main sets neighbours


def split_of(doc: Document) -> str:
    return doc.id.split("-")[1]  # neus-<train|val|test>-<story>-<k>


def training_pairs(docs: list[Document], gold: dict[str, str],
                   corpus: Corpus) -> tuple[np.ndarray, np.ndarray, GraphClusterer]:
    """(X, y, clusterer): the features of every pair of the exact kNN graph of ``docs``, same-story labels, and
    the clusterer whose settings made them."""
    base = GraphClusterer(**GRAPH)  # the clusterer's own features and neighbours, exact
    canonical = sorted(docs, key=lambda d: d.id)
    dense, lexical = base.features(canonical, corpus.sentences, corpus.embeddings)
    idx, sim = base.neighbour_graph(dense, lexical)
    lo, hi, x = pair_features(idx, sim, dense, lexical, *document_terms(canonical))
    y = np.array([gold[canonical[a].id] == gold[canonical[b].id] for a, b in zip(lo, hi)])
    print(f"{len(y):,} pairs of {len(docs):,} documents ({y.mean():.1%} same story)", file=sys.stderr)
    return x, y, base


def fit_logistic(x: np.ndarray, y: np.ndarray, base: GraphClusterer) -> bytes:
    """The JSON of a standardised ``LogisticRegression(C=1)``."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    lr = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(x), y)
    model = EdgeModel(mean=tuple(scaler.mean_.tolist()), scale=tuple(scaler.scale_.tolist()),
                      coef=tuple(lr.coef_[0].tolist()), intercept=float(lr.intercept_[0]),
                      **{k: getattr(base, k) for k in SETTINGS})
    return (json.dumps(model.to_json(), indent=1) + "\n").encode("utf-8")


def fit_boosted(x: np.ndarray, y: np.ndarray, base: GraphClusterer) -> bytes:
    """The ONNX file of a ``HistGradientBoostingClassifier`` (the protocol's fixed settings; docs/clustering.md,
    "Follow-up 4"), with the metadata :func:`mdsum.cluster_edges.load_boosted` reads. Needs skl2onnx."""
    import onnx
    from skl2onnx import to_onnx
    from sklearn.ensemble import HistGradientBoostingClassifier

    _int_missing_flags()
    labels = y.astype(np.int64)  # class labels 0/1: the ONNX label output is then an int tensor
    clf = HistGradientBoostingClassifier(early_stopping=False, random_state=0).fit(x, labels)
    model = to_onnx(clf, x[:1].astype(np.float32), options={"zipmap": False},
                    target_opset={"": 17, "ai.onnx.ml": 3})
    onnx.helper.set_model_props(model, boosted_metadata(base))
    return model.SerializeToString()


def _int_missing_flags() -> None:
    """skl2onnx 1.19–1.20 gives leaves ``missing = False`` and branches numpy uint8 flags, a mix that onnx 1.23's
    ``make_attribute`` rejects ("Expected an int, got a boolean"); pass every flag as an int. Our features are never
    NaN, so the flags' values do not matter, only that the node can be built."""
    from skl2onnx.common import tree_ensemble

    add_node = getattr(tree_ensemble.add_node, "__wrapped__", tree_ensemble.add_node)

    def int_flags(*args: object, nodes_missing_value_tracks_true: object = 0, **kwargs: object) -> object:
        return add_node(*args, nodes_missing_value_tracks_true=int(nodes_missing_value_tracks_true), **kwargs)

    int_flags.__wrapped__ = add_node  # type: ignore[attr-defined]
    tree_ensemble.add_node = int_flags


FITS = {"logistic": fit_logistic, "boosted": fit_boosted}


def pair_auc(model_path: str, x: np.ndarray, y: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, load_edge_model(model_path).probability(x)))


def sample(docs: list[Document], gold: dict[str, str], n_stories: int, seed: int) -> list[Document]:
    stories = sorted({gold[d.id] for d in docs})
    random.Random(seed).shuffle(stories)
    keep = set(stories[:n_stories])
    return [d for d in docs if gold[d.id] in keep]


def f1(clusterer: GraphClusterer, docs: list[Document], gold: dict[str, str], corpus: Corpus) -> float:
    stories = clusterer.cluster(docs, corpus.sentences, corpus.embeddings)
    story_of = {d: s.id for s in stories for d in s.doc_ids}
    return bcubed([gold[d.id] for d in docs], [story_of[d.id] for d in docs])[2]


def table(clusterer: GraphClusterer, folders: dict[str, list[list[Document]]], gold: dict[str, str],
          corpus: Corpus) -> dict[str, float]:
    return {size: float(np.mean([f1(clusterer, f, gold, corpus) for f in fs])) for size, fs in folders.items()}


def evaluate(model_path: str, docs: list[Document], gold: dict[str, str], corpus: Corpus,
             taus: tuple[float, ...] = TAUS, link_margins: tuple[float | None, ...] = (0.0,),
             link_probabilities: tuple[float | None, ...] = (None,), baseline: str | None = None) -> None:
    train = [d for d in docs if split_of(d) == "train"]
    held = [d for d in docs if split_of(d) in ("val", "test")]
    n_train, n_held = len({gold[d.id] for d in train}), len({gold[d.id] for d in held})
    train_folders = {"100": [sample(train, gold, 100, s) for s in range(3)], "300": [sample(train, gold, 300, 0)],
                     "1000": [sample(train, gold, 1000, 0)], str(n_train): [train]}
    held_folders = {"10": [sample(held, gold, 10, s) for s in range(10)],
                    "30": [sample(held, gold, 30, s) for s in range(5)],
                    "100": [sample(held, gold, 100, s) for s in range(3)], "300": [sample(held, gold, 300, 0)],
                    str(n_held): [held]}
    learned = {(tau, lm, mu): GraphClusterer(edge_model=model_path, edge_probability=tau, link_margin=lm,
                                             link_probability=mu, **GRAPH)
               for mu in link_probabilities for lm in link_margins for tau in taus}
    print("| τ, link_margin, link_probability (train folders) | " + " | ".join(train_folders) + " | min |\n|---|"
          + "---|" * (len(train_folders) + 1))
    best = None
    for (tau, lm, mu), clusterer in learned.items():
        scores = table(clusterer, train_folders, gold, corpus)
        key = (round(min(scores.values()), 3), float(np.mean(list(scores.values()))))
        print(f"| {tau}, {lm}, {mu} | " + " | ".join(f"{v:.4f}" for v in scores.values()) + f" | {key[0]:.3f} |")
        if best is None or key > best[0]:
            best = (key, (tau, lm, mu))
    chosen = best[1]
    print(f"\nchosen τ, link_margin, link_probability = {chosen}\n")
    rows = {"graph default": GraphClusterer(**GRAPH),
            "learned, τ 0.5, link_margin 0.0, link_probability off": GraphClusterer(edge_model=model_path,
                                                                                    **GRAPH),
            f"learned, chosen {chosen}": learned[chosen]}
    if baseline:  # another model at the chosen settings: the comparison a new model is judged by
        tau, lm, mu = chosen
        rows[f"{baseline}, chosen {chosen}"] = GraphClusterer(edge_model=baseline, edge_probability=tau,
                                                              link_margin=lm, link_probability=mu,
                                                              exact_below=EXACT,
                                                              neighbours=load_edge_model(baseline).neighbours)
    for name, folders in (("train", train_folders), ("held-out", held_folders)):
        print(f"| {name} folders (stories) | " + " | ".join(folders) + " |\n|---|" + "---|" * len(folders))
        for label, clusterer in rows.items():
            print(f"| {label} | " + " | ".join(f"{v:.4f}" for v in table(clusterer, folders, gold, corpus).values())
                  + " |")
        print()
    for label, clusterer in rows.items():
        stories = clusterer.cluster(docs, corpus.sentences, corpus.embeddings)
        story_of = {d: s.id for s in stories for d in s.doc_ids}
        p, r, f = bcubed([gold[d.id] for d in docs], [story_of[d.id] for d in docs])
        print(f"whole file, {label}: {len(stories)} stories, B³ P / R / F1 {p:.4f} / {r:.4f} / {f:.4f}")


def cross_fit(docs: list[Document], gold: dict[str, str], corpus: Corpus, kind: str, taus: tuple[float, ...],
              link_probabilities: tuple[float | None, ...]) -> tuple[float, float | None]:
    """The protocol's choice of (τ, μ) on out-of-fold probabilities (docs/clustering.md, "Follow-up 5"): the train
    stories in two seeded halves, a model fitted on each half judged on folders of the other; prints the table."""
    import tempfile

    train = [d for d in docs if split_of(d) == "train"]
    stories = sorted({gold[d.id] for d in train})
    random.Random(0).shuffle(stories)
    halves = [set(stories[: len(stories) // 2]), set(stories[len(stories) // 2:])]
    grid = [(tau, mu) for tau in taus for mu in link_probabilities]
    scores: dict[tuple[float, float | None], list[dict[str, float]]] = {g: [] for g in grid}
    with tempfile.TemporaryDirectory() as tmp:
        for h, judged in enumerate(halves):
            path = Path(tmp) / f"half{h}{'.onnx' if kind == 'boosted' else '.json'}"
            path.write_bytes(FITS[kind](*training_pairs([d for d in train if gold[d.id] not in judged], gold, corpus)))
            mine = [d for d in train if gold[d.id] in judged]
            folders = {"100": [sample(mine, gold, 100, s) for s in range(3)], "300": [sample(mine, gold, 300, 0)],
                       "half": [mine]}
            for tau, mu in grid:
                clusterer = GraphClusterer(edge_model=str(path), edge_probability=tau, link_probability=mu,
                                           **GRAPH)
                scores[(tau, mu)].append(table(clusterer, folders, gold, corpus))
    print("| τ, μ (out-of-fold, mean of 2 halves) | 100 | 300 | half | min | mean |\n|---|---|---|---|---|---|")
    best = None
    for (tau, mu), runs in scores.items():
        sizes = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
        low, mean = min(sizes.values()), float(np.mean(list(sizes.values())))
        print(f"| {tau}, {mu} | " + " | ".join(f"{v:.4f}" for v in sizes.values()) + f" | {low:.4f} | {mean:.4f} |")
        key = (round(low, 3), round(mean, 3), -abs(tau - 0.4) - abs((mu or 0.0) - 0.3))
        if best is None or key > best[0]:
            best = (key, (tau, mu))
    print(f"\nchosen τ, μ = {best[1]}")
    return best[1]


def optional_floats(text: str) -> tuple[float | None, ...]:
    """``"0.0,off"`` → (0.0, None): a comma-separated grid where ``off`` means null."""
    return tuple(None if m == "off" else float(m) for m in text.split(","))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, required=True, help="neus_allsides/all.jsonl")
    ap.add_argument("--out", type=Path, required=True, help="where the model goes (.json logistic, .onnx boosted)")
    ap.add_argument("--kind", choices=sorted(FITS), default="logistic")
    ap.add_argument("--neighbours", type=int, default=10, help="the kNN graph's k (the model is fitted for it)")
    ap.add_argument("--cross-fit", action="store_true", help="choose τ and μ on out-of-fold probabilities")
    ap.add_argument("--baseline", default=None, help="a model to compare at the chosen settings, e.g. mdsum-edges-neus")
    ap.add_argument("--evaluate", action="store_true", help="also run the protocol's tables")
    ap.add_argument("--taus", default=",".join(map(str, TAUS)), help="edge probabilities to choose from")
    ap.add_argument("--link-margins", default="0.0", help="merge-check margins to choose from ('off' = null)")
    ap.add_argument("--link-probabilities", default="off",
                    help="probability merge checks to choose from ('off' = null)")
    args = ap.parse_args(argv)
    docs, labels = read_clustering(args.data, None, 0)
    gold = {d.id: g for d, g in zip(docs, labels)}
    corpus = Pipeline.from_config(None).prepare(docs)  # headline vectors, as evaluate-clustering embeds them
    GRAPH["neighbours"] = args.neighbours
    taus = tuple(float(t) for t in args.taus.split(","))
    train = [d for d in docs if split_of(d) == "train"]
    x, y, base = training_pairs(train, gold, corpus)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(FITS[args.kind](x, y, base))
    print(f"wrote {args.out}", file=sys.stderr)
    if args.cross_fit:
        cross_fit(docs, gold, corpus, args.kind, taus, optional_floats(args.link_probabilities))
    if args.evaluate:
        held_x, held_y, _ = training_pairs([d for d in docs if split_of(d) != "train"], gold, corpus)
        for name in filter(None, (str(args.out), args.baseline)):
            print(f"pair ROC-AUC on the held-out graph, {name}: {pair_auc(name, held_x, held_y):.4f}")
        evaluate(str(args.out), docs, gold, corpus, taus, optional_floats(args.link_margins),
                 optional_floats(args.link_probabilities), args.baseline)


if __name__ == "__main__":
    main()
