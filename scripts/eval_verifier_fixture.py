"""The verifier on the hand-judged generator outputs of tests/fixtures/fusion_judgements.jsonl.

Each record's raw output is a generated candidate citing every source sentence of its group (one outlet per
source); the verifier keeps it or drops it. Prints, per verifier setting, the share of unfaithful outputs
rejected and of faithful ones kept (all records, and the held-out split), and the time per record.

    PYTHONPATH=. OMP_NUM_THREADS=2 python3 scripts/eval_verifier_fixture.py [--fixture PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.types import Citation, Sentence, SummarySentence  # noqa: E402
from mdsum.verify import SupportVerifier  # noqa: E402

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
    args = ap.parse_args(argv)
    rows = cases(args.fixture)
    print("| verifier | unfaithful rejected | faithful kept | held out: rejected / kept | ms per output |")
    print("|---|---|---|---|---|")
    for label, kw in SETTINGS.items():
        v = SupportVerifier(**kw)
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
