"""Verification gate: a summary sentence ships only with citations whose sources support it.

SummaC-style (Laban et al. 2022, zero-shot): the claim is scored against each cited source sentence and
against a window of that sentence with its neighbours (a claim can span two source sentences); a citation's
score is the max, and it survives if the score reaches ``threshold``. An extractive sentence is its own
source: if its text is (after normalisation) contained in a cited sentence, that citation always stays. A
sentence left with no citation falls back to its group's extractive member; failing that it is dropped, so
nothing ships uncited.

Corroboration: claim groups only join near-paraphrases, so an outlet that reports the same fact in other
words is not cited. For each shipped sentence the gate therefore also tries, in every story document it does
not cite yet, the sentence sharing the most content words with it, and cites that document when the same test
passes (figures agree and the checker scores >= ``threshold``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mdsum.config import ComponentSpec, build
from mdsum.nli import fold_quotes
from mdsum.registry import register
from mdsum.types import Citation, ClaimGroup, Sentence, SummarySentence


def normalise(text: str) -> str:
    """Case, quote style and whitespace folded, for "is this text copied from that one" checks."""
    return " ".join(fold_quotes(text).replace('"', "").split()).lower().rstrip(".!?")


def is_verbatim(claim: str, source: str) -> bool:
    """Whether ``claim`` is ``source`` or a contiguous piece of it, up to the fuser's cleaning."""
    c = normalise(claim)
    return bool(c) and c in normalise(source)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}


def numbers(text: str) -> set[str]:
    """Figures in ``text`` as canonical strings: "2,300" → "2300", "three" → "3"."""
    found = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return found


def numbers_agree(claim: str, premise: str) -> bool:
    """Every figure the claim states appears in the premise.

    Number swaps are the commonest unfaithful merge across outlets (24.6 vs 24.9 feet) and similarity
    scorers are weakest on them, so this is a hard rule in front of any scorer.
    """
    return numbers(claim) <= numbers(premise)


def scorer_spec(value: str | Mapping[str, Any]) -> ComponentSpec:
    """A nested component given as a registered name or ``{name: ..., <params>}``."""
    if isinstance(value, str) and value.strip():
        return ComponentSpec(value)
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return ComponentSpec(value["name"], tuple(sorted((k, v) for k, v in value.items() if k != "name")))
    raise ValueError(f"scorer must be a registered scorer name or a mapping with 'name', got {value!r}")


