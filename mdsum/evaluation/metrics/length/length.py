"""mdsum length: words and sentences per summary."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.redundancy import length
from mdsum.evaluation.metrics.stats import column_rows, mean_rows

_DESCRIPTION = """Length of a summary: words (whitespace-separated, as ROUGE-1.5.5 -l counts) and sentences
(non-empty items). Means over summaries."""

_KWARGS = """
Args:
    predictions: list of summaries, each a list of sentences (list of str).
    aggregate: mean over summaries (True) or one list per key (False).
Returns:
    {"words", "sentences", "n"}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Length(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Sequence(datasets.Value("string"))}),
        )

    def _compute(self, predictions, aggregate=True):
        rows = [length(sents) for sents in predictions]
        out = mean_rows(rows) if aggregate else column_rows(rows)
        return {**out, "n": len(rows)}
