"""Verification: a verdict on every citation of every candidate sentence; unsupported ones never ship.

SummaC-style (Laban et al. 2022, zero-shot): the claim is scored against each cited source sentence and
against a window of that sentence with its neighbours (a claim can span two source sentences); a citation's
score is the max, and it stays if the score reaches ``threshold``. A figure the premise does not state fails
whatever the scorer says. A quoted sentence is its own source: if its text is (after normalisation) contained
in a cited sentence, that citation always stays. A sentence left with no citation is not shipped. The
verifier never rewrites a sentence's text.

A generated sentence is checked harder, because generators recombine source words (docs/checker.md, issue 15):
with ``clauses`` each of its clauses ("…; …", "…, while …") must be supported by some citation on its own (a
faithful merge of two outlets is supported clause by clause, a merge no single source states is not), and
with ``roles`` the who-says-what / who-did-what checks of :mod:`mdsum.gate_roles` run against its cited
sentences: a speaker or agent swap, or a dropped "not", fails it whatever the scorer says.
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


FIGURE = re.compile(r"\d+(?:[.,]\d+)*")  # a figure as written: 2,300 and 24.9 are one each
_NUMBER_WORDS = {w: str(n) for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}


def numbers(text: str) -> set[str]:
    """Figures in ``text`` as canonical strings: "2,300" → "2300", "three" → "3"."""
    found = {m.group().replace(",", "") for m in FIGURE.finditer(text)}
    found |= {_NUMBER_WORDS[w] for w in re.findall(r"[a-z]+", text.lower()) if w in _NUMBER_WORDS}
    return found


def numbers_agree(claim: str, premise: str) -> bool:
    """Every figure the claim states appears in the premise.

    Number swaps are the commonest unfaithful merge across outlets (24.6 vs 24.9 feet) and similarity
    scorers are weakest on them, so this is a hard rule in front of any scorer.
    """
    return numbers(claim) <= numbers(premise)


_CLAUSE = re.compile(r"\s*(?:;|,\s+(?:while|whereas|but)\s+|,\s+and\s+(?=[A-Z]))\s*")
ROLE_CHECKS = ("check_speakers", "check_agents", "check_negation", "check_subjects", "check_heads",
               "check_figure_verbs")  # of mdsum.gate_roles
# (candidate, citation, sentence id, clause, context: 0 the sentence alone / 1 with neighbours, premise)
Pair = tuple[int, int, str, int, int, str]


def clauses(text: str, min_words: int = 5) -> list[str]:
    """The clauses a claim joins with ";", ", while / whereas / but" or ", and" + a name, each of at least
    ``min_words`` words; otherwise the claim itself."""
    parts = [p.strip(" ,;") for p in _CLAUSE.split(text)]
    parts = [p for p in parts if p]
    if len(parts) < 2 or any(len(p.split()) < min_words for p in parts):
        return [text]
    return parts


def role_problem(claim: str, premises: Sequence[str]) -> str | None:
    """The first who-says-what / who-did-what / negation mismatch of ``claim`` against ``premises``."""
    from mdsum import gate_roles  # here: the gate's text checks import this module's number rules

    for name in ROLE_CHECKS:
        reason = getattr(gate_roles, name)(claim, premises)
        if reason is not None:
            return reason
    return None


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

    ``clauses`` / ``roles``: the harder checks of a generated sentence (module docstring).
    ``generated_threshold``: the threshold for generated sentences (null = ``threshold``): a gate wants a
    stricter bar than a metric (docs/checker.md, "Calibration per use").

    ``scorer``: a registered entailment scorer, by name or ``{name: ..., <its arguments>}``; it is built (not
    loaded) here, so a bad name or model path fails before any work.
    """

    def __init__(self, scorer: str | dict[str, Any] = "mdsum.nli_scorer.v1", threshold: float = 0.48,
                 window: int = 1, clauses: bool = True, roles: bool = True,
                 generated_threshold: float | None = None) -> None:
        threshold = number_in("threshold", threshold, 0.0, 1.0)
        self.generated_threshold = float(threshold if generated_threshold is None else
                                         number_in("generated_threshold", generated_threshold, 0.0, 1.0))
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise ValueError(f"window must be an integer >= 0 (neighbouring sentences on each side), got {window!r}")
        for name, flag in (("clauses", clauses), ("roles", roles)):
            if not isinstance(flag, bool):
                raise ValueError(f"{name} must be true or false, got {flag!r}")
        self.scorer_spec = scorer_spec(scorer)
        self.threshold = float(threshold)
        self.window = window
        self.clauses = clauses
        self.roles = roles
        self.scorer = build("scorer", self.scorer_spec)

    def load(self) -> None:
        self.scorer.load()

    def verify(self, candidates: Sequence[SummarySentence], sentences: Sequence[Sentence]) -> list[SummarySentence]:
        """Candidates with only their supported citations and ``support`` set; those with none are dropped."""
        by_id = {s.id: s for s in sentences}
        by_pos = {(s.doc_id, s.index): s for s in sentences}
        # Quote style is typography, not content: fold it so “a” and "a" count as the same words.
        claims = [fold_quotes(s.text) for s in candidates]
        parts = [clauses(c) if self.clauses and s.method == "generated" else [c] for s, c in zip(candidates, claims)]
        pairs: list[Pair] = []
        own: set[tuple[int, str]] = set()  # (candidate, sentence id) it is quoted from: support 1.0, no model
        for k, s in enumerate(candidates):
            for ci, c in enumerate(s.citations):
                for sid in c.sentence_ids:
                    if sid not in by_id:
                        continue
                    if self._own(s, by_id[sid]):
                        own.add((k, sid))
                    else:
                        pairs.extend((k, ci, sid, j, n, p) for j in range(len(parts[k]))
                                     for n, p in enumerate(contexts(by_id[sid], by_pos, self.window)))
        # A premise missing one of the claim's figures supports nothing (0), so the model never sees that pair.
        scored = [pair for pair in pairs if numbers_agree(parts[pair[0]][pair[3]], pair[5])]
        # A settled sentence's other citations need only a verdict, so a window is scored only where the sentence
        # alone falls short (the same verdicts; 18 % less checker time on 315 stories of a large folder).
        settled = {k for k, _ in own}
        later = {pair for pair in scored if pair[0] in settled and pair[4] > 0}
        best: dict[tuple[int, int, str, int], float] = {pair[:4]: 0.0 for pair in pairs}
        self._score([pair for pair in scored if pair not in later], parts, best)
        self._score([pair for pair in scored if pair in later and best[pair[:4]] < self.threshold], parts, best)
        out = []
        for k, s in enumerate(candidates):
            verdict = self._verdict(k, s, len(parts[k]), own, best)
            if verdict is not None and self._roles_hold(verdict, by_id):
                out.append(verdict)
        return out

    def _score(self, pairs: Sequence[Pair], parts: Sequence[list[str]],
               best: dict[tuple[int, int, str, int], float]) -> None:
        """Score ``pairs`` in one call and raise each citation-clause's best score in ``best``."""
        if not pairs:
            return
        scores = self.scorer.score([fold_quotes(p) for *_, p in pairs], [parts[k][j] for k, _, _, j, _, _ in pairs])
        for pair, sc in zip(pairs, scores, strict=True):
            best[pair[:4]] = max(best[pair[:4]], float(sc))

    def _own(self, s: SummarySentence, source: Sentence) -> bool:
        """A quoted sentence copied from ``source`` needs no model to confirm it."""
        return s.method == "quoted" and is_verbatim(s.text, source.text)

    def _roles_hold(self, s: SummarySentence, by_id: Mapping[str, Sentence]) -> bool:
        """A generated sentence keeps each speaker's claim and each agent's action of its cited sentences."""
        if not self.roles or s.method != "generated":
            return True
        premises = [by_id[i].text for c in s.citations for i in c.sentence_ids if i in by_id]
        return role_problem(s.text, premises) is None

    def _verdict(self, k: int, s: SummarySentence, n_parts: int, own: set[tuple[int, str]],
                 best: Mapping[tuple[int, int, str, int], float]) -> SummarySentence | None:
        """Citations whose sentence supports some clause (a sentence in ``own`` always does); None unless every
        clause is supported by one."""
        threshold = self.generated_threshold if s.method == "generated" else self.threshold
        kept: list[Citation] = []
        best_part = [0.0] * n_parts
        for ci, c in enumerate(s.citations):
            ok = []
            for i in c.sentence_ids:
                per_part = [1.0 if (k, i) in own else best.get((k, ci, i, j), 0.0) for j in range(n_parts)]
                if max(per_part) >= threshold:
                    ok.append(i)
                    best_part = [max(b, x) for b, x in zip(best_part, per_part, strict=True)]
            if ok:
                kept.append(Citation(doc_id=c.doc_id, sentence_ids=tuple(ok)))
        support = min(best_part)
        if not kept or support < threshold:
            return None
        return dataclasses.replace(s, citations=tuple(kept), support=round(support, 6))
