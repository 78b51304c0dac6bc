"""Extractive fusion: one cleaned sentence per claim group, citing every document of the group.

Of a group's members (paraphrases of one claim from different outlets) we ship the least loaded wording,
then the most central: loadedness is the mean per-word score of a small lexicon derived from VADER and
pattern subjectivity (``resources/lexicons``); centrality is the mean content-word Jaccard overlap with the
other members. The chosen member's document is always cited; the other members' documents are candidate
citations that the verifier confirms or drops.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from mdsum.registry import register
from mdsum.text import content_words, fold_quotes, is_byline, jaccard, tokens
from mdsum.types import Citation, ClaimGroup, Document, Sentence, SummarySentence

# "WASHINGTON (Reuters) - ", "LONDON — ", "(CNN) -- ": a dateline is not part of the claim.
_DATELINE = re.compile(r"^(?:[A-Z][A-Z.'\- ]{2,}(?:,\s*[A-Z][A-Za-z. ]{1,30})?\s*)?(?:\([A-Za-z .]{2,30}\)\s*)?"
                       r"(?:--|—|–|-)\s+(?=\S)")
# WikiNews-style date line glued to the first word: "Tuesday, January 18, 2005Through a telethon, …".
_DATE_PREFIX = re.compile(r"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+[A-Z][a-z]+\s+\d{1,2},"
                          r"\s+\d{4}\s*(?=[A-Z])")
_CONNECTIVE = re.compile(r"^(?:(?:But|And|Yet|So)\s+|(?:However|Meanwhile|Moreover|Furthermore|In addition|Also|"
                         r"Additionally|Nonetheless|Nevertheless|Still),\s+)")
_SAID = re.compile(r"^(?:He|She|They|It)\s+(?:said|says|added|told reporters)(?:\s+that|,)?\s+(?=[A-Za-z0-9])")


def load_lexicon(path: str | Path | None = None) -> dict[str, float]:
    """``word<TAB>score`` lines (``#`` comments allowed); ``None`` gives the packaged lexicon."""
    if path is None:
        text = resources.files("mdsum").joinpath("resources/lexicons/loaded_words.tsv").read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    out: dict[str, float] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            out[parts[0].lower()] = float(parts[1])
        except (IndexError, ValueError):
            raise ValueError(f"lexicon {path or 'loaded_words.tsv'} line {n}: expected 'word<TAB>score', "
                             f"got {line!r}") from None
    return out


def loadedness(text: str, lexicon: dict[str, float]) -> float:
    """Mean lexicon score per word (0 = no loaded words)."""
    ws = tokens(text, compounds=True)
    return sum(lexicon.get(w, 0.0) for w in ws) / len(ws) if ws else 0.0


def _fix_quotes(text: str) -> str:
    """Drop one dangling quote mark at either end (a sentence cut out of a longer quotation)."""
    if text.count('"') % 2 == 1:
        if text.startswith('"'):
            return text[1:].lstrip()
        if text.endswith('"'):
            return text[:-1].rstrip()
    return text


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def clean_sentence(text: str, lexicon: dict[str, float] | None = None, max_loadedness: float = 0.05) -> str:
    """Whitespace and quotes normalised; dateline and dangling leading connective removed.

    A leading "He said (that)" is removed only when the rest is a complete, unloaded statement (mean
    loadedness <= ``max_loadedness`` under ``lexicon``): dropping who said an opinion would present it as
    fact, so opinions keep their attribution. Nothing is stripped if fewer than 4 words would remain.
    """
    t = fold_quotes(" ".join(text.split()))
    for pattern in (_DATE_PREFIX, _DATELINE, _CONNECTIVE):
        rest = pattern.sub("", t, count=1)
        if rest != t and len(rest.split()) >= 4:
            t = _capitalise(rest)
    rest = _SAID.sub("", t, count=1)
    if rest != t and len(rest.split()) >= 4 and lexicon is not None and loadedness(rest, lexicon) <= max_loadedness:
        t = _capitalise(rest)
    return _fix_quotes(t)


def pick_member(texts: Sequence[str], lexicon: dict[str, float], neutrality_weight: float) -> int:
    """Index of the member maximising centrality − neutrality_weight · loadedness (ties: first)."""
    bags = [set(content_words(t)) for t in texts]
    best, best_score = 0, float("-inf")
    for i, t in enumerate(texts):
        others = [jaccard(bags[i], bags[j]) for j in range(len(texts)) if j != i]
        central = sum(others) / len(others) if others else 1.0
        score = central - neutrality_weight * loadedness(t, lexicon) - (1.0 if is_byline(t) else 0.0)
        if score > best_score + 1e-12:
            best, best_score = i, score
    return best


@register("fuser", "mdsum.extractive_fuser.v1")
class ExtractiveFuser:
    """One extractive sentence per group: the least loaded, most central member, cleaned and cited."""

    def __init__(self, lexicon: str | None = None, neutrality_weight: float = 4.0,
                 strip_attribution_max_loadedness: float = 0.05) -> None:
        if lexicon is not None and (not isinstance(lexicon, str) or not lexicon.strip()):
            raise ValueError(f"lexicon must be a path to a 'word<TAB>score' file or null, got {lexicon!r}")
        for name, value in (("neutrality_weight", neutrality_weight),
                            ("strip_attribution_max_loadedness", strip_attribution_max_loadedness)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"{name} must be a number >= 0, got {value!r}")
        self.lexicon_path = lexicon
        self.neutrality_weight = float(neutrality_weight)
        self.strip_max = float(strip_attribution_max_loadedness)
        self._lexicon: dict[str, float] | None = None

    def load(self) -> None:
        if self._lexicon is None:
            if self.lexicon_path is not None and not Path(self.lexicon_path).expanduser().is_file():
                raise ValueError(f"lexicon file not found: {self.lexicon_path}; give a 'word<TAB>score' file "
                                 "or leave lexicon unset for the packaged one")
            self._lexicon = load_lexicon(None if self.lexicon_path is None else Path(self.lexicon_path).expanduser())

    def fuse(self, groups: Sequence[ClaimGroup], sentences: Sequence[Sentence],
             documents: Sequence[Document]) -> list[SummarySentence]:
        self.load()
        assert self._lexicon is not None
        by_id = {s.id: s for s in sentences}
        doc_rank = {d.id: n for n, d in enumerate(documents)}
        out = []
        for g in groups:
            members = [by_id[i] for i in g.sentence_ids if i in by_id]
            if not members:
                continue
            chosen = members[pick_member([m.text for m in members], self._lexicon, self.neutrality_weight)]
            text = clean_sentence(chosen.text, self._lexicon, self.strip_max)
            if not text or is_byline(text):
                continue
            out.append(SummarySentence(text=text, citations=_citations(members, chosen, doc_rank),
                                       group_id=g.id, method="quoted"))
        return out


def _citations(members: Sequence[Sentence], chosen: Sentence, doc_rank: dict[str, int]) -> tuple[Citation, ...]:
    """One citation per document of the group, in source-list order; the chosen member's own doc included."""
    per_doc: dict[str, list[str]] = {chosen.doc_id: [chosen.id]}
    for m in members:
        if m.doc_id != chosen.doc_id:
            per_doc.setdefault(m.doc_id, []).append(m.id)
    order = sorted(per_doc, key=lambda d: (doc_rank.get(d, len(doc_rank)), d))
    return tuple(Citation(doc_id=d, sentence_ids=tuple(per_doc[d])) for d in order)