@register("checker", "mdsum.support_checker.v1")
class SupportChecker:
    """Keep citations whose source sentence (or its window) scores >= ``threshold``; never ship uncited text."""

    def __init__(self, scorer: str | dict[str, Any] = "mdsum.overlap_scorer.v1", threshold: float = 0.6,
                 window: int = 1, corroborate: bool = True, corroborate_min_overlap: float = 0.5) -> None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0.0 <= threshold <= 1.0:
            raise ValueError(f"threshold must be a number in [0, 1], got {threshold!r}")
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise ValueError(f"window must be an integer >= 0 (neighbouring sentences on each side), got {window!r}")
        if not isinstance(corroborate, bool):
            raise ValueError(f"corroborate must be true or false, got {corroborate!r}")
        if isinstance(corroborate_min_overlap, bool) or not isinstance(corroborate_min_overlap, (int, float)) \
                or not 0.0 < corroborate_min_overlap <= 1.0:
            raise ValueError("corroborate_min_overlap must be a number in (0, 1] (share of the claim's content "
                             f"words a candidate sentence must contain), got {corroborate_min_overlap!r}")
        self.scorer_spec = scorer_spec(scorer)
        self.threshold = float(threshold)
        self.window = window
        self.corroborate = corroborate
        self.min_overlap = float(corroborate_min_overlap)
        self._scorer: Any = None

    def load(self) -> None:
        if self._scorer is None:
            from mdsum import nli  # noqa: F401  (registers the built-in scorers)

            self._scorer = build("scorer", self.scorer_spec)
            self._scorer.load()

    def check(self, fused: list[SummarySentence], groups: list[ClaimGroup],
              sentences: Sequence[Sentence]) -> list[SummarySentence]:
        self.load()
        by_id = {s.id: s for s in sentences}
        by_pos = {(s.doc_id, s.index): s for s in sentences}
        group_of = {g.id: g for g in groups}
        out = []
        for s in fused:
            verified = self._verify(s, by_id, by_pos)
            if verified is None:
                verified = self._fallback(group_of.get(s.group_id), by_id, by_pos)
            if verified is not None and verified.citations:
                out.append(verified)
        return self._corroborate(out, sentences, by_pos) if self.corroborate else out

    def _corroborate(self, shipped: list[SummarySentence], sentences: Sequence[Sentence],
                     by_pos: dict[tuple[str, int], Sentence]) -> list[SummarySentence]:
        """Add a citation for each uncited document whose best-matching sentence passes the gate's test."""
        from mdsum.nli import content_words

        doc_order = {d: n for n, d in enumerate(dict.fromkeys(s.doc_id for s in sentences))}
        bags = [set(content_words(s.text)) for s in sentences]
        premises: list[str] = []
        owners: list[tuple[int, Sentence]] = []  # (shipped index, candidate sentence) per premise
        # Quote style folded once per claim, as in _verify.
        claims = [fold_quotes(s.text) for s in shipped]
        for k, s in enumerate(shipped):
            claim_words = set(content_words(s.text))
            best: dict[str, tuple[float, Sentence]] = {}
            for cand, bag in zip(sentences, bags):
                if cand.doc_id in s.doc_ids or not claim_words:
                    continue
                cover = len(claim_words & bag) / len(claim_words)
                if cover >= self.min_overlap and cover > best.get(cand.doc_id, (0.0, cand))[0]:
                    best[cand.doc_id] = (cover, cand)
            for _, cand in best.values():
                for p in self._contexts(cand, by_pos):
                    if numbers_agree(claims[k], p):
                        premises.append(fold_quotes(p))
                        owners.append((k, cand))
        if not premises:
            return shipped
        scores = self._scorer.score(premises, [claims[k] for k, _ in owners])
        extra: dict[int, dict[str, Sentence]] = {}
        for (k, cand), sc in zip(owners, scores):
            if float(sc) >= self.threshold:
                extra.setdefault(k, {})[cand.doc_id] = cand
        out = []
        for k, s in enumerate(shipped):
            added = [Citation(doc_id=d, sentence_ids=(c.id,)) for d, c in extra.get(k, {}).items()]
            cites = sorted(s.citations + tuple(added),
                           key=lambda c: (doc_order.get(c.doc_id, len(doc_order)), c.doc_id))
            out.append(dataclasses.replace(s, citations=tuple(cites)) if added else s)
        return out

    def _verify(self, s: SummarySentence, by_id: dict[str, Sentence],
                by_pos: dict[tuple[str, int], Sentence]) -> SummarySentence | None:
        premises: list[str] = []
        owners: list[tuple[int, str]] = []  # (citation index, source sentence id) per premise
        own = {sid for c in s.citations for sid in c.sentence_ids
               if s.method == "quoted" and sid in by_id and is_verbatim(s.text, by_id[sid].text)}
        for ci, c in enumerate(s.citations):
            for sid in c.sentence_ids:
                if sid in by_id and sid not in own:  # a verbatim own source needs no model to confirm it
                    for p in self._contexts(by_id[sid], by_pos):
                        premises.append(p)
                        owners.append((ci, sid))
        # Quote style is typography, not content: fold it so “a” and "a" count as the same words.
        claim = fold_quotes(s.text)
        scores = self._scorer.score([fold_quotes(p) for p in premises], [claim] * len(premises)) \
            if premises else []
        best: dict[int, dict[str, float]] = {}
        for (ci, sid), sc, p in zip(owners, scores, premises):
            if not numbers_agree(claim, p):
                sc = 0.0
            best.setdefault(ci, {})
            best[ci][sid] = max(best[ci].get(sid, 0.0), float(sc))
        kept: list[Citation] = []
        support = 0.0
        for ci, c in enumerate(s.citations):
            per_sent = {**best.get(ci, {}), **{i: 1.0 for i in c.sentence_ids if i in own}}
            ok = [i for i in c.sentence_ids if per_sent.get(i, 0.0) >= self.threshold]
            if ok:
                kept.append(Citation(doc_id=c.doc_id, sentence_ids=tuple(ok)))
                support = max(support, max(per_sent[i] for i in ok))
        if not kept:
            return None
        return dataclasses.replace(s, citations=tuple(kept), support=round(support, 6))

    def _contexts(self, sent: Sentence, by_pos: dict[tuple[str, int], Sentence]) -> list[str]:
        """The sentence alone, then the sentence with up to ``window`` neighbours on each side."""
        near = [by_pos[(sent.doc_id, i)] for i in range(sent.index - self.window, sent.index + self.window + 1)
                if (sent.doc_id, i) in by_pos]
        joined = " ".join(n.text for n in near)
        return [sent.text] if joined == sent.text else [sent.text, joined]

    def _fallback(self, group: ClaimGroup | None, by_id: dict[str, Sentence],
                  by_pos: dict[tuple[str, int], Sentence]) -> SummarySentence | None:
        """The group's first member, verbatim, cited to its own document (its own source)."""
        if group is None:
            return None
        member = next((by_id[i] for i in group.sentence_ids if i in by_id), None)
        if member is None:
            return None
        text = " ".join(member.text.split())
        plain = SummarySentence(text=text, citations=(Citation(member.doc_id, (member.id,)),), group_id=group.id,
                                method="quoted")
        return self._verify(plain, by_id, by_pos)
