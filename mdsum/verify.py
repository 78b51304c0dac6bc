"""Verification: a verdict on every citation of every candidate sentence; unsupported ones never ship.

SummaC-style (Laban et al. 2022, zero-shot): the claim is scored against each cited source sentence and
against a window of that sentence with its neighbours (a claim can span two source sentences); a citation's
score is the max, and it stays if the score reaches ``threshold``. A figure the premise does not state fails
whatever the scorer says. A quoted sentence is its own source: if its text is (after normalisation) contained
in a cited sentence, that citation always stays. A sentence left with no citation is not shipped. The
verifier never rewrites a sentence's text.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mdsum.config import ComponentSpec, build, component_spec
from mdsum.registry import register
from mdsum.text import fold_quotes
from mdsum.types import Citation, Sentence, SummarySentence
from mdsum.validate import number_in


def normalise(text: str) -> str:
    """Case, quote style and whitespace folded, for "is this text copied from that one" checks."""
    return " ".join(fold_quotes(text).replace('"', "").split()).lower().rstrip(".!?")


def is_verbatim(claim: str, source: str) -> bool:
    """Whether ``claim`` is ``source`` or a contiguous piece of it, up to the fuser's cleaning."""
    c = normalise(claim)
    return bool(c) and c in normalise(source)


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


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
    return component_spec(value, "scorer", "scorer")


def contexts(sent: Sentence, by_pos: Mapping[tuple[str, int], Sentence], window: int) -> list[str]:
    """The sentence alone, then the sentence with up to ``window`` neighbours on each side."""
    near = [by_pos[(sent.doc_id, i)] for i in range(sent.index - window, sent.index + window + 1)
            if (sent.doc_id, i) in by_pos]
    joined = " ".join(n.text for n in near)
    return [sent.text] if joined == sent.text else [sent.text, joined]


@register("verifier", "mdsum.support_verifier.v1")
class SupportVerifier:
    """Keep citations whose source sentence (or its window) scores >= ``threshold``; drop uncited sentences.

    ``scorer``: a registered entailment scorer, by name or ``{name: ..., <its arguments>}``; it is built (not
    loaded) here, so a bad name or model path fails before any work.
    """

    def __init__(self, scorer: str | dict[str, Any] = "mdsum.nli_scorer.v1", threshold: float = 0.48,
                 window: int = 1) -> None:
        threshold = number_in("threshold", threshold, 0.0, 1.0)
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise ValueError(f"window must be an integer >= 0 (neighbouring sentences on each side), got {window!r}")
        self.scorer_spec = scorer_spec(scorer)
        self.threshold = float(threshold)
        self.window = window
        self.scorer = build("scorer", self.scorer_spec)

    def load(self) -> None:
        self.scorer.load()

    def verify(self, candidates: Sequence[SummarySentence], sentences: Sequence[Sentence]) -> list[SummarySentence]:
        """Candidates with only their supported citations and ``support`` set; those with none are dropped."""
        by_id = {s.id: s for s in sentences}
        by_pos = {(s.doc_id, s.index): s for s in sentences}
        pairs: list[tuple[int, int, str, str]] = []  # (candidate, citation, sentence id, premise)
        for k, s in enumerate(candidates):
            for ci, c in enumerate(s.citations):
                for sid in c.sentence_ids:
                    if sid in by_id and not self._own(s, by_id[sid]):
                        pairs.extend((k, ci, sid, p) for p in contexts(by_id[sid], by_pos, self.window))
        # Quote style is typography, not content: fold it so “a” and "a" count as the same words.
        claims = [fold_quotes(s.text) for s in candidates]
        scores = self.scorer.score([fold_quotes(p) for *_, p in pairs], [claims[k] for k, *_ in pairs]) \
            if pairs else []
        best: dict[tuple[int, int, str], float] = {}
        for (k, ci, sid, p), sc in zip(pairs, scores, strict=True):
            sc = float(sc) if numbers_agree(claims[k], p) else 0.0
            best[(k, ci, sid)] = max(best.get((k, ci, sid), 0.0), sc)
        out = []
        for k, s in enumerate(candidates):
            verdict = self._verdict(k, s, by_id, best)
            if verdict is not None:
                out.append(verdict)
        return out

    def _own(self, s: SummarySentence, source: Sentence) -> bool:
        """A quoted sentence copied from ``source`` needs no model to confirm it."""
        return s.method == "quoted" and is_verbatim(s.text, source.text)

    def _verdict(self, k: int, s: SummarySentence, by_id: Mapping[str, Sentence],
                 best: Mapping[tuple[int, int, str], float]) -> SummarySentence | None:
        kept: list[Citation] = []
        support = 0.0
        for ci, c in enumerate(s.citations):
            per_sent = {i: 1.0 if i in by_id and self._own(s, by_id[i]) else best.get((k, ci, i), 0.0)
                        for i in c.sentence_ids}
            ok = [i for i in c.sentence_ids if per_sent[i] >= self.threshold]
            if ok:
                kept.append(Citation(doc_id=c.doc_id, sentence_ids=tuple(ok)))
                support = max(support, max(per_sent[i] for i in ok))
        if not kept:
            return None
        return dataclasses.replace(s, citations=tuple(kept), support=round(support, 6))
