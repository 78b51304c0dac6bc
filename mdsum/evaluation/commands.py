"""``mdsum evaluate`` and ``mdsum evaluate-clustering``: parse options, call the runner, print the tables.

Heavy imports happen inside the commands, so registering them keeps ``mdsum --help`` fast.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Optional

import typer

from mdsum.errors import InputError

SYSTEMS: tuple[str, ...] = ("mdsum", "lead", "lexrank", "textrank", "random", "mmr", "oracle")


def parse_systems(values: list[str] | None) -> list[str]:
    """``--system a,b --system c`` → ``[a, b, c]`` (order kept, duplicates dropped); unknown names are errors."""
    names: list[str] = []
    for v in values or ["mdsum"]:
        names += [n.strip().lower() for n in v.split(",") if n.strip()]
    bad = [n for n in names if n not in SYSTEMS]
    if bad:
        raise InputError(f"unknown system {bad[0]!r}; choose from {', '.join(SYSTEMS)} (comma list or repeat --system)")
    return list(dict.fromkeys(names))


def evaluate(
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="Hub name (multinews, wcep10) or local JSONL/folder")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="Pipeline YAML (default: packaged)")] = None,  # noqa: UP045
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", help="Seeded random sample of N clusters")] = None,  # noqa: UP045
    split: Annotated[str, typer.Option("--split", help="Split (hub names; folders of <split>.jsonl)")] = "test",
    seed: Annotated[int, typer.Option("--seed", help="Seed for sampling, random baseline and bootstrap")] = 0,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (one sub-folder per system)")] = Path("eval"),
    system: Annotated[Optional[list[str]], typer.Option("--system", "-s", help=f"{'|'.join(SYSTEMS)}; repeatable or comma list")] = None,  # noqa: UP045,E501
    predictions: Annotated[Optional[Path], typer.Option("--predictions", "-p", help="Score outputs from this JSONL ({id, summary})")] = None,  # noqa: UP045,E501
    max_words: Annotated[int, typer.Option("--max-words", help="Word budget: every summary is cut to it")] = 250,
    metric: Annotated[Optional[list[str]], typer.Option("--metric", "-m", help="Metrics (repeatable or comma list; default: all)")] = None,  # noqa: UP045,E501
    scorer: Annotated[Optional[str], typer.Option("--scorer", help="Entailment scorer for faithfulness/citations: registered name or HF NLI model id/path (default: the config's checker scorer)")] = None,  # noqa: UP045,E501
    lexicon: Annotated[Optional[Path], typer.Option("--lexicon", help="NRC-VAD file for exact NeuS framing bias")] = None,  # noqa: UP045,E501
    no_resume: Annotated[bool, typer.Option("--no-resume", help="Start again instead of resuming in --out")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Score mdsum and baselines on a benchmark: per-item JSONL, aggregate with 95% CIs, HTML report."""
    from rich.console import Console

    from mdsum.evaluation import adapters, report, runner
    from mdsum.evaluation.loaders import load_benchmark

    console = Console(stderr=True)
    systems = ["predictions"] if predictions else parse_systems(system)
    if max_words < 1:
        raise InputError(f"--max-words must be a positive integer, got {max_words}")
    clusters = load_benchmark(dataset, split=split, limit=limit, seed=seed)
    pipeline = runner.pipeline_system(config, max_words)[2]  # also supplies the metrics' scorer and embedder
    metric_names = [n.strip() for v in metric or [] for n in v.split(",") if n.strip()] or adapters.METRIC_NAMES
    metrics = adapters.build_metrics(metric_names, scorer=_scorer(scorer, pipeline),
                                   max_words=max_words, embed=_embedder(pipeline),
                                   lexicon_path=str(lexicon) if lexicon else None)
    # What the scores depend on; resuming with different values is refused. Baselines ignore the pipeline config
    # except for the metrics' scorer and embedder, so only mdsum's runs record the config's hash.
    settings = {"seed": seed, "split": split, "limit": limit, "scorer": scorer or _checker_scorer_name(pipeline),
                "embedder": pipeline.config.spec("embedder").kwargs.get("model", pipeline.config.spec("embedder").name),
                "lexicon": str(lexicon or "vader_proxy")}
    reports = []
    for name in systems:
        summarize, segment = _system(name, pipeline, clusters, predictions, max_words, seed)
        with _Bar(quiet, console, name) as bar:
            reports.append(runner.evaluate_system(
                clusters, summarize, metrics, out / name, resume=not no_resume, progress=bar, segment=segment,
                system=name, dataset=dataset, max_words=max_words, seed=seed,
                settings={**settings, "config_hash": pipeline.config.hash()} if name == "mdsum" else settings))
    typer.echo(report.comparison_markdown(reports), nl=False)
    console.print(f"[dim]wrote {out}/<system>/ (scores.jsonl, summaries.jsonl, aggregate.json, aggregate.md, "
                  f"report.html)[/dim]")


