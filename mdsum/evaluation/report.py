"""Evaluation reports: aggregate JSON, Markdown tables and a self-contained HTML page with plots.

Plots are drawn with matplotlib's Agg backend and embedded as base64 PNG, so the page needs no other file.
"""

from __future__ import annotations

import base64
import io
import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mdsum import __version__

if TYPE_CHECKING:
    from mdsum.evaluation.results import Aggregate, EvalReport

# Scores shown as percentages (x100) in tables, as papers report ROUGE and ALCE.
_PERCENT = ("rouge", "citation_", "faithfulness")
_PLOTTED = ("rouge1_f_mean", "rouge2_f_mean", "rougeLsum_f_mean", "faithfulness", "citation_recall",
            "citation_precision", "arousal_sum", "pairwise_cosine")


def fmt(agg: Aggregate) -> str:
    """``43.80 [43.1, 44.5]`` (x100 for ROUGE, citation and faithfulness scores); ``n/a`` when never applicable."""
    if agg.mean is None:
        return "n/a"
    scale = 100.0 if agg.key.startswith(_PERCENT) else 1.0
    d, ci = (2, 1) if scale == 100.0 else (3, 3) if abs(agg.mean) < 10 else (1, 1)
    return f"{agg.mean * scale:.{d}f} [{agg.low * scale:.{ci}f}, {agg.high * scale:.{ci}f}]"


def aggregate_json(rep: EvalReport) -> dict[str, Any]:
    return {
        "system": rep.system, "dataset": rep.dataset, "n_items": len(rep.items), "n_failed": len(rep.failed),
        "settings": rep.settings, "mdsum_version": __version__,
        "ci": "percentile bootstrap, 1000 resamples, 95%, numpy default_rng(seed)",
        "scores": {a.key: {"mean": a.mean, "low": a.low, "high": a.high, "n": a.n} for a in rep.aggregate},
        "failed": [{"id": i.id, "error": i.error} for i in rep.failed],
    }


def aggregate_markdown(rep: EvalReport) -> str:
    from mdsum.evaluation.results import HEADLINE, ROUGE_VARIANT

    lines = [f"## {rep.system} on {rep.dataset}", "",
             f"{len(rep.items) - len(rep.failed)} cluster(s) scored, {len(rep.failed)} failed. "
             "Mean [95% bootstrap CI]; ROUGE, faithfulness and citation scores x100.", "",
             "| score | value | n |", "|---|---|---|"]
    recalls = [a.key for a in rep.aggregate if a.key.endswith("_r_mean")]
    for key in [k for k in (*HEADLINE, *recalls) if rep.get(k)]:
        agg = rep.get(key)
        if agg is not None:
            lines.append(f"| {key} | {fmt(agg)} | {agg.n} |")
    lines += ["", "Every score (ROUGE *_max, arousal_pos/neg, ...) is in aggregate.json.",
              "ROUGE: " + ROUGE_VARIANT.format(version=_rouge_version(), max_words=rep.settings.get("max_words"))]
    lines += [f"Settings: `{json.dumps(rep.settings, default=str, sort_keys=True)}`"]
    if rep.failed:
        lines += ["", "Failed clusters:"] + [f"- {i.id}: {i.error}" for i in rep.failed]
    return "\n".join(lines) + "\n"


def comparison_markdown(reports: Sequence[EvalReport],
                        keys: Sequence[str] = ("rouge1_f_mean", "rouge2_f_mean", "rougeL_f_mean", "rougeLsum_f_mean",
                                               "faithfulness", "citation_recall", "citation_precision",
                                               "arousal_sum", "pairwise_cosine", "words")) -> str:
    """One row per system, one column per score: mean [95% CI]."""
    keys = [k for k in keys if any(r.get(k) for r in reports)]
    head = "| system | n | " + " | ".join(keys) + " |"
    rows = [head, "|" + "---|" * (len(keys) + 2)]
    for r in reports:
        cells = [fmt(a) if (a := r.get(k)) else "n/a" for k in keys]
        rows.append(f"| {r.system} | {len(r.items) - len(r.failed)} | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def write_reports(rep: EvalReport) -> None:
    """aggregate.json, aggregate.md and report.html in the run's folder."""
    out = rep.out_dir
    (out / "aggregate.json").write_text(json.dumps(aggregate_json(rep), indent=2) + "\n", encoding="utf-8")
    (out / "aggregate.md").write_text(aggregate_markdown(rep), encoding="utf-8")
    (out / "report.html").write_text(render_html(rep), encoding="utf-8")


def render_html(rep: EvalReport) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("mdsum.evaluation", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]))
    from mdsum.evaluation.results import HEADLINE

    rows = [(a.key, fmt(a), a.n) for a in sorted(rep.aggregate, key=lambda a: _rank(a.key, HEADLINE))]
    return env.get_template("eval_report.html.j2").render(
        rep=rep, rows=rows, plots=plots(rep), version=__version__, failed=rep.failed,
        settings=json.dumps(rep.settings, indent=2, default=str))


def _rank(key: str, order: Sequence[str]) -> tuple[int, str]:
    return (order.index(key) if key in order else len(order), key)


def plots(rep: EvalReport) -> list[tuple[str, str]]:
    """(caption, data URI) of each figure: score histograms, then faithfulness against summary length."""
    out = []
    for key in _PLOTTED:
        values = [i.scores[key] for i in rep.items if i.scores.get(key) is not None]
        if values:
            out.append((f"Distribution of {key} over {len(values)} clusters", _histogram(key, values)))
    pairs = [(i.scores["words"], i.scores["faithfulness"]) for i in rep.items
             if i.scores.get("words") is not None and i.scores.get("faithfulness") is not None]
    if pairs:
        out.append(("Per-cluster faithfulness against summary length (words)", _scatter(pairs)))
    return out


def _figure():  # noqa: ANN202
    import matplotlib

    matplotlib.use("Agg")  # no display; safe in threads and CI
    import matplotlib.pyplot as plt

    return plt, plt.subplots(figsize=(5, 3.2), dpi=90)


def _histogram(key: str, values: list[float]) -> str:
    plt, (fig, ax) = _figure()
    ax.hist(values, bins=min(30, max(5, int(math.sqrt(len(values))) * 2)), color="#4c72b0", edgecolor="white")
    ax.axvline(sum(values) / len(values), color="#c44e52", linestyle="--", label="mean")
    ax.set_xlabel(key)
    ax.set_ylabel("clusters")
    ax.legend(frameon=False)
    return _png(plt, fig)


def _scatter(pairs: list[tuple[float, float]]) -> str:
    plt, (fig, ax) = _figure()
    ax.scatter([p[0] for p in pairs], [p[1] for p in pairs], s=12, alpha=0.6, color="#4c72b0")
    ax.set_xlabel("summary length (words)")
    ax.set_ylabel("faithfulness")
    return _png(plt, fig)


def _png(plt, fig) -> str:  # noqa: ANN001
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _rouge_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rouge-score")
    except PackageNotFoundError:
        return "(unknown version)"
