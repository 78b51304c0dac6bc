"""Training pairs for the fusion generator: (a group's sentences with outlet names, one sentence) pairs.

From clusters with a reference summary (NeuS: three outlets' snippets and an AllSides neutral roundup):

- ``reference``: each reference sentence (segmented as the pipeline segments) aligned to the best-matching
  sentence of each document by content-word overlap (:func:`mdsum.text.content_words`); kept when at least two
  documents contribute, the aligned sentences cover the target's content words, the target is no copy of one
  of them, and it passes mdsum's own gate (:func:`mdsum.gate.gate`) against them;
- ``compression``: the longest aligned sentence of such a group, shortened by a clause rule
  (:func:`mdsum.checker.perturb.compress`), gate-checked against the group;
- ``attribution``: an aligned sentence ``Y, X said.`` rewritten ``X said Y.`` (and back), gate-checked.

The input is built at training time by :func:`mdsum.fuse_generate.build_prompt` from ``members`` — the same
prompt the generative fuser sends — so there is one preparation path. Pairs stay out of the repository
(NeuS is research-internal); only weights trained on them ship.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass

from mdsum.fuse_generate import outlet_names
from mdsum.gate import gate
from mdsum.text import content_words
from mdsum.types import Document
from mdsum.verify import is_verbatim

KINDS = ("reference", "compression", "attribution")


@dataclass(frozen=True)
class FusionPair:
    kind: str
    cluster: str
    members: tuple[tuple[str, str], ...]  # (outlet, sentence), in document order
    target: str

    def to_json(self) -> dict:
        d = asdict(self)
        d["members"] = [list(m) for m in self.members]
        return d


def _cw(text: str) -> set[str]:
    return set(content_words(text))


def align(target: str, docs: Sequence[tuple[str, Sequence[str]]], min_overlap: float = 0.2,
          min_shared: int = 3) -> list[tuple[str, str]]:
    """The best-matching sentence of each document (outlet, sentences) for ``target``: the one sharing most of
    its content words, kept when it shares ``min_shared`` of them and ``min_overlap`` of the target's."""
    words = _cw(target)
    if not words:
        return []
    out = []
    for outlet, sents in docs:
        scored = [(len(words & _cw(s)), -i, s) for i, s in enumerate(sents)]
        if not scored:
            continue
        shared, _, best = max(scored)
        if shared >= min_shared and shared / len(words) >= min_overlap:
            out.append((outlet, best))
    return out


def coverage(target: str, sources: Iterable[str]) -> float:
    """Share of the target's content words found in the sources."""
    words = _cw(target)
    have: set[str] = set().union(*(_cw(s) for s in sources))
    return len(words & have) / len(words) if words else 0.0


def accepts(target: str, members: Sequence[tuple[str, str]], min_coverage: float = 0.7) -> bool:
    """The rule every pair's target must meet: supported by, no copy of, and gate-accepted against the members."""
    sources = [t for _, t in members]
    if sum(target.count(q) for q in '"“”') % 2:  # a quotation cut open by the segmenter
        return False
    if coverage(target, sources) < min_coverage or any(is_verbatim(target, s) for s in sources):
        return False
    return gate(target, sources, names=[o for o, _ in members]) is None


_WHEN = r"(?P<when> (?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday))?"
_SAID_END = re.compile(r"^(?P<claim>[^\"“”]{20,}?), (?P<speaker>(?:the )?[A-Z][\w.'’-]*(?: [\w.'’-]+){0,5}?) "
                       r"(?P<verb>said|says|told reporters|added)" + _WHEN + r"\.$")
_SAID_START = re.compile(r"^(?P<speaker>(?:The )?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4}) (?P<verb>said|says)"
                         + _WHEN + r" (?:that )?(?P<claim>[^\"“”]{20,})\.$")
# Clause rules of the compression pairs: (pattern, replacement); each drops detail, never a speaker.
_COMPRESSIONS = (
    (re.compile(r" \([^()]{2,80}\)"), ""),  # parenthetical
    (re.compile(r", (?:who|which|where|whose) [^,\"“”]{3,120},"), ""),  # non-restrictive relative clause
    (re.compile(r"^(?:On|In|At|After|Before|During|Earlier|Last|Since) [^,]{2,60}, "), ""),  # leading adverbial
    (re.compile(r", (?:amid|after|following|as|while|despite|with|including) [^,\"“”]{3,140}(?=\.$)"), ""),
)


