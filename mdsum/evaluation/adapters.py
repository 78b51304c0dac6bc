"""Metric adapters: from an evaluation :class:`~mdsum.evaluation.results.Item` to the pure metric cores in
:mod:`mdsum.evaluation.metrics.core`, each returning named scores (``None`` = not applicable)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np

from mdsum.errors import InputError
from mdsum.evaluation.results import Item, Scores
from mdsum.types import Citation


class Metric(Protocol):
    name: str

    def score(self, item: Item) -> Scores: ...


class RougeMetric:
    name = "rouge"

    def __init__(self, max_words: int = 250, use_stemmer: bool = True) -> None:
        self.max_words, self.use_stemmer = max_words, use_stemmer

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.rouge import rouge
        from mdsum.evaluation.metrics.core.text import newline_sentences

        refs = [newline_sentences(r) for r in item.cluster.references]
        out = rouge(item.prediction.text, refs, use_stemmer=self.use_stemmer, max_words=self.max_words)
        return {k: v for k, v in out.items() if "_p_" not in k}  # precision is implied by F and recall


class LengthMetric:
    name = "length"

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.redundancy import length

        return {k: float(v) for k, v in length(item.prediction.text.splitlines()).items()}


class RedundancyMetric:
    name = "redundancy"

    def __init__(self, embed: Callable[[Sequence[str]], np.ndarray] | None = None) -> None:
        self.embed = embed

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.redundancy import redundancy

        return dict(redundancy(item.prediction.text.splitlines(), self.embed))


class FaithfulnessMetric:
    name = "faithfulness"

    def __init__(self, scorer: Any, window: int = 1, top_k: int | None = 5) -> None:
        # top_k: NLI on every source sentence costs minutes per cluster on a CPU; the 5 most word-sharing
        # sentences almost always include the one that supports a sentence (see docs/metrics.md).
        self.scorer, self.window, self.top_k = scorer, window, top_k

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.faithfulness import faithfulness

        sents = [s for s in item.prediction.text.splitlines() if s.strip()]
        docs = [[s.text for s in item.sentences if s.doc_id == d.id] for d in item.cluster.documents]
        if not sents or not any(docs):
            return {"faithfulness": None}
        return {"faithfulness": faithfulness(sents, docs, self.scorer, self.window, self.top_k).score}


class CitationMetric:
    """ALCE citation recall/precision; a cited passage is the text of the cited sentences of one document."""

    name = "citations"

    def __init__(self, scorer: Any, threshold: float = 0.5) -> None:
        self.scorer, self.threshold = scorer, threshold

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.citations import Statement, citation_scores

        summary = item.prediction.summary
        if summary is None or not summary.sentences:
            return {"citation_recall": None, "citation_precision": None}
        by_id = {s.id: s.text for s in item.sentences}
        docs = {d.id: d.text for d in item.cluster.documents}
        statements = [Statement(s.text, tuple(_passage(c, by_id, docs) for c in s.citations))
                      for s in summary.sentences]
        res = citation_scores(statements, self.scorer, threshold=self.threshold)
        return {"citation_recall": res.recall, "citation_precision": res.precision}


def _passage(c: Citation, by_id: dict[str, str], docs: dict[str, str]) -> str:
    texts = [by_id[i] for i in c.sentence_ids if i in by_id]
    # Ids from another segmentation (e.g. --predictions) fall back to the whole cited document.
    return " ".join(texts) if texts else docs.get(c.doc_id, "")


class FramingBiasMetric:
    """NeuS framing bias (lower is better), mean over references; the lexicon is named in the settings."""

    name = "framing_bias"

    def __init__(self, lexicon_path: str | None = None) -> None:
        from mdsum.evaluation.metrics.core.framing_bias import DEFAULT_LEXICON, load_lexicon, wordnet_lemmatizer

        self.lexicon = load_lexicon(lexicon_path or DEFAULT_LEXICON)
        self.lemmatize = wordnet_lemmatizer()

    def score(self, item: Item) -> Scores:
        from mdsum.evaluation.metrics.core.framing_bias import framing_bias

        refs = item.cluster.references
        results = [framing_bias(item.prediction.text, r, self.lexicon, self.lemmatize) for r in refs]
        keys = ("arousal_pos", "arousal_neg", "arousal_sum")
        return {k: float(np.mean([getattr(r, k) for r in results])) for k in keys}


METRIC_NAMES: tuple[str, ...] = ("rouge", "length", "redundancy", "faithfulness", "citations", "framing_bias")


def build_metrics(names: Sequence[str] = METRIC_NAMES, scorer: Any = None, max_words: int = 250,
                  embed: Callable[[Sequence[str]], np.ndarray] | None = None,
                  lexicon_path: str | None = None) -> list[Metric]:
    """Metric objects by name; faithfulness and citations need an entailment ``scorer`` (mdsum.nli)."""
    unknown = [n for n in names if n not in METRIC_NAMES]
    if unknown:
        raise InputError(f"unknown metric(s) {', '.join(unknown)}; choose from {', '.join(METRIC_NAMES)}")
    if scorer is None and {"faithfulness", "citations"} & set(names):
        from mdsum.nli import as_scorer

        scorer = as_scorer(None)
    makers: dict[str, Callable[[], Metric]] = {
        "rouge": lambda: RougeMetric(max_words),
        "length": LengthMetric,
        "redundancy": lambda: RedundancyMetric(embed),
        "faithfulness": lambda: FaithfulnessMetric(scorer),
        "citations": lambda: CitationMetric(scorer),
        "framing_bias": lambda: FramingBiasMetric(lexicon_path),
    }
    return [makers[n]() for n in names]
