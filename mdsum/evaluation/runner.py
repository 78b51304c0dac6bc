"""Evaluation runs: summarise (or read) each cluster, score it, write per-item files, aggregate with CIs.

Files written to ``out_dir`` (one run = one system on one dataset):

* ``run.json`` — the settings; resuming with other settings is refused (use ``resume=False`` or another folder);
* ``summaries.jsonl`` — one line per cluster: id, text (one sentence per line) and the cited sentences;
* ``scores.jsonl`` — one line per cluster with every metric's scores (``null`` = not applicable), or an error;
* ``aggregate.json`` / ``aggregate.md`` — means with seeded percentile-bootstrap 95% CIs;
* ``report.html`` — the aggregate plus plots (see :mod:`mdsum.evaluation.report`).

Both JSONL files are flushed line by line, so an interrupted run resumes by skipping the ids already scored
(and re-scoring without re-summarising the ids that were summarised but not scored).

Every prediction is cut to the word budget (``max_words`` whitespace words) before any metric sees it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mdsum.errors import InputError, MdsumError, OutputError
from mdsum.evaluation.loaders import Cluster, jsonl_rows
from mdsum.types import Citation, Document, Sentence, Summary, SummarySentence

Progress = Callable[[str, int, int], None]  # (stage, done, total), as the pipeline's
Segment = Callable[[Document], list[Sentence]]
Scores = dict[str, float | None]

ROUGE_VARIANT = (
    "rouge-score {version}: F1 and recall, Porter stemming on, no stopword removal; *_mean = mean over references, "
    "*_max = best reference; ROUGE-Lsum with one sentence per line in prediction and references (pySBD-split); "
    "prediction cut to {max_words} whitespace words"
)
HEADLINE: tuple[str, ...] = (
    "rouge1_f_mean", "rouge2_f_mean", "rougeL_f_mean", "rougeLsum_f_mean", "faithfulness", "citation_recall",
    "citation_precision", "arousal_sum", "pairwise_cosine", "unique_trigram_ratio", "words",
)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


# -- data ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prediction:
    """A system's output for one cluster. ``summary`` is None for plain text (no citations to score)."""

    id: str
    text: str  # one sentence per line
    summary: Summary | None = None


@dataclass(frozen=True)
class Item:
    """What a metric sees: the cluster, its segmented sources and the (budget-truncated) prediction."""

    cluster: Cluster
    sentences: tuple[Sentence, ...]
    prediction: Prediction


@dataclass(frozen=True)
class Aggregate:
    """Mean of one score over the items where it applies, with its bootstrap CI."""

    key: str
    mean: float | None
    low: float | None
    high: float | None
    n: int


@dataclass(frozen=True)
class ItemResult:
    id: str
    scores: Scores = field(default_factory=dict)
    error: str | None = None
    seconds: float = 0.0


@dataclass(frozen=True)
class EvalReport:
    system: str
    dataset: str
    out_dir: Path
    items: tuple[ItemResult, ...]
    aggregate: tuple[Aggregate, ...]
    settings: dict[str, Any]

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        return tuple(i for i in self.items if i.error is not None)

    def get(self, key: str) -> Aggregate | None:
        return next((a for a in self.aggregate if a.key == key), None)


# -- metrics (adapters from Item to the pure cores in mdsum.evaluation.metrics.core) -----------------------


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


# -- predictions -------------------------------------------------------------------------------------------


def truncate_prediction(pred: Prediction, max_words: int) -> Prediction:
    """The prediction cut to ``max_words`` whitespace words, sentence by sentence (citations kept)."""
    from mdsum.evaluation.baselines import take_budget

    lines = [line for line in pred.text.splitlines() if line.split()]
    kept = take_budget(lines, max_words)
    if pred.summary is None:
        return Prediction(pred.id, "\n".join(kept))
    sents = [s for s in pred.summary.sentences if s.text.split()][: len(kept)]
    cut = tuple(SummarySentence(t, s.citations, s.group_id, s.method, s.support) for t, s in zip(kept, sents))
    return Prediction(pred.id, "\n".join(kept), Summary(pred.summary.story_id, cut, pred.summary.documents))


