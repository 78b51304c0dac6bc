"""Build the checker's training data: human-labelled NLI pairs + synthetic news pairs (FactCC-style).

    python3 scripts/build_checker_data.py --shared /work/shared/data --out .work/checker/data

Writes (gzipped JSON Lines, one ``{"premise", "hypothesis", "label", "source", "kind"}`` per line, label 1 =
supported, 0 = not supported):
  train.jsonl.gz         human pairs (factuality/train/*) + synthetic pairs from NeuS train + MultiLing English
                         (+ with --ref-copies N: reference-summary pairs from NeuS train, see reference_pairs)
  dev.jsonl.gz           2 % held aside from the same mix, for monitoring training
  news_heldout.jsonl.gz  synthetic pairs from NeuS *val* clusters only (never trained on): swap-error recall
  mix.md                 the data mix as a table (also printed)
Multi-News is not used: its test clusters are an evaluation set of this project. Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing mdsum

from mdsum.nli import content_words  # noqa: E402

HUMAN_SETS = ("vitaminc", "anli", "fever_nli", "sick", "rte", "mnli", "snli", "begin", "q2")
MIN_WORDS, MAX_WORDS, MAX_PREMISE_WORDS = 6, 60, 180
ALIGNED, FAR = 0.6, 0.05  # TF-IDF cosine: another outlet's near-paraphrase / an unrelated sentence of the story


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: int
    source: str
    kind: str


# ---------------------------------------------------------------- human-labelled pairs


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def human_pairs(train_dir: Path) -> list[Pair]:
    """NLI labels collapse to binary: entailment -> supported; neutral and contradiction -> not supported."""
    out = []
    for name in HUMAN_SETS:
        for path in sorted((train_dir / name).glob("*.jsonl")):
            for row in read_jsonl(path):
                premise = row.get("premise", row.get("source", ""))
                hyp = row.get("hypothesis", row.get("claim", ""))
                lab = row["label"]
                label = int(lab == "entailment") if isinstance(lab, str) else int(lab)
                kind = lab if isinstance(lab, str) else ("supported" if label else "unsupported")
                if premise.strip() and hyp.strip():
                    out.append(Pair(clip_words(premise, 300), hyp.strip(), label, name, kind))
    return out


def clip_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n])


# ---------------------------------------------------------------- synthetic news pairs

NUM = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds",
             "thousands", "millions"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
RELATIVE = {"yesterday": "tomorrow", "tomorrow": "yesterday", "last week": "next week", "next week": "last week",
            "last year": "next year", "next year": "last year", "earlier": "later", "before": "after",
            "after": "before"}
ANTONYMS = {"increased": "decreased", "decreased": "increased", "rose": "fell", "fell": "rose", "won": "lost",
            "lost": "won", "approved": "rejected", "rejected": "approved", "supports": "opposes",
            "opposes": "supports", "supported": "opposed", "opposed": "supported", "more": "fewer",
            "higher": "lower", "lower": "higher", "raised": "cut", "accepted": "refused", "allowed": "banned",
            "banned": "allowed", "passed": "failed", "guilty": "innocent", "first": "last", "largest": "smallest",
            "agreed": "refused", "arrested": "released", "released": "arrested", "majority": "minority",
            "killed": "injured", "injured": "killed", "up": "down", "down": "up", "begin": "end", "ended": "began"}
AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|did|does|do)\b(?! not\b)")
NEG = re.compile(r"\b(is|are|was|were|will|would|could|has|have|had|should|did|does|do) not\b|\b(is|are|was|were|"
                 r"has|have|had|would|could|should|did|does|do)n't\b|\bnever\b ?|\bno longer\b ?")
SAY = r"(?:said|says|told|announced|added|argued|claimed|stated|warned|insisted|tweeted|wrote)"
NAME = r"((?:[A-Z][\w.'-]+ ){0,3}[A-Z][\w'-]+)"
SPEAKER = re.compile(rf"{NAME} {SAY}\b|\b{SAY},? {NAME}")
CAPS = re.compile(r"(?<!^)(?<![.!?:\"“] )\b([A-Z][a-z][\w'-]*(?: (?:of |the |de )?[A-Z][\w'-]+){0,3})")
CAP_STOP = {"The", "A", "An", "He", "She", "They", "It", "We", "I", "In", "On", "But", "And", "This", "That", "Mr",
            "Mrs", "Ms", "Dr", *WEEKDAYS, *MONTHS}


def swap_number(s: str, pool: list[str], rng: random.Random) -> str | None:
    spans = [m for m in NUM.finditer(s) if not (len(m.group()) == 4 and m.group().startswith(("19", "20")))]
    if spans:
        m = rng.choice(spans)
        others = [p for p in pool if p != m.group() and p not in s]
        if others and rng.random() < 0.5:
            new = rng.choice(others)
        else:
            val = float(m.group().replace(",", ""))
            factor = rng.choice([2, 3, 10, 0.5])
            new_val = val * factor if val > 3 else val + rng.randint(2, 9)
            new = f"{new_val:,.0f}" if "," in m.group() else (f"{new_val:g}")
        return s[:m.start()] + new + s[m.end():] if new != m.group() else None
    words = [w for w in NUM_WORDS if re.search(rf"\b{w}\b", s)]
    if words:
        w = rng.choice(words)
        return re.sub(rf"\b{w}\b", rng.choice([x for x in NUM_WORDS if x != w]), s, count=1)
    return None


def swap_date(s: str, rng: random.Random) -> str | None:
    for names in (WEEKDAYS, MONTHS):
        found = [n for n in names if re.search(rf"\b{n}\b", s)]
        if found:
            n = rng.choice(found)
            return re.sub(rf"\b{n}\b", rng.choice([x for x in names if x != n]), s, count=1)
    years = [m for m in re.finditer(r"\b(19[5-9]\d|20[0-3]\d)\b", s)]
    if years:
        m = rng.choice(years)
        new = str(int(m.group()) + rng.choice([-3, -2, -1, 1, 2, 3]))
        return s[:m.start()] + new + s[m.end():]
    for old, new in RELATIVE.items():
        if re.search(rf"\b{old}\b", s):
            return re.sub(rf"\b{old}\b", new, s, count=1)
    return None


def entities(text: str) -> list[str]:
    return [e for e in CAPS.findall(text) if e not in CAP_STOP and len(e) > 2]


def swap_entity(s: str, pool: list[str], rng: random.Random) -> str | None:
    ents = entities(s)
    others = [e for e in pool if e not in s and not any(e in x or x in e for x in ents)]
    if not ents or not others:
        return None
    e = rng.choice(ents)
    return s.replace(e, rng.choice(others), 1)


def swap_speaker(s: str, pool: list[str], rng: random.Random) -> str | None:
    m = SPEAKER.search(s)
    if not m:
        return None
    name = m.group(1) or m.group(2)
    people = [e for e in pool if " " in e and e not in s and name not in e and e not in name]
    others = people or [e for e in pool if e not in s and name not in e]
    if name in CAP_STOP or not others:
        return None
    return s.replace(name, rng.choice(others), 1)


def negate(s: str, rng: random.Random) -> str | None:
    m = NEG.search(s)
    if m:  # remove an existing negation
        text = m.group()
        repl = text.replace(" not", "").replace("n't", "").replace("never ", "").replace("no longer ", "")
        repl = {"never": "", "no longer": ""}.get(repl.strip(), repl)
        return re.sub(r"\s+", " ", s[:m.start()] + repl + s[m.end():]).strip()
    auxes = list(AUX.finditer(s))
    if not auxes:
        return None
    a = rng.choice(auxes[:2])
    return s[:a.end()] + " not" + s[a.end():]


def antonym(s: str, rng: random.Random) -> str | None:
    found = [w for w in ANTONYMS if re.search(rf"\b{w}\b", s)]
    if not found:
        return None
    w = rng.choice(found)
    return re.sub(rf"\b{w}\b", ANTONYMS[w], s, count=1)


COMPRESSIONS = (
    re.compile(r" \([^()]{2,80}\)"),  # parenthetical
    re.compile(r", (?:who|which|where|whose) [^,]{3,120},"),  # non-restrictive relative clause
    re.compile(r"^(?:On|In|At|After|Before|During|Earlier|Last|Since) [^,]{2,60}, "),  # leading adverbial
    re.compile(r", (?:according to|citing|as|after|while|amid|despite|following|with|including) [^,]{3,140}(?=\.$)"),
    re.compile(r" (?:on|in|at|for|from|during|with) (?:the |a |an )?[^ ,.]+(?: [^ ,.]+){0,3}(?=\.$)"),  # final PP
)


def compress(s: str, rng: random.Random) -> str | None:
    rules = list(COMPRESSIONS)
    rng.shuffle(rules)
    for rule in rules:
        m = rule.search(s)
        if not m:
            continue
        out = s[:m.start()] + ("," if m.group().endswith(",") and m.group().startswith(",") else "") + s[m.end():]
        out = out.replace(",,", ",").strip()
        if m.start() == 0 and out:
            out = out[0].upper() + out[1:]
        if len(out.split()) >= 5 and len(s.split()) - len(out.split()) >= 2:
            return out
    return None


def adds_no_facts(hypothesis: str, premise: str) -> bool:
    """No number or name in the hypothesis that the premise lacks (an outlet's extra detail is unsupported)."""
    return all(n in premise for n in NUM.findall(hypothesis)) and all(e in premise for e in entities(hypothesis))


def splice(s: str, other: str) -> str | None:
    """Head of one source's sentence + tail of another's: each half is reported, the whole is by no one."""
    a = s.rstrip(".").split(", ")
    b = other.rstrip(".").split(", ")
    if len(a) < 2 or len(b) < 2 or len(a[0].split()) < 4:
        return None
    return f"{a[0]}, {', '.join(b[1:])}."


def swap_errors(s: str, nums: list[str], ents: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Every rule-based error the sentence admits, as (kind, changed sentence); rules tried in a fixed order."""
    out = []
    for kind, fn in (("number_swap", lambda: swap_number(s, nums, rng)),
                     ("date_swap", lambda: swap_date(s, rng)),
                     ("entity_swap", lambda: swap_entity(s, ents, rng)),
                     ("speaker_swap", lambda: swap_speaker(s, ents, rng)),
                     ("negation", lambda: negate(s, rng)),
                     ("antonym", lambda: antonym(s, rng))):
        h = fn()
        if h and h != s:
            out.append((kind, h))
    return out


@dataclass(frozen=True)
class Doc:
    cluster: str
    sentences: tuple[str, ...]
    text: str


def segment_docs(clusters: list[dict], tag: str) -> list[Doc]:
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    docs = []
    for c in clusters:
        for d in c["documents"]:
            text = (d.get("text") or "").strip()
            if not text:
                continue
            sents = []
            for para in text.split("\n"):
                sents += [s.strip() for s in seg.segment(para) if s.strip()]
            docs.append(Doc(f"{tag}:{c['id']}", tuple(sents), text))
    return docs


def premise_window(doc: Doc, i: int, rng: random.Random) -> str:
    lo = max(0, i - rng.choice([0, 1, 1]))
    hi = min(len(doc.sentences), i + 1 + rng.choice([0, 1, 1]))
    return clip_words(" ".join(doc.sentences[lo:hi]), MAX_PREMISE_WORDS)


def embed(texts: list[str]):
    """Unit-normalised TF-IDF vectors (dense float32).

    Lexical similarity is enough to find near-paraphrases across outlets (high cosine) and topically close
    sentences of other stories, and unlike MiniLM it costs seconds on two CPU cores.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, stop_words="english", max_features=50000)
    return vec.fit_transform(texts).astype(np.float32)


def synthetic_pairs(docs: list[Doc], source: str, seed: int) -> list[Pair]:
    rng = random.Random(seed)
    items = [(d, i) for d in docs for i, s in enumerate(d.sentences) if MIN_WORDS <= len(s.split()) <= MAX_WORDS]
    vecs = embed([d.sentences[i] for d, i in items])
    by_cluster: dict[str, list[int]] = {}
    for k, (d, _) in enumerate(items):
        by_cluster.setdefault(d.cluster, []).append(k)
    cluster_text = {c: " ".join(items[k][0].sentences[items[k][1]] for k in ks) for c, ks in by_cluster.items()}
    cluster_nums = {c: NUM.findall(t) for c, t in cluster_text.items()}
    cluster_ents = {c: sorted(set(entities(t))) for c, t in cluster_text.items()}
    all_ents = sorted({e for es in cluster_ents.values() for e in es})
    # Hard "different story" negatives: the most similar sentence of another cluster.
    sims_idx = nearest_other_cluster(vecs, [d.cluster for d, _ in items])
    out: list[Pair] = []
    for k, (doc, i) in enumerate(items):
        s = doc.sentences[i]
        premise = premise_window(doc, i, rng)
        c = doc.cluster
        pos: list[tuple[str, str]] = []
        neg: list[tuple[str, str]] = []
        if rng.random() < 0.5:
            pos.append(("identity", s))
        near = [t for t in doc.sentences if t != s and t in premise and len(t.split()) >= MIN_WORDS]
        if near and rng.random() < 0.3:
            pos.append(("window_sentence", rng.choice(near)))
        if (comp := compress(s, rng)) is not None:
            pos.append(("compression", comp))
        same = [j for j in by_cluster[c] if items[j][0] is not doc]
        if same:
            sims = (vecs[same] @ vecs[k].T).toarray().ravel()
            best = int(np.argmax(sims))
            cand = items[same[best]][0].sentences[items[same[best]][1]]
            if sims[best] >= ALIGNED and adds_no_facts(cand, premise):
                pos.append(("aligned_outlet", cand))
            far = [same[j] for j in np.flatnonzero(sims < FAR)]
            if far:
                j = rng.choice(far)
                neg.append(("other_outlet_unsupported", items[j][0].sentences[items[j][1]]))
                if (sp := splice(s, items[j][0].sentences[items[j][1]])) is not None:
                    neg.append(("merge_splice", sp))
                if rng.random() < 0.5:
                    other = lower_first(items[j][0].sentences[items[j][1]])
                    neg.append(("merge_append", f"{s.rstrip('.')}, and {other}"))
        if i + 1 < len(doc.sentences) and doc.sentences[i + 1] in premise and rng.random() < 0.3:
            pos.append(("merge_supported", f"{s.rstrip('.')}, and {lower_first(doc.sentences[i + 1])}"))
        # Swap within the story where it has enough names (harder), else with names from elsewhere.
        ents = cluster_ents[c] if len(cluster_ents[c]) > 3 else rng.sample(all_ents, min(40, len(all_ents)))
        neg += [(kind, h) for kind, h in swap_errors(s, cluster_nums[c], ents, rng) if h not in premise]
        if rng.random() < 0.5:
            j = int(sims_idx[k])
            neg.append(("other_story_hard", items[j][0].sentences[items[j][1]]))
        # Keep the mix near balanced: every positive, at most max(1, #pos) negatives, swaps first.
        rng.shuffle(neg)
        neg.sort(key=lambda kh: not kh[0].endswith(("swap", "negation", "antonym")))
        out += [Pair(premise, h, 1, source, kind) for kind, h in pos]
        out += [Pair(premise, h, 0, source, kind) for kind, h in neg[:max(1, len(pos))]]
    return out


def lower_first(s: str) -> str:
    return s[0].lower() + s[1:] if s and not s[:2].isupper() else s


def nearest_other_cluster(vecs, clusters: list[str], block: int = 2048) -> np.ndarray:
    ids = np.array([hash_str(c) for c in clusters])
    out = np.zeros(vecs.shape[0], dtype=np.int64)
    for a in range(0, vecs.shape[0], block):
        sims = (vecs[a:a + block] @ vecs.T).toarray()
        sims[ids[a:a + block, None] == ids[None, :]] = -2.0
        out[a:a + block] = sims.argmax(axis=1)
    return out


def hash_str(s: str) -> int:
    import zlib

    return zlib.crc32(s.encode())


# ---------------------------------------------------------------- output


def write_jsonl_gz(path: Path, pairs: list[Pair]) -> None:
    # mtime=0 keeps the gzip bytes identical across runs.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as f:
        for p in pairs:
            f.write((json.dumps(p.__dict__, ensure_ascii=False) + "\n").encode())


def mix_table(named: dict[str, list[Pair]]) -> str:
    lines = ["| split | source | kind | pairs | supported |", "|---|---|---|---|---|"]
    for split, pairs in named.items():
        counts = Counter((p.source, p.kind, p.label) for p in pairs)
        keys = sorted({(s, k) for s, k, _ in counts})
        for s, k in keys:
            n1, n0 = counts[(s, k, 1)], counts[(s, k, 0)]
            lines.append(f"| {split} | {s} | {k} | {n1 + n0} | {n1} |")
        lines.append(f"| {split} | **all** | | **{len(pairs)}** | {sum(p.label for p in pairs)} |")
    return "\n".join(lines)


# ---------------------------------------------------------------- reference-summary pairs

CAPWORD = re.compile(r"(?<!^)(?<![.!?:\"“] )\b([A-Z][a-z][\w'-]+)")


def novel_facts(sentence: str, story_lower: str, premise: str) -> list[str]:
    nums = [n for n in NUM.findall(sentence) if n not in premise]
    caps = [w for w in CAPWORD.findall(sentence) if w not in CAP_STOP and w.lower() not in story_lower]
    return nums + caps


def reference_pairs(clusters: list[dict], seed: int) -> list[Pair]:
    """Abstractive reference sentences against the source window sharing most of their content words.

    reference_supported  >= 70 % of its content words in that window, no number or name the sources lack (1)
    ref_*                one rule-based swap of such a sentence, same window (0)
    reference_extrinsic  >= 40 % covered but with a number or capitalised word the story's sources never use:
                         an editor's outside knowledge, fluent and on topic but unsupported (0)
    The synthetic pairs are all built from source sentences; these teach the summary style (XSum-like).
    """
    import pysbd

    seg = pysbd.Segmenter(language="en", clean=False)
    rng = random.Random(seed)
    docs = {c["id"]: segment_docs([c], "neus") for c in clusters}
    all_ents = sorted({e for ds in docs.values() for d in ds for e in entities(d.text)})
    out: list[Pair] = []
    for c in clusters:
        story = " ".join(d.text for d in docs[c["id"]])
        wins = [clip_words(" ".join(d.sentences[i:i + 2]), MAX_PREMISE_WORDS)
                for d in docs[c["id"]] for i in range(len(d.sentences))]
        if not wins:
            continue
        ents = sorted(set(entities(story)))
        ents = ents if len(ents) > 3 else rng.sample(all_ents, min(40, len(all_ents)))
        for summary in c["summaries"]:
            for s in (re.sub(r"\s+", " ", x.strip()) for x in seg.segment(summary)):
                cw = set(content_words(s))
                if not 6 <= len(s.split()) <= 60 or len(cw) < 3:
                    continue
                premise = max(wins, key=lambda w: len(cw & set(content_words(w))))
                cover = len(cw & set(content_words(premise))) / len(cw)
                novel = novel_facts(s, story.lower(), premise)
                if cover >= 0.7 and not novel and adds_no_facts(s, story):
                    out.append(Pair(premise, s, 1, "neus_ref", "reference_supported"))
                    negs = [(f"ref_{k}", h) for k, h in swap_errors(s, NUM.findall(story), ents, rng)]
                    rng.shuffle(negs)
                    out += [Pair(premise, h, 0, "neus_ref", k) for k, h in negs[:1]]
                elif cover >= 0.4 and novel:
                    out.append(Pair(premise, s, 0, "neus_ref", "reference_extrinsic"))
    return out


def select_reference(clusters: list[dict], seed: int, sample_seed: int, n_extrinsic: int) -> list[Pair]:
    """reference_pairs with a seeded sample of ``n_extrinsic`` extrinsic negatives (they outnumber the rest)."""
    pairs = reference_pairs(clusters, seed)
    ext = [i for i, p in enumerate(pairs) if p.kind == "reference_extrinsic"]
    drop = set(ext) - set(random.Random(sample_seed).sample(ext, min(n_extrinsic, len(ext))))
    return [p for i, p in enumerate(pairs) if i not in drop]


def load_clusters(path: Path) -> list[dict]:
    return list(read_jsonl(path))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path(".work/checker/data"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dev-fraction", type=float, default=0.02)
    ap.add_argument("--ref-extrinsic", type=int, default=900, help="keep this many reference_extrinsic (balance)")
    # Off in the shipped recipe: 2 copies gave XSumFaith +4.7 BA but -1.8 mean AUC (docs/checker.md §4.3).
    ap.add_argument("--ref-copies", type=int, default=0, help="copies of each reference-summary pair in train")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    human = human_pairs(args.shared / "factuality" / "train")
    neus = segment_docs(load_clusters(args.shared / "neus" / "train.jsonl"), "neus")
    ml = segment_docs(load_clusters(args.shared / "multiling2011" / "english.jsonl"), "multiling")
    synth = synthetic_pairs(neus, "neus_train", args.seed) + synthetic_pairs(ml, "multiling_en", args.seed + 1)
    heldout_docs = segment_docs(load_clusters(args.shared / "neus" / "val.jsonl"), "neus_val")
    heldout = synthetic_pairs(heldout_docs, "neus_val", args.seed + 2)
    pairs = human + synth
    random.Random(args.seed).shuffle(pairs)
    n_dev = int(len(pairs) * args.dev_fraction)
    dev, train = pairs[:n_dev], pairs[n_dev:]
    # Added after the split so the dev slice stays the earlier recipe's, and no copy lands in both.
    if args.ref_copies:
        refs = select_reference(load_clusters(args.shared / "neus" / "train.jsonl"), args.seed + 7, args.seed + 2,
                                args.ref_extrinsic)
        train += refs * args.ref_copies
        random.Random(args.seed + 3).shuffle(train)
    write_jsonl_gz(args.out / "train.jsonl.gz", train)
    write_jsonl_gz(args.out / "dev.jsonl.gz", dev)
    write_jsonl_gz(args.out / "news_heldout.jsonl.gz", heldout)
    table = mix_table({"train": train, "news_heldout": heldout})
    (args.out / "mix.md").write_text(table + "\n")
    print(table)
    print(f"train {len(train)}  dev {len(dev)}  news_heldout {len(heldout)}  -> {args.out}")


if __name__ == "__main__":
    main()