_LOWER = {"The", "A", "An", "It", "Its", "This", "That", "These", "There", "Some", "More", "He", "She", "They", "We"}


def _lower_first(s: str) -> str | None:
    """The claim with its first word lower-cased; None when that word may be a name ("Initial" or "Trump")."""
    first = s.split(" ", 1)[0]
    if first in _LOWER:
        return s[0].lower() + s[1:]
    return None if first[:1].isupper() else s


def attribution_rewrite(sentence: str) -> str | None:
    """``Y, X said.`` → ``X said Y.``; ``X said (that) Y.`` → ``Y, X said.``; else None."""
    s = sentence.strip()
    m = _SAID_END.match(s)
    if m:
        speaker, claim = m["speaker"][0].upper() + m["speaker"][1:], _lower_first(m["claim"])
        if claim is None:
            return None
        return f"{speaker} {m['verb']}{m['when'] or ''} {claim}."
    m = _SAID_START.match(s)
    if m:
        claim = m["claim"][0].upper() + m["claim"][1:]
        speaker = m["speaker"][0].lower() + m["speaker"][1:] if m["speaker"].startswith("The ") else m["speaker"]
        return f"{claim}, {speaker} {m['verb']}{m['when'] or ''}."
    return None


def compress(sentence: str, rng: random.Random) -> str | None:
    """The sentence without one clause (the first rule that applies, in a random order), or None: the result
    keeps >= 6 words and drops >= 3."""
    rules = list(_COMPRESSIONS)
    rng.shuffle(rules)
    for rule, repl in rules:
        out = " ".join(rule.sub(repl, sentence, count=1).split())
        if out != sentence and len(out.split()) >= 6 and len(sentence.split()) - len(out.split()) >= 3:
            return out[0].upper() + out[1:]
    return None


def cluster_pairs(cluster: dict, segmenter, rng: random.Random, synthetic: bool = True) -> list[FusionPair]:
    """Every pair of one cluster (``{"id", "documents": [{"id", "text", "source"}], "summaries": [...]}``)."""
    docs = [Document(id=d["id"], text=d["text"], source=d.get("source")) for d in cluster["documents"]
            if (d.get("text") or "").strip()]
    names = outlet_names(docs)
    segmented = [(names[d.id], [s.text for s in segmenter.segment(d)]) for d in docs]
    pairs: list[FusionPair] = []
    seen: set[tuple] = set()

    def add(kind: str, members: Sequence[tuple[str, str]], target: str) -> None:
        key = (tuple(members), target)
        if key not in seen and accepts(target, members):
            seen.add(key)
            pairs.append(FusionPair(kind, cluster["id"], tuple(members), target))

    for summary in cluster.get("summaries") or []:
        for ref in segmenter.segment(Document(id=f"{cluster['id']}-ref", text=summary)):
            members = align(ref.text, segmented)
            if len(members) < 2:
                continue
            add("reference", members, ref.text)
            if not synthetic:
                continue
            longest = max((t for _, t in members), key=len)
            short = compress(longest, rng)
            if short:
                add("compression", members, short)
            for _, t in members:
                rewritten = attribution_rewrite(t)
                if rewritten:
                    add("attribution", members, rewritten)
    return pairs


def build_pairs(clusters: Iterable[dict], seed: int = 0, synthetic: bool = True) -> list[FusionPair]:
    """Pairs of all clusters, deterministic for a seed (the compression rule picks at random)."""
    from mdsum.segment import PysbdSegmenter

    seg = PysbdSegmenter()
    rng = random.Random(seed)
    return [p for c in clusters for p in cluster_pairs(c, seg, rng, synthetic)]


def kind_counts(pairs: Sequence[FusionPair]) -> dict[str, int]:
    counts = Counter(p.kind for p in pairs)
    return {k: counts[k] for k in KINDS}
