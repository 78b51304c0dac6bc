"""mdsum redundancy: mean pairwise cosine of summary sentence embeddings and the unique-trigram ratio."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.redundancy import redundancy
from mdsum.evaluation.metrics.stats import column_rows, mean_rows

_DESCRIPTION = """Redundancy of a summary: pairwise_cosine = mean cosine similarity over all pairs of its sentences
(embeddings from the given embed function; 0 for a single sentence; lower = less redundant) and
unique_trigram_ratio = distinct / all word trigrams within sentences (rouge-score tokens; higher = less
redundant). Means over summaries."""

_KWARGS = """
Args:
    predictions: list of summaries, each a list of sentences (list of str).
    embed: function list[str] -> 2-D array of sentence vectors, e.g. mdsum's embedder's ``embed``; without it
        only unique_trigram_ratio is returned.
    aggregate: mean over summaries (True) or one list per key (False).
Returns:
    {"unique_trigram_ratio", "pairwise_cosine" (with embed), "n"}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Redundancy(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Sequence(datasets.Value("string"))}),
        )

    def _compute(self, predictions, embed=None, aggregate=True):
        rows = [redundancy(sents, embed) for sents in predictions]
        out = mean_rows(rows) if aggregate else column_rows(rows)
        return {**out, "n": len(rows)}
