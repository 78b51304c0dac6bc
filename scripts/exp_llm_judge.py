"""Experiment: a causal LM as a yes/no faithfulness judge of generated fusions (docs/fusion.md, "An LLM judge").

For each judged record (tests/fixtures/fusion_judgements.jsonl, or a ``bench_fusion.py --out`` file joined to
hand labels), the judge reads the source sentences with their outlets and the output, and the score is
P(Yes) / (P(Yes) + P(No)) at the first answer token, read from the CTranslate2 model's log-probabilities (one
forward pass, no decoding). ``score`` writes one JSON line per record; ``report`` prints ROC-AUC, the
threshold that maximises balanced accuracy on the ``dev`` split, and what that threshold does after the gate.

    OMP_NUM_THREADS=2 python scripts/exp_llm_judge.py score --records tests/fixtures/fusion_judgements.jsonl \
        --generator '{"backend": "ctranslate2", "model": "/tmp/qwen15.gguf"}' --out judge_qwen.jsonl
    python scripts/exp_llm_judge.py report --scores judge_qwen.jsonl
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPT = (
    "Source sentences:\n{sources}\n\n"
    "Summary sentence: {claim}\n\n"
    "Is every part of the summary sentence supported by the source sentences? It is not supported if it gives a "
    "statement to the wrong speaker, an action to the wrong actor, a changed figure, date or place, drops a hedge "
    "or an attribution, or says anything the sources do not say. Answer with one word: Yes or No."
)


def judge_prompt(sources: list[dict], claim: str) -> str:
    return PROMPT.format(sources="\n".join(f"- {s['outlet']}: {s['text']}" for s in sources), claim=claim)


def answer_ids(tok) -> tuple[int, int]:
    """The first token of "Yes" and of "No" as the assistant turn's first word."""
    yes, no = (tok(w, add_special_tokens=False)["input_ids"][0] for w in ("Yes", "No"))
    return yes, no


def score(args: argparse.Namespace) -> None:
    import numpy as np

    from mdsum.generate import make_generator

    gen = make_generator(json.loads(args.generator))
    t0 = time.perf_counter()
    gen.load()
    print(f"load {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    tok, model = gen._tokenizer, gen._generator
    yes, no = answer_ids(tok)
    records = [json.loads(line) for line in Path(args.records).read_text(encoding="utf-8").splitlines()]
    t0, n_tokens = time.perf_counter(), 0
    with open(args.out, "w", encoding="utf-8") as sink:
        for r in records:
            sources = r.get("sources") or r["members"]
            claim = r["raw"].strip()  # what the fixture holds; a bench_fusion.py --out file has it too
            toks = gen.prompt_tokens([judge_prompt(sources, claim)])[0]
            n_tokens += len(toks)
            logp = np.asarray(model.forward_batch([toks], return_log_probs=True))[0, -1]
            p = 1.0 / (1.0 + math.exp(float(logp[no] - logp[yes])))
            sink.write(json.dumps({"id": r.get("id") or r.get("group"), "split": r.get("split", "fresh"),
                                   "label": r.get("label"), "note": r.get("note"), "raw": r.get("raw"),
                                   "sources": sources, "p_yes": round(p, 5),
                                   "mass": round(float(np.exp(logp[yes]) + np.exp(logp[no])), 4)}) + "\n")
    dt = time.perf_counter() - t0
    print(f"{len(records)} records, {dt:.1f} s, {dt / max(len(records), 1):.2f} s/record, "
          f"{n_tokens / dt:.0f} prompt tok/s", file=sys.stderr)


def gate_passes(row: dict) -> bool:
    """Whether the fuser would ship the output as generated (few-shot records: with the examples' leak check)."""
    from mdsum.fuse_generate import example_words, verdict

    words = example_words() if (row.get("id") or "").split("-")[0].endswith("_fs") else set()
    return verdict(row["raw"], [(s["outlet"], s["text"]) for s in row["sources"]], prompt_words=words)[1] is None


def report(args: argparse.Namespace) -> None:
    from sklearn.metrics import roc_auc_score

    rows = [json.loads(line) for line in Path(args.scores).read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["label"] in ("faithful", "unfaithful")]

    def auc(sel: list[dict]) -> float:
        y = [r["label"] == "faithful" for r in sel]
        return 100 * roc_auc_score(y, [r["p_yes"] for r in sel]) if 0 < sum(y) < len(y) else float("nan")

    def ba(sel: list[dict], t: float) -> float:
        good = [r["p_yes"] >= t for r in sel if r["label"] == "faithful"]
        bad = [r["p_yes"] < t for r in sel if r["label"] == "unfaithful"]
        return 50 * (sum(good) / max(len(good), 1) + sum(bad) / max(len(bad), 1))

    dev = [r for r in rows if r["split"] == "dev"]
    t = args.threshold
    if t is None:
        t = max(sorted({r["p_yes"] for r in dev}), key=lambda c: (ba(dev, c), -c))
    print(f"threshold {t:.5f} ({'given' if args.threshold is not None else 'max BA on dev'}); "
          f"mean P(Yes)+P(No) mass {sum(r['mass'] for r in rows) / len(rows):.3f}")
    print("| split | n | ROC-AUC | BA at threshold | after the gate: unfaithful passing -> judge rejects | "
          "faithful non-copies passing -> judge keeps |")
    print("|---|---|---|---|---|---|")
    for split in sorted({r["split"] for r in rows}) + ["all"]:
        sel = [r for r in rows if split in ("all", r["split"])]
        passed = [r for r in sel if gate_passes(r)]
        bad = [r for r in passed if r["label"] == "unfaithful"]
        good = [r for r in passed if r["label"] == "faithful"]
        print(f"| {split} | {len(sel)} | {auc(sel):.1f} | {ba(sel, t):.1f} | {len(bad)} -> "
              f"{sum(r['p_yes'] < t for r in bad)} | {len(good)} -> {sum(r['p_yes'] >= t for r in good)} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("score")
    s.add_argument("--records", required=True)
    s.add_argument("--generator", required=True, help="a ctranslate2 generator spec (JSON)")
    s.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--scores", required=True)
    r.add_argument("--threshold", type=float, default=None, help="default: the best balanced accuracy on dev")
    args = ap.parse_args()
    (score if args.cmd == "score" else report)(args)


if __name__ == "__main__":
    main()
