"""Benchmark the end-to-end pipeline: cold and warm wall time, embedding throughput, peak RSS.

    python scripts/bench_pipeline.py [--folder seeds] [--folder examples/mixed] [--repeat 3] [--large 1,8,50]
        [--config my.yaml]

Cold = a fresh Python process (imports + model load + one run). Warm = a further run on a loaded
pipeline (median of --repeat). Targets (issue 2): seeds/ warm <= 1.5 s, peak RSS <= 2 GB. "multi %" is the
share of summary sentences (in stories of >= 2 articles) that cite >= 2 outlets.

Large rows (issue 13): seeds/ plus one text file of N MB (decimal) made of seed paragraphs, generated in a temporary
folder; cold run only. Targets: the 8 MB row <= 60 s, peak RSS <= 2 GB. The reader caps what one article
contributes (``max_chars``), so the cost is that of a long article, not of the file.
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





def _measure(folder: str, repeat: int, config: str | None) -> dict:
    """Runs inside a fresh process so 'cold' and peak RSS are honest."""
    import resource

    t0 = time.perf_counter()
    from mdsum.pipeline import Pipeline

    pipe = Pipeline.from_config(config)
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
    big = [f for f in result.manifest.files if f.path.startswith("big_")]
    return {
        "folder": folder,
        "big_file": (f"{big[0].status}: {big[0].reason}" if big[0].reason else big[0].status) if big else "",
        "summary_sentences": len(shipped),
        "multi_source_share": sum(len(x.citations) > 1 for x in shipped) / max(1, len(shipped)),
        "articles": len(result.documents),
        "sentences": len(texts),
        "stories": len(result.stories),
        "cold_s": cold,
        "warm_s": statistics.median(warm) if warm else float("nan"),
        "sent_per_s": len(texts) / embed_s if embed_s else float("nan"),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _mixed_folder() -> str:
    """seeds/ + the ten MultiLing 2011 English topics, in one temporary folder."""
    tmp = Path(tempfile.mkdtemp(prefix="mdsum-mixed-"))
    shutil.copytree(ROOT / "seeds", tmp / "seeds")
    shutil.copytree(ROOT / "examples" / "multiling2011_en", tmp / "multiling2011_en")
    return str(tmp)


def _large_folder(mb: float) -> str:
    """seeds/ + one ``big_<N>mb.txt`` of seed paragraphs (numbered, so no two lines are the same), N decimal MB."""
    tmp = Path(tempfile.mkdtemp(prefix=f"mdsum-large-{mb:g}mb-"))
    shutil.copytree(ROOT / "seeds", tmp / "seeds")
    paras = [p.strip() for f in sorted((ROOT / "seeds").glob("*.txt"))
             for p in f.read_text(encoding="utf-8").split("\n") if len(p.split()) >= 8]
    target, size, n = int(mb * 1e6), 0, 0
    chunks = []
    while size < target:
        line = f"{paras[n % len(paras)]} (Part {n}.)\n\n".encode()
        chunks.append(line)
        size += len(line)
        n += 1
    (tmp / "seeds" / f"big_{mb:g}mb.txt").write_bytes(b"".join(chunks)[:target])  # exactly N MB: max_file_mb reads it
    return str(tmp / "seeds")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--folder", action="append", help="folder to summarise (default: seeds/ and the mixed folder)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--large", default="1,8,50", help="MB sizes of the large-file rows ('' for none)")
    ap.add_argument("--config", default=None, help="pipeline YAML (default: the packaged config)")
    ap.add_argument("--_child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args._child:
        print(json.dumps(_measure(args._child, args.repeat, args.config)))
        return
    folders = [(f, args.repeat) for f in args.folder or [str(ROOT / "seeds"), _mixed_folder()]]
    folders += [(_large_folder(float(mb)), 0) for mb in args.large.split(",") if mb.strip()]
    rows = []
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",  # this checkout's mdsum:
           "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    for folder, repeat in folders:
        config = ["--config", args.config] if args.config else []
        out = subprocess.run([sys.executable, __file__, "--_child", folder, "--repeat", str(repeat), *config],
                             capture_output=True, text=True, env=env, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    head = (f"{'folder':<28}{'articles':>9}{'sents':>7}{'stories':>8}{'cold s':>8}{'warm s':>8}"
            f"{'sent/s':>8}{'RSS MB':>8}{'multi %':>9}")
    print(head)
    print("-" * len(head))
    for r in rows:
        name = Path(r["folder"]).name if "mdsum-mixed" not in r["folder"] else "seeds+multiling2011_en"
        if "mdsum-large-" in r["folder"]:
            name = "seeds+" + r["folder"].split("mdsum-large-")[1].split("-")[0] + " file"
        print(f"{name:<28}{r['articles']:>9}{r['sentences']:>7}{r['stories']:>8}{r['cold_s']:>8.2f}"
              f"{r['warm_s']:>8.2f}{r['sent_per_s']:>8.0f}{r['peak_rss_mb']:>8.0f}"
              f"{100 * r['multi_source_share']:>8.0f}%")
    for r in rows:
        if r["big_file"]:
            print(f"  {Path(r['folder']).parent.name.split('-')[2]} file in the manifest: {r['big_file']}")


if __name__ == "__main__":
    main()
