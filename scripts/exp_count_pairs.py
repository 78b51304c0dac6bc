"""Count the (premise, claim) pairs the pipeline's verifier asks the checker for, and how many are distinct.

Wraps NLIScorer.score (the real checker still scores; with "overlap" as 4th argument the overlap scorer
stands in, which changes verdicts and so possibly later calls). (docs/checker.md §6.2)

    PYTHONPATH=. python3 scripts/exp_count_pairs.py FOLDER CONFIG OUT [overlap]
"""
import sys

from mdsum import nli
from mdsum.text import fold_quotes

calls = {"calls": 0, "pairs": 0, "distinct": 0, "over_256": 0, "tokens": 0, "padded_tokens_b16": 0}
overlap = nli.OverlapScorer()
from transformers import AutoTokenizer  # noqa: E402

from mdsum.models import resolve_model  # noqa: E402

tok = AutoTokenizer.from_pretrained(resolve_model("mdsum-checker"))


def score(self, premises, hypotheses):
    pairs = [(fold_quotes(p), fold_quotes(h)) for p, h in zip(premises, hypotheses)]
    calls["calls"] += 1
    calls["pairs"] += len(pairs)
    distinct = list(dict.fromkeys(pairs))
    calls["distinct"] += len(distinct)
    if distinct:
        lens = [len(x) for x in tok([p for p, _ in distinct], [h for _, h in distinct])["input_ids"]]
        calls["over_256"] += sum(n > 256 for n in lens)
        lens = [min(n, 256) for n in lens]
        calls["tokens"] += sum(lens)
        order = sorted(range(len(distinct)), key=lambda i: len(distinct[i][0]) + len(distinct[i][1]))
        for a in range(0, len(order), 16):
            b = [lens[i] for i in order[a:a + 16]]
            calls["padded_tokens_b16"] += max(b) * len(b)
    if STANDIN:
        return overlap.score(premises, hypotheses)
    return real(self, premises, hypotheses)


STANDIN = len(sys.argv) > 4 and sys.argv[4] == "overlap"
real = nli.NLIScorer.score
nli.NLIScorer.score = score
if STANDIN:
    nli.NLIScorer.load = lambda self: None
from mdsum.cli import main  # noqa: E402

folder, config, out = sys.argv[1:4]
sys.argv = ["mdsum", "summarize", folder, "-c", config, "-o", out]
try:
    main()
finally:
    print("PAIRS", calls, file=sys.stderr)
