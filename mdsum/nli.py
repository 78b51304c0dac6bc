"""Entailment scorers: P(premise supports hypothesis) for text pairs.

Used by the verification gate (``check.py``) and the faithfulness / citation metrics. Selected in configs
as a nested component of the checker (slot ``scorer``). Every scorer: cheap constructor, lazy ``load()``,
one verb ``score(premises, hypotheses) -> np.ndarray`` of probabilities in [0, 1], one per pair.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from mdsum.registry import register


class EntailmentScorer(Protocol):
    def load(self) -> None: ...

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray: ...


_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d+(?:[.,]\d+)*")
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as is are was were be been being it its this that
    these those he she they them his her their we our you your i me my not no so than then there here has have had
    do does did will would can could should may might must said says say told also about after before over into
    up out who whom which what when where why how all any some more most such only just very""".split()
)


def content_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text) if w.lower() not in _STOP]


@register("scorer", "mdsum.overlap_scorer.v1")
class OverlapScorer:
    """Baseline: share of the hypothesis' content words (numbers must match exactly) found in the premise.

    Offline and instant, but blind to negation and swapped roles; an NLI model is better.
    """

    def __init__(self) -> None:
        pass

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        out = np.zeros(len(premises), dtype=np.float32)
        for i, (p, h) in enumerate(zip(premises, hypotheses)):
            hw = set(content_words(h))
            if not hw:
                out[i] = 1.0
                continue
            out[i] = len(hw & set(content_words(p))) / len(hw)
        return out
