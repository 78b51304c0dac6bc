"""Attribution: besides the claim group's own documents, propose other outlets that report the same fact.

Claim groups only join near-paraphrases, so an outlet that reports a fact in other words is not in the
group. For each candidate sentence the attributor proposes, in every story document the sentence does not
cite yet, that document's sentence sharing the most content words with it (at least ``min_overlap`` of the
claim's content words). It only proposes: the verifier then keeps the citations their sources support.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from mdsum.registry import register
from mdsum.text import content_words
from mdsum.types import Citation, Sentence, SummarySentence
from mdsum.validate import boolean, number_in


def best_matches(claim: str, sentences: Sequence[Sentence], bags: Sequence[set[str]], skip_docs: set[str],
                 min_overlap: float) -> dict[str, Sentence]:
    """Per document not in ``skip_docs``: its sentence covering the largest share (>= min_overlap) of the
    claim's content words; ties keep the earlier sentence."""
    claim_words = set(content_words(claim))
    best: dict[str, tuple[float, Sentence]] = {}
    if not claim_words:
        return {}
    for cand, bag in zip(sentences, bags, strict=True):
        if cand.doc_id in skip_docs:
            continue
        cover = len(claim_words & bag) / len(claim_words)
        if cover >= min_overlap and cover > best.get(cand.doc_id, (0.0, cand))[0]:
            best[cand.doc_id] = (cover, cand)
    return {d: s for d, (_, s) in best.items()}


@register("attributor", "mdsum.corroborating_attributor.v1")
class CorroboratingAttributor:
    """Propose a citation of every other story document whose best-matching sentence may support the claim."""

    def __init__(self, enabled: bool = True, min_overlap: float = 0.5) -> None:
        self.enabled = boolean("enabled", enabled)
        # min_overlap: the share of the claim's content words a candidate sentence must contain
        self.min_overlap = number_in("min_overlap", min_overlap, 0.0, 1.0, low_open=True)

    def attribute(self, candidates: Sequence[SummarySentence],
                  sentences: Sequence[Sentence]) -> list[SummarySentence]:
        if not self.enabled:
            return list(candidates)
        doc_order = {d: n for n, d in enumerate(dict.fromkeys(s.doc_id for s in sentences))}
        bags = [set(content_words(s.text)) for s in sentences]
        out = []
        for s in candidates:
            extra = best_matches(s.text, sentences, bags, set(s.doc_ids), self.min_overlap)
            if not extra:
                out.append(s)
                continue
            cites = s.citations + tuple(Citation(doc_id=d, sentence_ids=(c.id,)) for d, c in extra.items())
            cites = tuple(sorted(cites, key=lambda c: (doc_order.get(c.doc_id, len(doc_order)), c.doc_id)))
            out.append(dataclasses.replace(s, citations=cites))
        return out
