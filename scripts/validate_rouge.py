"""Compare our ROUGE with the official MultiLing 2011 per-summary ROUGE-1/2 of the 10 peer systems.

The official run (published_evaluation/README.txt) is ROUGE-1.5.5 with ``-a -x -2 4 -u -c 95 -r 1000 -n 2 -f A
-p 0.5 -t 0 -d``: no stemming (no ``-m``), stopwords kept (no ``-s``), no length limit (no ``-l``/``-b``),
references pooled ("model average", ``-f A``), F with alpha 0.5. Three variants are compared with it:

- ``rouge155``: ROUGE-1.5.5's own tokenisation (hyphens are tokens), no stemming, pooled: the official variant;
- ``rs-pooled``: rouge-score's tokenizer (hyphens dropped), no stemming, pooled: isolates the tokenizer;
- ``mdsum``: what mdsum reports (rouge-score, stemming on, mean over references).

Usage: python3 scripts/validate_rouge.py --data ../shared/data/multiling2011 [--lang english] [--json out.json]
       python3 scripts/validate_rouge.py --write-fixture tests/fixtures/multiling_rouge_sample.jsonl  (English sample)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from scipy.stats import pearsonr, spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mdsum.evaluation.metrics.core.rouge import (  # noqa: E402
    rouge,
    rouge155_tokenize,
    rouge_n_pooled,
    rouge_score_tokenize,
)

LANG_CODES = {"english": "en", "arabic": "ar", "czech": "cs", "french": "fr", "greek": "el", "hebrew": "he",
              "hindi": "hi"}
_EVAL = re.compile(r"^(ID\d+) ROUGE-([12]) Eval (\d+)\.ID\d+ R:([\d.]+) P:([\d.]+) F:([\d.]+)")
Key = tuple[str, str, int]  # (system, topic_id, n)


def topic_order(autosummeng_detailed: Path) -> list[str]:
    """The organisers' evaluation order of topics (M002, M003, M001, M000, ...), not M000..M009.

    ROUGE's per-summary lines name topics only as "Eval k"; the AutoSummENG file of the same evaluation names
    them, and its order of first appearance is the k-th ROUGE evaluation's topic.
    """
    order: list[str] = []
    for line in autosummeng_detailed.read_text(encoding="utf-8").splitlines()[1:]:
        topic = line.split()[0] if line.strip() else ""
        if topic and topic not in order:
            order.append(topic)
    return order


def read_official(path: Path, topics: list[str]) -> dict[Key, tuple[float, float, float]]:
    """(system, topic, n) -> official (R, P, F); ROUGE's "Eval k" is ``topics[k - 1]``."""
    out: dict[Key, tuple[float, float, float]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _EVAL.match(line)
        if m:
            system, n, k = m.group(1), int(m.group(2)), int(m.group(3))
            out[(system, topics[k - 1], n)] = (float(m.group(4)), float(m.group(5)), float(m.group(6)))
    return out


def read_jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                yield json.loads(line)


def pooled(tokenize: Callable[[str], list[str]]) -> Callable[[str, list[str], int], tuple[float, float, float]]:
    return lambda pred, refs, n: rouge_n_pooled(pred, refs, n, tokenize)


def mdsum_variant(pred: str, refs: list[str], n: int) -> tuple[float, float, float]:
    s = rouge(pred, refs, rouge_types=(f"rouge{n}",))
    return s[f"rouge{n}_r_mean"], s[f"rouge{n}_p_mean"], s[f"rouge{n}_f_mean"]


VARIANTS = {
    "rouge155": pooled(rouge155_tokenize),
    "rs-pooled": pooled(rouge_score_tokenize),
    "mdsum": mdsum_variant,
}


def compare(
    peers: list[dict], references: dict[str, list[str]], official: dict[Key, tuple[float, float, float]]
) -> list[dict]:
    """One row per (variant, n, statistic): Pearson, Spearman and mean absolute difference over summaries."""
    rows = []
    for name, fn in VARIANTS.items():
        for n in (1, 2):
            ours, theirs = [], []
            for peer in peers:
                key = (peer["system"], peer["topic_id"], n)
                if key in official:
                    ours.append(fn(peer["summary"], references[peer["topic_id"]], n))
                    theirs.append(official[key])
            a, b = np.array(ours), np.array(theirs)
            for i, stat in ((0, "R"), (2, "F")):
                rows.append({"variant": name, "rouge": f"ROUGE-{n}", "stat": stat, "n": len(a),
                             **agreement(a[:, i], b[:, i])})
    return rows


def agreement(ours: np.ndarray, official: np.ndarray) -> dict[str, float]:
    return {
        "pearson": float(pearsonr(ours, official)[0]),
        "spearman": float(spearmanr(ours, official)[0]),
        "mad": float(np.mean(np.abs(ours - official))),
        "mean_ours": float(ours.mean()),
        "mean_official": float(official.mean()),
    }


def validate(data: Path, lang: str, peers_path: Path | None = None) -> list[dict]:
    code = LANG_CODES[lang]
    references = {c["topic_id"]: c["summaries"] for c in read_jsonl(data / f"{lang}.jsonl")}
    peers = [p for p in read_jsonl(peers_path or data / "peer_summaries.jsonl") if p["lang"] == code]
    published = data / "published_evaluation/AutomaticEvaluation"
    topics = topic_order(published / "AutoSummENG/Detailed" / f"{lang}Detailed.csv")
    official = read_official(published / "ROUGE/Detailed" / f"{lang}Detailed.txt", topics)
    return compare(peers, references, official)


FIXTURE_TOPICS = ("M000", "M004")
ATTRIBUTION = (
    "Sample of the MultiLing 2011 Pilot Dataset (TAC 2011 MultiLing Pilot), MultiLing Community, CC BY 3.0 "
    "(https://creativecommons.org/licenses/by/3.0/); English source texts from WikiNews (CC BY 2.5). Contains the "
    "human reference summaries, the submitted peer summaries and the official per-summary ROUGE-1/2 (R, P, F) of "
    "topics {topics}, copied unchanged from the dataset; see http://www.nist.gov/tac/2011/Summarization/."
)


def write_fixture(data: Path, out: Path, topics: tuple[str, ...] = FIXTURE_TOPICS) -> None:
    """A small English sample (references, peers, official scores) for tests/test_metrics_rouge.py."""
    references = {c["topic_id"]: c["summaries"] for c in read_jsonl(data / "english.jsonl")}
    published = data / "published_evaluation/AutomaticEvaluation"
    official = read_official(published / "ROUGE/Detailed/englishDetailed.txt",
                             topic_order(published / "AutoSummENG/Detailed/englishDetailed.csv"))
    lines = [json.dumps({"attribution": ATTRIBUTION.format(topics=", ".join(topics))})]
    for topic in topics:
        peers = [
            {"system": p["system"], "summary": p["summary"],
             "official": {f"rouge{n}": official[(p["system"], topic, n)] for n in (1, 2)}}
            for p in read_jsonl(data / "peer_summaries.jsonl") if p["lang"] == "en" and p["topic_id"] == topic
        ]
        lines.append(json.dumps({"topic_id": topic, "references": references[topic], "peers": peers}))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/multiling2011"))
    ap.add_argument("--lang", default="english", choices=[*LANG_CODES, "all"])
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    ap.add_argument("--write-fixture", type=Path, help="write the small English test sample here and stop")
    args = ap.parse_args()
    if args.write_fixture:
        write_fixture(args.data, args.write_fixture)
        return
    langs = list(LANG_CODES) if args.lang == "all" else [args.lang]
    all_rows = []
    print("| language | variant | metric | n | Pearson | Spearman | mean abs diff | mean ours | mean official |")
    print("|---|---|---|---|---|---|---|---|---|")
    for lang in langs:
        for r in validate(args.data, lang):
            all_rows.append({"lang": lang, **r})
            print(f"| {lang} | {r['variant']} | {r['rouge']} {r['stat']} | {r['n']} | {r['pearson']:.4f} | "
                  f"{r['spearman']:.4f} | {r['mad']:.4f} | {r['mean_ours']:.4f} | {r['mean_official']:.4f} |")
    if args.json:
        args.json.write_text(json.dumps(all_rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