def summary_to_json(pred: Prediction) -> dict[str, Any]:
    out: dict[str, Any] = {"id": pred.id, "summary": pred.text}
    if pred.summary is not None:
        out["sentences"] = [
            {"text": s.text, "method": s.method, "support": s.support, "fallback": s.fallback,
             "citations": [{"doc_id": c.doc_id, "sentence_ids": list(c.sentence_ids)} for c in s.citations]}
            for s in pred.summary.sentences
        ]
    return out


def prediction_from_json(row: Any, cluster: Cluster | None, where: str) -> Prediction:
    """``{"id", "summary"}`` (plain text: no citations), or with ``"sentences"`` (:func:`summary_to_json`'s form)."""
    if not isinstance(row, dict) or not isinstance(row.get("id"), (str, int)):
        raise InputError(f"{where}: expected an object with 'id' and 'summary'")
    pid = str(row["id"])
    sents = row.get("sentences")
    if isinstance(sents, list) and cluster is not None:
        try:
            out = tuple(SummarySentence(
                text=s["text"], group_id=f"{pid}-{i}", method=s.get("method", "quoted"), support=s.get("support"),
                citations=tuple(Citation(c["doc_id"], tuple(c.get("sentence_ids", ()))) for c in s["citations"]))
                for i, s in enumerate(sents))
        except (KeyError, TypeError) as e:
            raise InputError(f"{where}: bad 'sentences' entry ({e}); each needs 'text' and 'citations'") from None
        return Prediction(pid, "\n".join(s.text for s in out), Summary(pid, out, cluster.documents))
    text = row.get("summary")
    if not isinstance(text, str):
        raise InputError(f"{where}: 'summary' must be a string")
    return Prediction(pid, _one_sentence_per_line(text))


def _one_sentence_per_line(text: str) -> str:
    from mdsum.evaluation.metrics.core.text import newline_sentences

    return newline_sentences(text)


def read_predictions(path: Path, clusters: Sequence[Cluster]) -> dict[str, Prediction]:
    """System outputs from a JSONL file; bad lines name the file and line."""
    by_id = {c.id: c for c in clusters}
    out: dict[str, Prediction] = {}
    for n, row in jsonl_rows(Path(path), "predictions"):
        pred = prediction_from_json(row, by_id.get(str(row.get("id")) if isinstance(row, dict) else None),
                                    f"{path}:{n}")
        out[pred.id] = pred
    missing = [c.id for c in clusters if c.id not in out]
    if missing:
        raise InputError(f"{path} has no prediction for {len(missing)} cluster(s), e.g. {missing[0]!r}; "
                         f"give one line per cluster id")
    return out


# -- the run ---------------------------------------------------------------------------------------------------


def evaluate_system(
    clusters: Sequence[Cluster],
    summarize: Callable[[Cluster], Summary | Prediction],
    metrics: Sequence[Metric],
    out_dir: Path,
    resume: bool = True,
    progress: Progress = _no_progress,
    segment: Segment | None = None,
    system: str = "system",
    dataset: str = "",
    max_words: int = 250,
    seed: int = 0,
    settings: dict[str, Any] | None = None,
) -> EvalReport:
    """Summarise and score every cluster (skipping ids already scored when ``resume``); write all outputs."""
    from mdsum.evaluation import report

    out_dir = Path(out_dir)
    run = {"system": system, "dataset": dataset, "max_words": max_words, "metrics": [m.name for m in metrics],
           **(settings or {})}
    _prepare(out_dir, run, resume)
    done = {k: v for k, v in _read_jsonl(out_dir / "scores.jsonl").items() if "error" not in v}  # retry errors
    cached = _read_jsonl(out_dir / "summaries.jsonl")
    segment = segment or _default_segmenter()
    with open(out_dir / "summaries.jsonl", "a", encoding="utf-8") as sf, \
            open(out_dir / "scores.jsonl", "a", encoding="utf-8") as rf:
        for n, cluster in enumerate(clusters):
            progress("evaluate", n, len(clusters))
            if cluster.id in done:
                continue
            result = _one(cluster, summarize, metrics, segment, max_words, cached.get(cluster.id), sf)
            done[cluster.id] = _item_json(result)
            _write_line(rf, done[cluster.id])
    progress("evaluate", len(clusters), len(clusters))
    items = tuple(_item_from_json(done[c.id]) for c in clusters if c.id in done)
    if items and all(i.error for i in items):
        raise MdsumError(f"every cluster failed; first error: {items[0].error}")
    rep = EvalReport(system=system, dataset=dataset, out_dir=out_dir, items=items,
                     aggregate=aggregate(items, seed=seed), settings=run)
    report.write_reports(rep)
    return rep


