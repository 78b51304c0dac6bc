"""The checker evaluation's report step: one global threshold, and scorers compared only on the same items."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest


def write_scores(path: Path, scorer: str, n: int) -> Path:
    rows = []
    for s in ("frank", "wice"):
        for i in range(n):
            label = i % 2
            # Supported claims score 0.8, unsupported 0.2, except one flipped pair per half.
            score = (0.8 if label else 0.2) if i % 10 not in (0, 1) else (0.2 if label else 0.8)
            rows.append({"set": s, "id": f"{s}-{i}", "label": label, "half": "calib" if i < n // 2 else "report",
                         "scorer": scorer, "sentence_scores": [score]})
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in rows)
    return path


def test_report_fixes_one_threshold_and_scores_the_report_halves(tmp_path: Path, capsys, load_script) -> None:
    ev = load_script("eval_checker")
    a = write_scores(tmp_path / "a.jsonl.gz", "checker", 20)
    b = write_scores(tmp_path / "b.jsonl.gz", "overlap", 20)
    ev.main(["report", "--scores", str(a), str(b), "--json", str(tmp_path / "r.json")])
    res = json.loads((tmp_path / "r.json").read_text())
    assert set(res) == {"checker", "overlap"}
    assert 0.2 < res["checker"]["threshold"] <= 0.8
    # 10 report items per set, one supported and one unsupported flipped: BA = (4/5 + 4/5) / 2.
    assert res["checker"]["sets"]["frank"]["balanced_accuracy"] == pytest.approx(0.8)
    assert "| frank | 10 |" in capsys.readouterr().out


def test_report_refuses_scorers_scored_on_different_items(tmp_path: Path, load_script) -> None:
    ev = load_script("eval_checker")
    a = write_scores(tmp_path / "a.jsonl.gz", "checker", 20)
    b = write_scores(tmp_path / "stale.jsonl.gz", "overlap", 12)
    with pytest.raises(SystemExit) as err:
        ev.main(["report", "--scores", str(a), str(b)])
    assert "'overlap' has 24 items but 'checker' has 40" in str(err.value)
    assert "stale.jsonl.gz" in str(err.value)


def test_report_reads_news_recall_at_its_own_scorers_threshold_only(tmp_path: Path,
                                                                   load_script) -> None:
    ev = load_script("eval_checker")
    a = write_scores(tmp_path / "a.jsonl.gz", "new", 20)
    b = write_scores(tmp_path / "b.jsonl.gz", "checker", 20)
    news = tmp_path / "news.jsonl.gz"
    with gzip.open(news, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"kind": "number_swap", "label": 0, "score": 0.1, "scorer": "other"}) + "\n")
    with pytest.raises(SystemExit, match="scored as 'other'.*'new', 'checker'"):
        ev.main(["report", "--scores", str(a), str(b), "--news", str(news)])
