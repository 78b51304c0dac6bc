"""The checker's training data: human-labelled NLI pairs and synthetic news pairs built from story clusters.

``scripts/build_checker_data.py`` writes the shipped mix with these functions; deterministic for a seed.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mdsum.checker.perturb import CAP_STOP, NUM, adds_no_facts, clip_words, compress, entities, splice, swap_errors
from mdsum.evaluation.loaders import jsonl_rows
from mdsum.text import content_words

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
    return (row for _, row in jsonl_rows(path, "data file"))


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