def _one(cluster: Cluster, summarize: Callable[[Cluster], Summary | Prediction], metrics: Sequence[Metric],
         segment: Segment, max_words: int, cached: dict[str, Any] | None, sf) -> ItemResult:  # noqa: ANN001
    start = time.perf_counter()
    try:
        if cached is not None:
            pred = prediction_from_json(cached, cluster, "summaries.jsonl")
            seconds = float(cached.get("seconds", 0.0))
        else:
            out = summarize(cluster)
            pred = out if isinstance(out, Prediction) else Prediction(cluster.id, out.text(), out)
            seconds = time.perf_counter() - start
            _write_line(sf, {**summary_to_json(pred), "id": cluster.id, "seconds": round(seconds, 3)})
    except (MdsumError, ValueError) as e:  # one bad cluster must not sink a long run: record it, go on
        return ItemResult(cluster.id, error=f"{type(e).__name__}: {e}", seconds=time.perf_counter() - start)
    sentences = tuple(s for d in cluster.documents for s in segment(d))
    item = Item(cluster, sentences, truncate_prediction(pred, max_words))
    scores: Scores = {}
    for m in metrics:
        scores.update(m.score(item))
    return ItemResult(cluster.id, scores=scores, seconds=seconds)


def aggregate(items: Sequence[ItemResult], seed: int = 0, n_resamples: int = 1000) -> tuple[Aggregate, ...]:
    """Per score key: mean and seeded percentile-bootstrap 95% CI over the items where it is not None."""
    from mdsum.evaluation.metrics.stats import bootstrap_ci

    keys: list[str] = []
    for it in items:
        keys += [k for k in it.scores if k not in keys]
    out = []
    for k in keys:
        values = [it.scores[k] for it in items if it.scores.get(k) is not None]
        if values:
            mean, low, high = bootstrap_ci(values, n_resamples=n_resamples, seed=seed)
            out.append(Aggregate(k, mean, low, high, len(values)))
        else:
            out.append(Aggregate(k, None, None, None, 0))
    return tuple(out)


# -- files -----------------------------------------------------------------------------------------------------


def _prepare(out_dir: Path, run: dict[str, Any], resume: bool) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise OutputError(f"cannot create output folder {out_dir}: {e}") from None
    meta = out_dir / "run.json"
    if resume and meta.is_file():
        before = json.loads(meta.read_text(encoding="utf-8"))
        diff = sorted(k for k in set(before) | set(run) if before.get(k) != run.get(k))
        if diff:
            raise InputError(f"{out_dir} holds a run with other settings ({', '.join(diff)}); "
                             f"pass --no-resume to overwrite it or choose another --out")
    if not resume:
        for name in ("scores.jsonl", "summaries.jsonl", "aggregate.json", "aggregate.md", "report.html"):
            (out_dir / name).unlink(missing_ok=True)
    meta.write_text(json.dumps(run, indent=2, default=str) + "\n", encoding="utf-8")


def _read_jsonl(path: Path) -> dict[str, dict[str, Any]]:
    """Rows by id; a torn last line (the run was killed mid-write) is dropped and the file repaired."""
    if not path.is_file():
        return {}
    rows: dict[str, dict[str, Any]] = {}
    good: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(row, dict) and "id" in row:
            rows[str(row["id"])] = row
            good.append(line)
    path.write_text("".join(g + "\n" for g in good), encoding="utf-8")
    return rows


def _write_line(f, row: dict[str, Any]) -> None:  # noqa: ANN001
    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    f.flush()


