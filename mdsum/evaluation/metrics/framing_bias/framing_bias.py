"""mdsum framing bias: NeuS arousal of generated words absent from the reference, split by valence."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.framing_bias import (
    DEFAULT_LEXICON,
    framing_bias,
    load_lexicon,
    wordnet_lemmatizer,
)
from mdsum.evaluation.metrics.stats import column_rows, mean_rows

_DESCRIPTION = """Framing bias as NeuS (Lee et al., 2022): the set of generated words (lower-cased, punctuation
removed, lemmatised when WordNet data is installed) that do not occur in the reference; the arousal of those
with valence > 0.65 is arousal_pos, of those with valence < 0.35 arousal_neg; arousal_sum = both. Means over
items; lower is better. NeuS uses NRC-VAD (not redistributable): pass its file as lexicon_path for the exact
metric. The default lexicon is an open VADER-based proxy (see LEXICON.md); outputs name the lexicon used."""

_KWARGS = """
Args:
    predictions: list of generated summaries (str).
    references: list of neutral reference summaries (str).
    lexicon_path: word<TAB>valence<TAB>arousal file with values in [0, 1] (default: the shipped VADER proxy).
    lemmatizer: "auto" (WordNet if its data is installed, else none), "wordnet" (error if missing) or "none".
    aggregate: mean over items (True) or one list per key (False).
Returns:
    {"arousal_pos", "arousal_neg", "arousal_sum", "n", "lexicon", "lemmatizer"}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class FramingBias(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Lee et al., 2022. NeuS: Neutral Multi-News Summarization for Mitigating Framing Bias.",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references, lexicon_path=None, lemmatizer="auto", aggregate=True):
        if lemmatizer not in ("auto", "wordnet", "none"):
            raise ValueError(f"lemmatizer must be 'auto', 'wordnet' or 'none', got {lemmatizer!r}")
        lexicon = load_lexicon(lexicon_path or DEFAULT_LEXICON)
        lemmatize = None if lemmatizer == "none" else wordnet_lemmatizer()
        if lemmatizer == "wordnet" and lemmatize is None:
            raise ValueError("lemmatizer='wordnet' needs the NLTK WordNet data (nltk.download('wordnet'))")
        rows = []
        for gen, ref in zip(predictions, references, strict=True):
            r = framing_bias(gen, ref, lexicon, lemmatize)
            rows.append({"arousal_pos": r.arousal_pos, "arousal_neg": r.arousal_neg, "arousal_sum": r.arousal_sum})
        out = mean_rows(rows) if aggregate else column_rows(rows)
        return {**out, "n": len(rows), "lexicon": lexicon.name,
                "lemmatizer": "wordnet" if lemmatize else "none"}
