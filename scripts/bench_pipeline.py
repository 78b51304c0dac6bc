"""Benchmark the end-to-end pipeline: cold and warm wall time, embedding throughput, peak RSS.

    python scripts/bench_pipeline.py [--folder seeds] [--folder examples/mixed] [--repeat 3]

Cold = a fresh Python process (imports + model load + one run). Warm = a further run on a loaded
pipeline (median of --repeat). Targets (issue 2): seeds/ warm <= 1.5 s, peak RSS <= 2 GB. "multi %" is the
share of summary sentences (in stories of >= 2 articles) that cite >= 2 outlets.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _measure(folder: str, repeat: int) -> dict:
    """Runs inside a fresh process so 'cold' and peak RSS are honest."""
    import resource

    t0 = time.perf_counter()
    from mdsum.pipeline import Pipeline

    pipe = Pipeline.from_config(None)
    result = pipe.summarize_folder(folder)
    cold = time.perf_counter() - t0
    warm = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = pipe.summarize_folder(folder)
        warm.append(time.perf_counter() - t)
    texts = [s.text for s in result.sentences]
    t = time.perf_counter()
    pipe.embedder.embed(texts)
    embed_s = time.perf_counter() - t
    shipped = [x for r in result.stories if len(r.story.doc_ids) > 1 for x in r.summary.sentences]
    return {
        "folder": folder,
        "summary_sentences": len(shipped),
        "multi_source_share": sum(len(x.citations) > 1 for x in shipped) / max(1, len(shipped)),
        "articles": len(result.documents),
        "sentences": len(texts),
        "stories": len(result.stories),
        "cold_s": cold,
        "warm_s": statistics.median(warm),
        "sent_per_s": len(texts) / embed_s if embed_s else float("nan"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _mixed_folder() -> str:
    """seeds/ + the ten MultiLing 2011 English topics, in one temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="mdsum-mixed-"))
    shutil.copytree(ROOT / "seeds", tmp / "seeds")
    shutil.copytree(ROOT / "examples" / "multiling2011_en", tmp / "multiling2011_en")
    return str(tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", action="append", help="folder to summarise (default: seeds/ and the mixed folder)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(_measure(args._child, args.repeat)))
        return
    folders = args.folder or [str(ROOT / "seeds"), _mixed_folder()]
    rows = []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    for folder in folders:
        out = subprocess.run([sys.executable, __file__, "--_child", folder, "--repeat", str(args.repeat)],
                             capture_output=True, text=True, env=env, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (f"{'folder':<28}{'articles':>9}{'sents':>7}{'stories':>8}{'cold s':>8}{'warm s':>8}"
            f"{'sent/s':>8}{'RSS MB':>8}{'multi %':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        name = Path(r["folder"]).name if "mdsum-mixed" not in r["folder"] else "seeds+multiling2011_en"
        print(f"{name:<28}{r['articles']:>9}{r['sentences']:>7}{r['stories']:>8}{r['cold_s']:>8.2f}"
              f"{r['warm_s']:>8.2f}{r['sent_per_s']:>8.0f}{r['peak_rss_mb']:>8.0f}"
              f"{100 * r['multi_source_share']:>8.0f}%")


if __name__ == "__main__":
    main()
