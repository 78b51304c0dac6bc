"""Speed of the faithfulness checker on this machine: pairs/s and claims/s against whole news articles.

    python3 scripts/bench_checker.py --shared /work/shared/data [--model mdsum-checker] [--device cpu] [--quantize int8]

A "claim" is one sentence checked against one whole MultiLing English article with ``chunked_support``
(2-sentence windows, so about as many pairs as the article has sentences). Claims are the articles' own
sentences; only the timing matters here. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing mdsum


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--model", default="mdsum-checker")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--articles", type=int, default=6)
    ap.add_argument("--claims-per-article", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--quantize", default="none", choices=["none", "int8"])
    args = ap.parse_args(argv)

    import pysbd
    import torch

    from mdsum.nli import NLIScorer, chunked_support, windows

    seg = pysbd.Segmenter(language="en", clean=False)
    docs = []
    with (args.shared / "multiling2011" / "english.jsonl").open() as f:
        for line in f:
            docs += [d["text"] for d in json.loads(line)["documents"]]
    docs = docs[:: max(1, len(docs) // args.articles)][: args.articles]
    articles = [[s.strip() for p in d.split("\n") for s in seg.segment(p) if s.strip()] for d in docs]
    scorer = NLIScorer(model=args.model, device=args.device, batch_size=args.batch_size, quantize=args.quantize)
    t0 = time.time()
    scorer.load()
    load_s = time.time() - t0
    scorer.score(["warm up"], ["warm up"])
    n_claims = n_pairs = 0
    t0 = time.time()
    for sents in articles:
        claims = sents[: args.claims_per_article]
        chunked_support(scorer, sents, claims)
        n_claims += len(claims)
        n_pairs += len(claims) * len(windows(sents))
    secs = time.time() - t0
    print(json.dumps({"model": args.model, "device": args.device, "quantize": args.quantize,
                      "batch_size": args.batch_size, "threads": torch.get_num_threads(),
                      "load_s": round(load_s, 2), "claims": n_claims, "pairs": n_pairs,
                      "mean_sentences_per_article": round(sum(map(len, articles)) / len(articles), 1),
                      "seconds": round(secs, 2), "claims_per_s": round(n_claims / secs, 2),
                      "pairs_per_s": round(n_pairs / secs, 1)}))


if __name__ == "__main__":
    main()
