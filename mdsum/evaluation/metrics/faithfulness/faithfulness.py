"""mdsum faithfulness: SummaC-ZS-style max-over-source, mean-over-sentence entailment with a pluggable scorer."""

from __future__ import annotations

import datasets
import evaluate

from mdsum.evaluation.metrics.core.faithfulness import faithfulness
from mdsum.evaluation.metrics.core.text import split_sentences
from mdsum.nli import as_scorer

_DESCRIPTION = """Faithfulness in the style of SummaC-ZS (Laban et al., 2022): each summary sentence is scored
against every source premise (a window of consecutive sentences of one document) by an entailment scorer;
the best premise counts (max), and the summary's score is the mean over its sentences. Scorers return
P(entail) (mdsum.nli.EntailmentScorer), so scores are in [0, 1]; SummaC-ZS itself uses P(entail) - P(contradict)."""

_KWARGS = """
Args:
    predictions: list of summaries, each a list of sentences (list of str).
    sources: list of source sets, each a list of documents given as text (str); documents are split into
        sentences with mdsum's segmenter.
    scorer: an object with score(premises, hypotheses) -> array of P(entail), or a registered scorer name
        built with no arguments (default "mdsum.overlap_scorer.v1", the offline word-overlap baseline).
    window: sentences per premise (default 1, SummaC's sentence granularity).
    aggregate: mean over summaries (True) or one list per key (False).
Returns:
    {"faithfulness": mean score, "n": summaries given, "n_skipped": empty summaries (not scored),
     "scorer": the scorer's registered name or class, "window": window}
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class Faithfulness(evaluate.Metric):
    def _info(self) -> evaluate.MetricInfo:
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Laban et al., 2022. SummaC: Re-Visiting NLI-based Models for Inconsistency Detection.",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Sequence(datasets.Value("string")),
                                        "sources": datasets.Sequence(datasets.Value("string"))}),
        )

    def _compute(self, predictions, sources, scorer="mdsum.overlap_scorer.v1", window=1, aggregate=True):
        scorer = as_scorer(scorer)
        scorer.load()
        scores = [faithfulness(sents, [split_sentences(d) for d in docs], scorer, window).score
                  for sents, docs in zip(predictions, sources, strict=True) if any(s.strip() for s in sents)]
        name = getattr(scorer, "registered_name", type(scorer).__name__)
        value = (sum(scores) / len(scores) if scores else 0.0) if aggregate else scores
        return {"faithfulness": value, "n": len(predictions), "n_skipped": len(predictions) - len(scores),
                "scorer": name, "window": window}
