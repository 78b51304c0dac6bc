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

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mdsum.errors import MdsumError
from mdsum.evaluation.adapters import Metric
from mdsum.evaluation.loaders import Cluster
from mdsum.evaluation.predictions import prediction_from_json, summary_to_json, truncate_prediction
from mdsum.evaluation.results import Aggregate, EvalReport, Item, ItemResult, Prediction, Progress, Scores, Segment
from mdsum.evaluation.store import item_from_json, item_json, prepare_folder, read_rows, write_row
from mdsum.types import Summary


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


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
    prepare_folder(out_dir, run, resume)
    done = {k: v for k, v in read_rows(out_dir / "scores.jsonl").items() if "error" not in v}  # retry errors
    cached = read_rows(out_dir / "summaries.jsonl")
    segment = segment or _default_segmenter()
    with open(out_dir / "summaries.jsonl", "a", encoding="utf-8") as sf, \
            open(out_dir / "scores.jsonl", "a", encoding="utf-8") as rf:
        for n, cluster in enumerate(clusters):
            progress("evaluate", n, len(clusters))
            if cluster.id in done:
                continue
            result = _one(cluster, summarize, metrics, segment, max_words, cached.get(cluster.id), sf)
            done[cluster.id] = item_json(result)
            write_row(rf, done[cluster.id])
    progress("evaluate", len(clusters), len(clusters))
    items = tuple(item_from_json(done[c.id]) for c in clusters if c.id in done)
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
            write_row(sf, {**summary_to_json(pred), "id": cluster.id, "seconds": round(seconds, 3)})
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


def _default_segmenter() -> Segment:
    from mdsum.segment import PysbdSegmenter

    return PysbdSegmenter().segment


# -- the mdsum system -------------------------------------------------------------------------------------


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
