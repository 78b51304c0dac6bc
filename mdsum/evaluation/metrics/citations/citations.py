"""mdsum citations: ALCE citation recall and precision with a pluggable entailment scorer."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.citations import Statement, citation_scores
from mdsum.nli import as_scorer

_DESCRIPTION = """Citation recall and precision exactly as ALCE (Gao et al., 2023; eval.py compute_autoais):
a statement is supported (recall 1) if its cited passages joined by newlines entail it, 0 without citations;
a citation of a supported statement with several citations is irrelevant if it alone does not entail the
statement and the remaining citations still do; an unsupported statement's citations all count as wrong.
Per summary: recall = mean over statements, precision = correct / counted citations (0 if none); reported as
means over summaries in [0, 1] (ALCE prints x100). Summaries without statements are skipped, as in ALCE."""

_KWARGS = """
Args:
    predictions: list of summaries, each a list of statements (str, citation marks removed).
    citations: list of summaries, each a list (one per statement) of lists of cited passage texts.
    scorer: an object with score(premises, hypotheses) -> array of P(entail), or a registered scorer name
        built with no arguments (default "mdsum.overlap_scorer.v1").
    threshold: P(entail) at or above which a passage entails a statement (default 0.5).
    at_most_citations: only the first N citations of a statement are used and counted (ALCE's default 3;
        None for all).
    aggregate: mean over summaries (True) or one list per key (False).
Returns:
    {"citation_recall", "citation_precision", "n", "n_skipped", "scorer", "threshold", "at_most_citations"}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Citations(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Gao et al., 2023. Enabling Large Language Models to Generate Text with Citations.",
            inputs_description=_KWARGS,
            features=datasets.Features({
                "predictions": datasets.Sequence(datasets.Value("string")),
                "citations": datasets.Sequence(datasets.Sequence(datasets.Value("string"))),
            }),
        )

    def _compute(self, predictions, citations, scorer="mdsum.overlap_scorer.v1", threshold=0.5,
                 at_most_citations=3, aggregate=True):
        scorer = as_scorer(scorer)
        scorer.load()
        rec, prec, skipped = [], [], 0
        for texts, cites in zip(predictions, citations, strict=True):
            if len(texts) != len(cites):
                raise ValueError(f"{len(texts)} statements but {len(cites)} citation lists in one summary")
            if not texts:
                skipped += 1  # ALCE skips outputs with no sentence
                continue
            statements = [Statement(t, tuple(c)) for t, c in zip(texts, cites, strict=True)]
            res = citation_scores(statements, scorer, threshold, at_most_citations)
            rec.append(res.recall)
            prec.append(res.precision)
        if aggregate:
            rec, prec = (sum(v) / len(v) if v else 0.0 for v in (rec, prec))
        return {"citation_recall": rec, "citation_precision": prec, "n": len(predictions), "n_skipped": skipped,
                "scorer": getattr(scorer, "registered_name", type(scorer).__name__), "threshold": threshold,
                "at_most_citations": at_most_citations}
