"""Clustering metrics as pure functions over parallel label sequences (gold, predicted).

B-cubed follows Bagga & Baldwin (1998), item-averaged as in Amigó et al. (2009): for every item, precision is
the share of its predicted cluster that shares its gold label and recall the share of its gold cluster that
shares its predicted label; P and R are means over items and F1 is their harmonic mean. ARI and NMI are thin
wrappers of scikit-learn (NMI with its default arithmetic normalisation).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def _check(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} labels but pred has {len(pred)}; give one label per item in each")
    if not gold:
        raise ValueError("no items to score: gold and pred are empty")


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """(precision, recall, F1) of ``pred`` against ``gold``, averaged over items."""
    _check(gold, pred)
    both = Counter(zip(gold, pred))  # |gold cluster ∩ pred cluster| for each pair of labels
    gold_size = Counter(gold)
    pred_size = Counter(pred)
    n = len(gold)
    # Every item in the cell (g, p) has the same per-item scores, so sum per cell: count * count / size.
    precision = sum(c * c / pred_size[p] for (_, p), c in both.items()) / n
    recall = sum(c * c / gold_size[g] for (g, _), c in both.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def adjusted_rand(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Adjusted Rand index (scikit-learn): 1 for identical partitions, about 0 for chance."""
    _check(gold, pred)
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(_codes(gold), _codes(pred)))


def nmi(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Normalised mutual information (scikit-learn, arithmetic mean normalisation)."""
    _check(gold, pred)
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(_codes(gold), _codes(pred)))


def _codes(labels: Sequence[Hashable]) -> list[int]:
    """Integer codes, so labels of mixed types (str, int, None) are accepted by scikit-learn."""
    index: dict[Hashable, int] = {}
    return [index.setdefault(x, len(index)) for x in labels]
