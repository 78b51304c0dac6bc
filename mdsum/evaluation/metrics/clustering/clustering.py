"""mdsum clustering: B-cubed precision/recall/F1, adjusted Rand index and NMI of predicted story clusters."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.clustering import adjusted_rand, bcubed, nmi

_DESCRIPTION = """Clustering quality of predicted cluster labels against gold labels, one label per item:
B-cubed precision, recall and F1 (Bagga & Baldwin 1998, item-averaged), adjusted Rand index and normalised
mutual information (scikit-learn, arithmetic normalisation). See mdsum.evaluation.clustering."""

_KWARGS = """
Args:
    predictions: predicted cluster label per item (str or int).
    references: gold cluster label per item (str or int).
Returns:
    {"bcubed_precision", "bcubed_recall", "bcubed_f1", "ari", "nmi", "n"}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Clustering(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION, citation="", inputs_description=_KWARGS,
            # cluster ids may be strings or integers, on either side
            features=[datasets.Features({"predictions": datasets.Value(p), "references": datasets.Value(r)})
                      for p in ("string", "int64") for r in ("string", "int64")],
        )

    def _compute(self, predictions, references):
        p, r, f = bcubed(references, predictions)
        return {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": f,
                "ari": adjusted_rand(references, predictions), "nmi": nmi(references, predictions),
                "n": len(predictions)}
