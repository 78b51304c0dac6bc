"""mdsum ROUGE: rouge-score with stemming, ROUGE-Lsum over newline-split sentences, mean and max over references."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.rouge import ROUGE_TYPES, rouge
from mdsum.evaluation.metrics.core.text import newline_sentences
from mdsum.evaluation.metrics.stats import column_rows, mean_rows

_DESCRIPTION = """ROUGE-1/2/L/Lsum precision, recall and F1 (google-research rouge-score, Porter stemming on by default,
no stopword removal). ROUGE-Lsum treats each line as a sentence: pass newline-split sentences, or set
split_sentences=True to split plain text with mdsum's segmenter first. Several references per prediction:
keys ending in _mean average over references, keys ending in _max take the reference with the best F1.
Scores are in [0, 1], averaged over predictions."""

_KWARGS = """
Args:
    predictions: list of summaries (str).
    references: list of references per summary: every item a list of str, or every item one str (do not mix:
        evaluate fixes the input format from the first item and would read a lone str as a list of characters).
    rouge_types: subset of rouge1, rouge2, ..., rougeL, rougeLsum (default all four).
    use_stemmer: Porter-stem tokens longer than 3 characters (default True).
    max_words: keep only the first N whitespace words of each prediction (default None: no truncation).
    truncate_references: apply max_words to the references too, as ROUGE-1.5.5 -l does (default False).
    split_sentences: re-split predictions and references into one sentence per line (default False).
    aggregate: mean over predictions (True) or one list per key (False).
Returns:
    {"rouge1_f_mean": ..., "rouge1_f_max": ..., "rouge1_r_mean": ..., ..., "n": number of predictions}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Rouge(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Lin, 2004. ROUGE: A Package for Automatic Evaluation of Summaries.",
            inputs_description=_KWARGS,
            features=[
                datasets.Features({"predictions": datasets.Value("string"),
                                   "references": datasets.Sequence(datasets.Value("string"))}),
                datasets.Features({"predictions": datasets.Value("string"),
                                   "references": datasets.Value("string")}),
            ],
        )

    def _compute(self, predictions, references, rouge_types=None, use_stemmer=True, max_words=None,
                 truncate_references=False, split_sentences=False, aggregate=True):
        types = tuple(rouge_types or ROUGE_TYPES)
        rows = []
        for pred, refs in zip(predictions, references, strict=True):
            refs = [refs] if isinstance(refs, str) else list(refs)
            if split_sentences:
                pred, refs = newline_sentences(pred), [newline_sentences(r) for r in refs]
            rows.append(rouge(pred, refs, types, use_stemmer, max_words, truncate_references))
        out = mean_rows(rows) if aggregate else column_rows(rows)
        return {**out, "n": len(rows)}
