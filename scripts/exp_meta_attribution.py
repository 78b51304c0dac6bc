"""Experiment: a prompt line or a strip rule against meta-attribution ("Both sources state …"), docs/fusion.md.

``tasks`` writes the multi-source claim groups of NeuS-style clusters in the order of ``bench_fusion.py --neus``
(batch 4 = lines 180-239 of Multi-News 200's). ``run`` generates every task of a slice under the arms P0 (today's
system prompt) and P1 (one more line), and records the fuser's verdict for those outputs and for S(P0) / S(P1)
(the outputs after ``strip_meta``). ``listing`` pools what ships as generated under any arm and model,
deduplicated, shuffled, without arm, model or verdict, for judging by hand; ``report`` joins the labels.

    python scripts/exp_meta_attribution.py tasks --neus ../shared/data/multinews/test_longbench200.jsonl \\
        --clusters 200 --out DIR/tasks.jsonl
    OMP_NUM_THREADS=2 python scripts/exp_meta_attribution.py run --tasks DIR/tasks.jsonl --start 180 --stop 240 \\
        --name qwen --generator '{"backend": "ctranslate2", "model": "/tmp/qwen15.gguf", ...}' --out-dir DIR
    python scripts/exp_meta_attribution.py listing --tasks DIR/tasks.jsonl --out-dir DIR  # listing.md, labels.tsv
    python scripts/exp_meta_attribution.py report --out-dir DIR  # after filling labels.tsv (f / u)
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.fuse_generate import SYSTEM  # noqa: E402

LINE = ('Never write "both sources", "the sources", "the outlets" or "the sentences": write about the events and '
        "the people themselves.")
PROMPTS = {"P0": SYSTEM, "P1": f"{SYSTEM} {LINE}"}
ARMS = ("P0", "P1", "S(P0)", "S(P1)")

_GROUP = (r"(?:both|all|the two|the three|the four|the five|all (?:the )?(?:two|three|four|five))(?: of the)?\s+"
          r"(?:news\s+)?(?:sources|outlets|reports|articles|sentences|accounts)")
_VERB = r"(?:state|say|report|agree|confirm|note|claim|indicate|mention)(?:s|d|ed)?"
_LEAD = re.compile(rf"^(?:{_GROUP}\s+{_VERB}(?:\s+that)?[,:]?\s+|according to {_GROUP},\s*)", re.IGNORECASE)
_TAIL = re.compile(rf",\s*(?:according to {_GROUP}|as {_GROUP} {_VERB})(?=[.!?]?$)", re.IGNORECASE)


def strip_meta(text: str) -> str:
    """The sentence without a leading or trailing reference to "both sources" (the citations name them)."""
    out = _TAIL.sub("", _LEAD.sub("", text.strip()))
    return out[:1].upper() + out[1:] if out != text.strip() else text


def write_tasks(args: argparse.Namespace) -> None:
    from bench_fusion import neus_tasks  # this folder is on sys.path when the script runs

    from mdsum.pipeline import Pipeline

    with Path(args.out).open("w", encoding="utf-8") as sink:
        for i, t in enumerate(neus_tasks(args.neus, Pipeline.from_config(None), args.clusters)):
            sink.write(json.dumps({"origin": t["folder"], "id": f"mn-{i}", "sources": t["members"]},
                                  ensure_ascii=False) + "\n")


def generate_chunk(gen, prompts: list) -> list[str]:
    """One call per four prompts, as the fuser's ``batch_size: 4`` makes them; a failed call gives empty outputs."""
    from mdsum.generate_contract import GeneratorError

    try:
        return gen.generate(prompts)
    except GeneratorError as e:
        print(f"generator failed on a chunk: {e}", file=sys.stderr)
        return [""] * len(prompts)


def run(args: argparse.Namespace) -> None:
    from mdsum.fuse_generate import build_prompt, clean_output, example_words, verdict
    from mdsum.generate import make_generator

    lines = Path(args.tasks).read_text(encoding="utf-8").splitlines()[args.start:args.stop]
    tasks = [json.loads(x) for x in lines]
    gen = make_generator(json.loads(args.generator))
    gen.load()
    words = example_words() if args.few_shot else set()
    out = Path(args.out_dir) / f"{args.name}.jsonl"
    with out.open("w", encoding="utf-8") as sink:
        for arm in args.arms.split(","):
            t0 = time.perf_counter()
            prompts = [build_prompt([(s["outlet"], s["text"]) for s in t["sources"]], few_shot=args.few_shot,
                                    system=PROMPTS[arm]) for t in tasks]
            raws = [raw for i in range(0, len(prompts), 4) for raw in generate_chunk(gen, prompts[i:i + 4])]
            print(f"{args.name} {arm}: {len(tasks)} tasks, {(time.perf_counter() - t0) / len(tasks):.1f} s/task",
                  file=sys.stderr)
            for t, raw in zip(tasks, raws):
                members = [(s["outlet"], s["text"]) for s in t["sources"]]
                stripped = strip_meta(clean_output(raw, [o for o, _ in members]))
                for name, r in ((arm, raw), (f"S({arm})", stripped)):
                    text, why = verdict(r, members, prompt_words=words)
                    sink.write(json.dumps({"task": t["id"], "model": args.name, "arm": name, "raw": raw,
                                           "output": text, "gate": why, "meta": strip_meta(text) != text},
                                          ensure_ascii=False) + "\n")