def _system(name: str, pipeline, clusters, predictions: Path | None, max_words: int, seed: int):  # noqa: ANN001,ANN202
    """(summarize, segment) for a system name; ``segment`` resolves citation ids (None = default segmenter)."""
    from mdsum.evaluation import predictions as predictions_io
    from mdsum.evaluation.baselines import Baseline

    if name == "mdsum":
        return (lambda c: pipeline.summarize_story(c.documents)), pipeline.segmenter.segment
    if name == "predictions":
        preds = predictions_io.read_predictions(predictions, clusters)
        return (lambda c: preds[c.id]), pipeline.segmenter.segment
    return Baseline(name, max_words=max_words, seed=seed).summarize, None


def _checker_scorer_name(pipeline) -> str:  # noqa: ANN001
    spec = getattr(pipeline.verifier, "scorer_spec", None)
    return spec.name if spec is not None else "mdsum.overlap_scorer.v1"


def _scorer(value: str | None, pipeline):  # noqa: ANN001,ANN202
    """The entailment scorer: a registered scorer name, an HF NLI model (id or path), or the config's checker's."""
    from mdsum import nli
    from mdsum.config import build
    from mdsum.registry import names

    if value is None:
        spec = getattr(pipeline.verifier, "scorer_spec", None)
        return build("scorer", spec) if spec is not None else nli.as_scorer(None)
    if value in names("scorer"):
        return nli.as_scorer(value)
    return nli.NLIScorer(model=value)


def _embedder(pipeline):  # noqa: ANN001,ANN202
    embedder = pipeline.embedder
    return lambda texts: embedder.embed(list(texts))


def evaluate_clustering(
    path: Annotated[Path, typer.Argument(help="News-clustering JSONL: one article per line with 'cluster_id'")],
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="Pipeline YAML (default: packaged)")] = None,  # noqa: UP045
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", help="Seeded sample of N gold clusters")] = None,  # noqa: UP045
    seed: Annotated[int, typer.Option("--seed", help="Seed for --limit sampling")] = 0,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also write the scores as JSON here")] = None,  # noqa: UP045
) -> None:
    """Cluster the articles of PATH with the configured pipeline; print B-cubed P/R/F1, ARI and NMI."""
    import dataclasses
    import json

    from mdsum.evaluation.clustering_run import evaluate_clustering as run

    rep = run(path, config, limit=limit, seed=seed)
    lines = [f"{rep.n_documents} articles, {rep.n_gold} gold clusters, {rep.n_predicted} predicted "
             f"({rep.seconds:.1f} s)", "", "| score | value |", "|---|---|"]
    lines += [f"| {k} | {v:.4f} |" for k, v in rep.scores.items()]
    typer.echo("\n".join(lines))
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(dataclasses.asdict(rep), indent=2) + "\n", encoding="utf-8")


class _Bar:
    """Rich progress bar fed by the runner's (stage, done, total) callback; silent when quiet or not a TTY."""

    def __init__(self, quiet: bool, console, label: str) -> None:  # noqa: ANN001
        self.enabled = not quiet and console.is_terminal
        self.console, self.label = console, label
        self._progress = None
        self._task = None

    def __enter__(self):  # noqa: ANN204
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(TextColumn(self.label), BarColumn(), MofNCompleteColumn(),
                                      TimeRemainingColumn(), console=self.console, transient=True)
            self._progress.start()
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if self._progress is None:
            return
        if self._task is None:
            self._task = self._progress.add_task(stage, total=total)
        self._progress.update(self._task, completed=done, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def register(app: typer.Typer, wrap: Callable[[Callable[..., None]], Callable[..., None]] = lambda f: f) -> None:
    """Add ``evaluate`` and ``evaluate-clustering`` to the mdsum CLI; ``wrap`` decorates each (e.g. Ctrl-C)."""
    app.command("evaluate")(wrap(evaluate))
    app.command("evaluate-clustering")(wrap(evaluate_clustering))
