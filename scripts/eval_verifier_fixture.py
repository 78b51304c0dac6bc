"""The verifier on the hand-judged generator outputs of tests/fixtures/fusion_judgements.jsonl.

Each record's raw output is a generated candidate citing every source sentence of its group (one outlet per
source); the verifier keeps it or drops it. Prints, per verifier setting, the share of unfaithful outputs
rejected and of faithful ones kept (all records, and the held-out split), and the time per record.

    PYTHONPATH=. OMP_NUM_THREADS=2 python3 scripts/eval_verifier_fixture.py [--fixture PATH] [--quantize int8] \
        [--model runs/checker-mpnet-f6/model --threshold T]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.fuse_generate import clean_output, example_words  # noqa: E402
from mdsum.gate import gate  # noqa: E402
from mdsum.types import Citation, Sentence, SummarySentence  # noqa: E402
from mdsum.verify import SupportVerifier, is_verbatim  # noqa: E402

SETTINGS = {"scorer only": {"clauses": False, "roles": False}, "+ clauses": {"clauses": True, "roles": False},
            "+ roles": {"clauses": False, "roles": True}, "default (clauses + roles)": {}}


def cases(path: Path) -> list[tuple[dict, SummarySentence, list[Sentence]]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        r = json.loads(line)
        sents = [Sentence(f"r{n}s{i}#0", f"r{n}s{i}", 0, src["text"], 0, len(src["text"]))
                 for i, src in enumerate(r["sources"])]
        cand = SummarySentence(r["raw"].strip(), tuple(Citation(s.doc_id, (s.id,)) for s in sents), f"g{n}",
                               method="generated")
        out.append((r, cand, sents))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fixture", type=Path, default=Path("tests/fixtures/fusion_judgements.jsonl"))
    ap.add_argument("--quantize", default="none", choices=["none", "int8"], help="the checker's int8 option (CPU)")
    ap.add_argument("--model", default="mdsum-checker", help="the checker: alias, local folder or hub id")
    ap.add_argument("--threshold", type=float, default=None,
                    help="the verifier's threshold (default: SupportVerifier's, calibrated for mdsum-checker)")
    args = ap.parse_args(argv)
    rows = cases(args.fixture)
    scorer = {"name": "mdsum.nli_scorer.v1", "model": args.model, "quantize": args.quantize}
    kw_threshold = {} if args.threshold is None else {"threshold": args.threshold}
    print("| verifier | unfaithful rejected | faithful kept | held out: rejected / kept | ms per output |")
    print("|---|---|---|---|---|")
    for label, kw in SETTINGS.items():
        v = SupportVerifier(scorer=scorer, **kw, **kw_threshold)
        v.load()
        t0 = time.perf_counter()
        kept = [bool(v.verify([cand], sents)) for _, cand, sents in rows]
        ms = 1000 * (time.perf_counter() - t0) / max(len(rows), 1)
        cells = []
        for split in (None, "held_out"):
            sel = [(r, k) for (r, _, _), k in zip(rows, kept, strict=True) if split is None or r["split"] == split]
            bad = [k for r, k in sel if r["label"] == "unfaithful"]
            good = [k for r, k in sel if r["label"] == "faithful"]
            cells.append((f"{len(bad) - sum(bad)}/{len(bad)} ({100 * (len(bad) - sum(bad)) / max(len(bad), 1):.1f} %)",
                          f"{sum(good)}/{len(good)} ({100 * sum(good) / max(len(good), 1):.1f} %)"))
        print(f"| {label} | {cells[0][0]} | {cells[0][1]} | {cells[1][0]} / {cells[1][1]} | {ms:.0f} |")
        if not kw:
            pipeline_row(rows, v)
    return 0


def gated(r: dict) -> str | None:
    """The fuser's policy (as GenerativeFuser): the cleaned output, or None if it is a copy or the gate rejects it."""
    outlets = [s["outlet"] for s in r["sources"]]
    sources = [s["text"] for s in r["sources"]]
    text = clean_output(r["raw"], outlets)
    if not text or any(is_verbatim(text, s) for s in sources):
        return None
    words = example_words() if r.get("prompt") == "few_shot" else ()
    return text if gate(text, sources, names=outlets, prompt_words=words) is None else None


def pipeline_row(rows: list, v: SupportVerifier) -> None:
    """Unfaithful outputs shipped as generated after the gate and then the verifier; faithful non-copies kept."""
    shipped = []
    for r, cand, sents in rows:
        text = gated(r)
        shipped.append(text is not None and bool(v.verify([SummarySentence(
            text, cand.citations, cand.group_id, method="generated")], sents)))
    bad = [k for (r, _, _), k in zip(rows, shipped, strict=True) if r["label"] == "unfaithful"]
    good = [k for (r, _, _), k in zip(rows, shipped, strict=True) if r["label"] == "faithful"
            and not any(is_verbatim(clean_output(r["raw"], [s["outlet"] for s in r["sources"]]) or "", s["text"])
                        for s in r["sources"])]
    print(f"| gate, then the default verifier | {len(bad) - sum(bad)}/{len(bad)} "
          f"({100 * (len(bad) - sum(bad)) / max(len(bad), 1):.1f} %) not shipped | {sum(good)}/{len(good)} "
          f"faithful non-copies shipped | | |")


if __name__ == "__main__":
    sys.exit(main())
