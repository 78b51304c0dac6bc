"""Acceptance check: a flat folder mixing examples/brackenford/ (one story) with the 10 MultiLing 2011 English
topics must split into 11 stories with B-cubed F1 >= 0.95.

Both folders are copied into one temporary flat folder; the configured reader, segmenter, embedder and
clusterer (default config unless ``--config``) run on it exactly as ``mdsum summarize`` would. Gold labels:
every seeds/ article is one story; a MultiLing file ``M00T_NN.txt`` belongs to topic ``M00T``.

    python3 scripts/eval_mixed_clustering.py [--seeds examples/brackenford] [--multiling examples/multiling2011_en]
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from mdsum.config import load_config
from mdsum.evaluation.clustering import adjusted_rand, bcubed, nmi
from mdsum.pipeline import Pipeline

MIN_F1 = 0.95
SEED_DIR = "seeds"
_TOPIC = re.compile(r"^(M\d{3})_\d+\.")


def mixed_folder(seeds: Path, multiling: Path, dest: Path) -> None:
    """MultiLing files flat in ``dest``; seeds in ``dest/seeds/`` (the reader recurses), so gold is in the path."""
    for src, target in ((seeds, dest / SEED_DIR), (multiling, dest)):
        files = [p for p in sorted(src.iterdir()) if p.is_file()]
        if not files:
            raise SystemExit(f"no files in {src}")
        target.mkdir(exist_ok=True)
        for p in files:
            shutil.copy(p, target / p.name)


def gold_label(path: str) -> str:
    file = Path(path.split("#")[0])  # a locator may follow the file name
    if file.parts[0] == SEED_DIR:
        return "seeds"
    m = _TOPIC.match(file.name)
    if not m:
        raise ValueError(f"cannot tell the gold story of {path!r}: expected {SEED_DIR}/* or M00T_NN.*")
    return m.group(1)


def evaluate(folder: Path, pipeline: Pipeline) -> dict[str, float]:
    documents, _ = pipeline.reader.read(folder)
    t0 = time.time()
    corpus = pipeline.prepare(documents)  # what `mdsum summarize` embeds: headlines + the clusterer's leads
    embed_s = time.time() - t0
    sentences = corpus.sentences
    t0 = time.time()
    stories = pipeline.clusterer.cluster(corpus.documents, sentences, corpus.embeddings)
    cluster_s = time.time() - t0
    story_of = {d: s.id for s in stories for d in s.doc_ids}
    gold = [gold_label(d.path or d.id) for d in documents]
    pred = [story_of[d.id] for d in documents]
    p, r, f = bcubed(gold, pred)
    for s in stories:
        labels = sorted({g for g, d in zip(gold, documents) if d.id in set(s.doc_ids)})
        print(f"  {s.id}: {len(s.doc_ids):3d} docs, gold {','.join(labels)} — {s.title}", file=sys.stderr)
    return {"documents": len(documents), "sentences": len(sentences), "gold stories": len(set(gold)),
            "stories": len(stories), "B3 P": p, "B3 R": r, "B3 F1": f, "ARI": adjusted_rand(gold, pred),
            "NMI": nmi(gold, pred), "embed s": embed_s, "cluster s": cluster_s}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=Path("examples/brackenford"))
    ap.add_argument("--multiling", type=Path, default=Path("examples/multiling2011_en"))
    ap.add_argument("--config", type=Path, default=None, help="YAML config (default: the packaged one)")
    ap.add_argument("--distance-threshold", type=float, default=None,
                    help="override clusterer.small.distance_threshold")
    args = ap.parse_args(argv)
    config = load_config(args.config)
    if args.distance_threshold is not None:
        config = config.with_overrides({"clusterer": {"small": {"distance_threshold": args.distance_threshold}}})
    pipeline = Pipeline.from_config(config)
    print(f"clusterer: {config.to_dict()['clusterer']}")
    with tempfile.TemporaryDirectory(prefix="mdsum-mixed-") as tmp:
        mixed_folder(args.seeds, args.multiling, Path(tmp))
        row = evaluate(Path(tmp), pipeline)
    print("| " + " | ".join(row) + " |")
    print("|" + "---|" * len(row))
    print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    if row["B3 F1"] < MIN_F1:
        print(f"FAIL: B-cubed F1 {row['B3 F1']:.3f} < {MIN_F1}", file=sys.stderr)
        return 1
    print(f"OK: B-cubed F1 {row['B3 F1']:.3f} >= {MIN_F1}, {row['stories']} stories for {row['gold stories']} gold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