def _item_json(r: ItemResult) -> dict[str, Any]:
    row: dict[str, Any] = {"id": r.id, "seconds": round(r.seconds, 3), "scores": r.scores}
    if r.error:
        row["error"] = r.error
    return row


def _item_from_json(row: dict[str, Any]) -> ItemResult:
    return ItemResult(str(row["id"]), scores=dict(row.get("scores") or {}), error=row.get("error"),
                      seconds=float(row.get("seconds", 0.0)))


def _default_segmenter() -> Segment:
    from mdsum.segment import PysbdSegmenter

    return PysbdSegmenter().segment


# -- the mdsum system and clustering -------------------------------------------------------------------------


def pipeline_system(config: Any = None, max_words: int | None = None) -> tuple[Callable[[Cluster], Summary], Segment,
                                                                               Any]:
    """(summarize, segment, pipeline) for the configured mdsum pipeline (``summarize_story``: no clustering).

    ``max_words`` sets the budget stage's word limit, so mdsum selects for the same budget every summary is
    cut to.
    """
    from mdsum.config import Config, load_config
    from mdsum.pipeline import Pipeline

    cfg = config if isinstance(config, Config) else load_config(config)
    if max_words is not None:
        cfg = cfg.with_overrides({"budget": {"max_words": max_words}})
    pipeline = Pipeline.from_config(cfg)
    return (lambda c: pipeline.summarize_story(c.documents)), pipeline.segmenter.segment, pipeline


@dataclass(frozen=True)
class ClusteringReport:
    path: str
    n_documents: int
    n_gold: int
    n_predicted: int
    scores: dict[str, float]
    seconds: float


def evaluate_clustering(path: str | Path, config: Any = None, limit: int | None = None,
                        seed: int = 0) -> ClusteringReport:
    """Cluster the articles of a news-clustering JSONL (``{"id","text","cluster_id",...}`` per line) with the
    pipeline's segmenter, embedder and clusterer; score against ``cluster_id`` (B-cubed, ARI, NMI).
    ``limit`` keeps that many gold clusters (seeded sample), with all their articles."""
    from mdsum.evaluation.clustering import adjusted_rand, bcubed, nmi
    from mdsum.pipeline import Pipeline

    docs, gold = _read_clustering(Path(path), limit, seed)
    pipeline = Pipeline.from_config(config)
    start = time.perf_counter()
    corpus = pipeline.prepare(docs)  # the same preparation as `mdsum summarize`, headlines included
    stories = pipeline.clusterer.cluster(corpus.documents, corpus.sentences, corpus.embeddings)
    label = {d: s.id for s in stories for d in s.doc_ids}
    pred = [label.get(d.id, f"unassigned-{d.id}") for d in docs]
    p, r, f = bcubed(gold, pred)
    scores = {"bcubed_precision": p, "bcubed_recall": r, "bcubed_f1": f, "ari": adjusted_rand(gold, pred),
              "nmi": nmi(gold, pred)}
    return ClusteringReport(str(path), len(docs), len(set(gold)), len(set(pred)), scores,
                            time.perf_counter() - start)


def _read_clustering(path: Path, limit: int | None, seed: int) -> tuple[list[Document], list[str]]:
    import random

    if not path.is_file():
        raise InputError(f"clustering file not found: {path}; pass a JSONL with 'id', 'text' and 'cluster_id'")
    rows = []
    for n, row in jsonl_rows(path, "clustering file"):
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or row.get("cluster_id") is None:
            raise InputError(f"{path}:{n}: each line needs 'text' (string) and 'cluster_id'")
        rows.append((n, row))
    gold_ids = sorted({str(r["cluster_id"]) for _, r in rows})
    if limit is not None and limit < len(gold_ids):
        keep = set(random.Random(seed).sample(gold_ids, limit))
        rows = [(n, r) for n, r in rows if str(r["cluster_id"]) in keep]
    docs = [Document(id=str(r.get("id") or f"line{n}"), text=r["text"], title=r.get("title"), date=r.get("date"),
                     source=r.get("source")) for n, r in rows]
    return docs, [str(r["cluster_id"]) for _, r in rows]
