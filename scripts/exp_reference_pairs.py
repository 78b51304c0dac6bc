"""Experiment (not in the shipped recipe): pairs from abstractive reference summaries, for a short fine-tune.

    python3 scripts/exp_reference_pairs.py --shared ../shared/data --mix .work/checker/data --out .work/exp/data
    python3 scripts/train_checker.py --data .work/exp/data --base mdsum-checker --out .work/exp/ft1 \
        --epochs 1 --lr 2e-5

NeuS *train* reference sentences, each with the 2-sentence source window sharing most of its content words:
  reference_supported  >= 70 % of its content words in that window, no number or name the sources lack (label 1)
  ref_*_swap/negation  one rule-based swap of such a sentence, same window (label 0)
  reference_extrinsic  >= 40 % covered but with a number or capitalised word the story's sources never use
                       (an editor's outside knowledge: fluent, on topic, unsupported; label 0)
The new pairs are used twice, plus a replay sample of the shipped mix. Result: docs/checker.md §4.3.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import build_checker_data as b  # noqa: E402

from mdsum.nli import content_words  # noqa: E402

CAPWORD = re.compile(r"(?<!^)(?<![.!?:\"“] )\b([A-Z][a-z][\w'-]+)")


def novel_facts(sentence: str, story_lower: str, premise: str) -> list[str]:
    nums = [n for n in b.NUM.findall(sentence) if n not in premise]
    caps = [w for w in CAPWORD.findall(sentence) if w not in b.CAP_STOP and w.lower() not in story_lower]
    return nums + caps


def reference_pairs(clusters: list[dict], seed: int) -> list[b.Pair]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    rng = random.Random(seed)
    docs = {c["id"]: b.segment_docs([c], "neus") for c in clusters}
    all_ents = sorted({e for ds in docs.values() for d in ds for e in b.entities(d.text)})
    out: list[b.Pair] = []
    for c in clusters:
        story = " ".join(d.text for d in docs[c["id"]])
        wins = [b.clip_words(" ".join(d.sentences[i:i + 2]), b.MAX_PREMISE_WORDS)
                for d in docs[c["id"]] for i in range(len(d.sentences))]
        if not wins:
            continue
        ents = sorted(set(b.entities(story)))
        ents = ents if len(ents) > 3 else rng.sample(all_ents, 40)
        for summary in c["summaries"]:
            for s in (re.sub(r"\s+", " ", x.strip()) for x in seg.segment(summary)):
                cw = set(content_words(s))
                if not 6 <= len(s.split()) <= 60 or len(cw) < 3:
                    continue
                premise = max(wins, key=lambda w: len(cw & set(content_words(w))))
                cover = len(cw & set(content_words(premise))) / len(cw)
                novel = novel_facts(s, story.lower(), premise)
                if cover >= 0.7 and not novel and b.adds_no_facts(s, story):
                    out.append(b.Pair(premise, s, 1, "neus_ref", "reference_supported"))
                    negs = [(f"ref_{k}", h) for k, h in b.swap_errors(s, b.NUM.findall(story), ents, rng)]
                    rng.shuffle(negs)
                    out += [b.Pair(premise, h, 0, "neus_ref", k) for k, h in negs[:1]]
                elif cover >= 0.4 and novel:
                    out.append(b.Pair(premise, s, 0, "neus_ref", "reference_extrinsic"))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--mix", type=Path, default=Path(".work/checker/data"), help="build_checker_data.py output")
    ap.add_argument("--out", type=Path, default=Path(".work/exp/data"))
    ap.add_argument("--extrinsic", type=int, default=900, help="keep this many extrinsic negatives (balance)")
    ap.add_argument("--replay", type=int, default=30000, help="pairs sampled from the shipped mix")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    pairs = reference_pairs(list(b.read_jsonl(args.shared / "neus" / "train.jsonl")), args.seed)
    ext = [p for p in pairs if p.kind == "reference_extrinsic"]
    drop = set(map(id, ext)) - set(map(id, random.Random(2).sample(ext, min(args.extrinsic, len(ext)))))
    new = [p.__dict__ for p in pairs if id(p) not in drop]
    with gzip.open(args.mix / "train.jsonl.gz", "rt", encoding="utf-8") as f:
        old = [json.loads(line) for line in f]
    mix = new * 2 + random.Random(0).sample(old, args.replay)
    random.Random(1).shuffle(mix)
    args.out.mkdir(parents=True, exist_ok=True)
    with gzip.open(args.out / "train.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(p, ensure_ascii=False) + "\n" for p in mix)
    shutil.copy(args.mix / "dev.jsonl.gz", args.out / "dev.jsonl.gz")
    print(Counter((p["kind"], p["label"]) for p in new), f"train {len(mix)} -> {args.out}")


if __name__ == "__main__":
    main()