def _rows(out_dir: Path) -> list[dict]:
    rows = (json.loads(x) for f in sorted(out_dir.glob("*.jsonl")) for x in f.read_text(encoding="utf-8").splitlines())
    return [r for r in rows if "arm" in r]  # run's records, not a tasks file kept in the same folder


def _has_labels(path: Path) -> bool:
    """Whether ``path`` holds at least one label (a listing made before ``run`` finished leaves none)."""
    if not path.exists():
        return False
    return any(len(cols) > 2 and cols[2].strip() for cols in
               (line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()[1:]))


def listing(args: argparse.Namespace) -> None:
    out_dir = Path(args.out_dir)
    if _has_labels(out_dir / "labels.tsv"):  # a new listing would renumber the items the labels refer to
        sys.exit(f"{out_dir / 'labels.tsv'} already holds labels: judge into a new folder, or move it away to relist")
    tasks = {json.loads(x)["id"]: json.loads(x) for x in Path(args.tasks).read_text(encoding="utf-8").splitlines()}
    shipped = sorted({(r["task"], r["output"]) for r in _rows(out_dir)
                      if (r["arm"].startswith("P") if args.all else r["gate"] is None)})
    random.Random(0).shuffle(shipped)
    md, tsv = [], ["item\ttask\tlabel\tnote"]
    for n, (task, text) in enumerate(shipped, start=1):
        srcs = "\n".join(f"  - {s['outlet']}: {s['text']}" for s in tasks[task]["sources"])
        md.append(f"## item {n}\n{srcs}\n\n**output**: {text}\n")
        tsv.append(f"{n}\t{task}\t\t")
    (out_dir / "listing.md").write_text("\n".join(md), encoding="utf-8")
    (out_dir / "labels.tsv").write_text("\n".join(tsv) + "\n", encoding="utf-8")  # unfilled, so safe to rewrite
    (out_dir / "items.json").write_text(json.dumps(shipped, ensure_ascii=False), encoding="utf-8")
    print(f"{len(shipped)} items to judge", file=sys.stderr)


def report(args: argparse.Namespace) -> None:
    out_dir = Path(args.out_dir)
    items = json.loads((out_dir / "items.json").read_text(encoding="utf-8"))
    label = {}
    for line in (out_dir / "labels.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        n, _task, lab, *_ = line.split("\t")
        label[tuple(items[int(n) - 1])] = lab.strip()
    rows = _rows(out_dir)
    print("| model | arm | outputs | meta-attribution | shipped as generated | faithful (F) | unfaithful (U) |")
    print("|---|---|---|---|---|---|---|")
    for model in sorted({r["model"] for r in rows}):
        for arm in ARMS:
            rs = [r for r in rows if r["model"] == model and r["arm"] == arm]
            ship = [label.get((r["task"], r["output"])) for r in rs if r["gate"] is None]
            if not rs or None in ship:  # an arm not run, or one whose outputs were not all listed
                continue
            meta = sum(r["meta"] for r in rs) if arm.startswith("P") else "–"
            print(f"| {model} | {arm} | {len(rs)} | {meta} | {len(ship)} | {ship.count('f')} | {ship.count('u')} |")
    complete = {(r["model"], r["arm"]) for r in rows if r["arm"].startswith("P")} - {
        (r["model"], r["arm"]) for r in rows if (r["task"], r["output"]) not in label}
    judged = [r for r in rows if (r["model"], r["arm"]) in complete]
    if judged:  # every output of an arm labelled (listing --all): the gate's rates as for the fixture
        print("\n| model | arm | unfaithful not shipped | faithful non-copies kept | copies | wrapped (m) |")
        print("|---|---|---|---|---|---|")
        for model, arm in sorted({(r["model"], r["arm"]) for r in judged}):
            rs = [r for r in judged if (r["model"], r["arm"]) == (model, arm)]
            lab = [(label[(r["task"], r["output"])], r["gate"]) for r in rs]
            u = [g for x, g in lab if x == "u"]
            f = [g for x, g in lab if x == "f" and not (g or "").startswith("copy")]
            print(f"| {model} | {arm} | {sum(g is not None for g in u)} of {len(u)} | {sum(g is None for g in f)} of "
                  f"{len(f)} | {sum((g or '').startswith('copy') for _, g in lab)} | {sum(x == 'm' for x, _ in lab)} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    tk = sub.add_parser("tasks")
    tk.add_argument("--neus", required=True)
    tk.add_argument("--clusters", type=int, default=200)
    tk.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("--tasks", required=True)
    r.add_argument("--start", type=int, default=0)
    r.add_argument("--stop", type=int, default=None)
    r.add_argument("--name", required=True)
    r.add_argument("--generator", required=True)
    r.add_argument("--few-shot", action="store_true")
    r.add_argument("--arms", default="P0,P1", help="prompts to generate with (comma-separated)")
    r.add_argument("--out-dir", required=True)
    li = sub.add_parser("listing")
    li.add_argument("--tasks", required=True)
    li.add_argument("--out-dir", required=True)
    li.add_argument("--all", action="store_true", help="every output of the P arms, not only what ships")
    rp = sub.add_parser("report")
    rp.add_argument("--out-dir", required=True)
    args = ap.parse_args()
    {"tasks": write_tasks, "run": run, "listing": listing, "report": report}[args.cmd](args)


if __name__ == "__main__":
    main()
