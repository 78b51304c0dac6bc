"""Citation recall and precision exactly as ALCE (Gao et al., 2023, "Enabling Large Language Models to Generate
Text with Citations"), ``compute_autoais(citation=True)`` in princeton-nlp/ALCE ``eval.py``.

Per statement (ALCE: per output sentence) with cited passages c_1..c_k (only the first ``at_most_citations``,
ALCE's default 3, are used and counted):

- recall: 1 if the cited passages joined by "\\n" entail the statement, else 0; a statement without citations
  scores 0 and adds nothing to the citation count;
- precision: every kept citation is counted. If the joint passage does not entail the statement, none of its
  citations is correct. If it does and k = 1, the citation is correct. If it does and k > 1, citation c_i is
  correct when (A) c_i alone entails the statement, or else when (B) the other citations joined do NOT entail
  it; it is irrelevant when A fails and the others still entail it.

Per summary (ALCE: per item): recall = mean over statements; precision = correct citations / counted citations,
0 when no citation is counted. The corpus score is the mean over summaries (ALCE reports it x100).
"Entails" here means the scorer's P(entail) >= ``threshold`` (ALCE's TRUE model gives a hard 0/1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mdsum.nli import EntailmentScorer


@dataclass(frozen=True)
class Statement:
    text: str
    cited_passages: tuple[str, ...]  # texts of the cited sources, in citation order


@dataclass(frozen=True)
class CitationResult:
    recall: float  # share of statements supported by their cited passages
    precision: float  # correct citations / counted citations (0 if none counted)
    supported: tuple[bool, ...]  # per statement
    correct_citations: int
    counted_citations: int


def citation_scores(
    statements: Sequence[Statement],
    scorer: EntailmentScorer,
    threshold: float = 0.5,
    at_most_citations: int | None = 3,
) -> CitationResult:
    """ALCE citation recall and precision of one summary (its statements with their cited passages)."""
    if not statements:
        raise ValueError("no statements to score: give at least one statement")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    if at_most_citations is not None and at_most_citations < 1:
        raise ValueError(f"at_most_citations must be >= 1 or None, got {at_most_citations}")

    def entails(passages: Sequence[str], claim: str) -> bool:
        return bool(scorer.score(["\n".join(passages)], [claim])[0] >= threshold)

    supported: list[bool] = []
    correct = counted = 0
    for st in statements:
        cites = list(st.cited_passages[:at_most_citations] if at_most_citations else st.cited_passages)
        counted += len(cites)
        ok = bool(cites) and entails(cites, st.text)
        supported.append(ok)
        if ok:
            correct += _correct_citations(cites, st.text, entails)
    return CitationResult(
        recall=sum(supported) / len(supported),
        precision=correct / counted if counted else 0.0,
        supported=tuple(supported),
        correct_citations=correct,
        counted_citations=counted,
    )


def _correct_citations(cites: list[str], claim: str, entails) -> int:
    """Citations of a jointly supported statement that are not irrelevant (ALCE conditions A and B)."""
    if len(cites) == 1:
        return 1
    correct = 0
    for i, passage in enumerate(cites):
        alone = entails([passage], claim)  # condition A
        others = cites[:i] + cites[i + 1 :]
        if alone or not entails(others, claim):  # irrelevant only if A fails and the rest still support (B)
            correct += 1
    return correct
