from __future__ import annotations

import base64
import json
from pathlib import Path

from mdsum.evaluation import report
from mdsum.evaluation.results import Aggregate, EvalReport, ItemResult
from mdsum.evaluation.runner import aggregate


def _report(tmp_path: Path, system: str = "lead") -> EvalReport:
    items = (ItemResult("a", {"rouge1_f_mean": 0.40, "faithfulness": 0.9, "words": 240.0, "citation_recall": None}),
             ItemResult("b", {"rouge1_f_mean": 0.50, "faithfulness": 0.7, "words": 250.0, "citation_recall": None}),
             ItemResult("c", error="ValueError: empty"))
    return EvalReport(system=system, dataset="toy", out_dir=tmp_path, items=items, aggregate=aggregate(items[:2]),
                      settings={"max_words": 250})


def test_fmt_scales_percent_scores_only():
    assert report.fmt(Aggregate("rouge2_f_mean", 0.13812, 0.131, 0.1449, 200)) == "13.81 [13.1, 14.5]"
    assert report.fmt(Aggregate("words", 249.5, 248.0, 250.0, 200)) == "249.5 [248.0, 250.0]"
    assert report.fmt(Aggregate("arousal_sum", 1.23456, 1.1, 1.4, 9)) == "1.235 [1.100, 1.400]"
    assert report.fmt(Aggregate("citation_recall", None, None, None, 0)) == "n/a"


def test_markdown_and_json_state_variant_ci_and_failures(tmp_path):
    rep = _report(tmp_path)
    md = report.aggregate_markdown(rep)
    assert "| rouge1_f_mean | 45.00 [40.0, 50.0] | 2 |" in md  # two items: every resample mean lies in [40, 50]
    assert "| citation_recall | n/a | 0 |" in md
    assert "Porter stemming" in md and "mean over references" in md and "250 whitespace words" in md
    assert "1 failed" in md and "- c: ValueError: empty" in md
    data = report.aggregate_json(rep)
    assert data["n_items"] == 3 and data["n_failed"] == 1
    assert data["scores"]["faithfulness"]["mean"] == 0.8 and data["scores"]["faithfulness"]["n"] == 2
    json.dumps(data)  # serialisable


def test_comparison_has_a_row_per_system_and_drops_absent_scores(tmp_path):
    table = report.comparison_markdown([_report(tmp_path, "lead"), _report(tmp_path, "oracle")])
    lines = table.splitlines()
    assert lines[0] == "| system | n | rouge1_f_mean | faithfulness | citation_recall | words |"
    assert lines[2].startswith("| lead | 2 | 45.00") and lines[3].startswith("| oracle | 2 |")


def test_html_embeds_png_plots_and_writes_all_files(tmp_path):
    rep = _report(tmp_path)
    html = report.render_html(rep)
    uris = [p for _, p in report.plots(rep)]
    # rouge1 and faithfulness histograms, then faithfulness against length
    assert len(uris) == 3
    for uri in uris:
        assert uri in html
        assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "<td>rouge1_f_mean</td>" in html and "ValueError: empty" in html
    report.write_reports(rep)
    assert {p.name for p in tmp_path.iterdir()} == {"aggregate.json", "aggregate.md", "report.html"}
