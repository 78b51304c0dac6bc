from __future__ import annotations

import json
from pathlib import Path

import pytest

from mdsum.errors import InputError, MdsumError
from mdsum.evaluation.adapters import build_metrics
from mdsum.evaluation.baselines import Baseline
from mdsum.evaluation.loaders import Cluster
from mdsum.evaluation.predictions import read_predictions, truncate_prediction
from mdsum.evaluation.results import Item, ItemResult, Prediction
from mdsum.evaluation.runner import aggregate, evaluate_system
from mdsum.types import Citation, Document, Summary, SummarySentence


def _clusters(n: int = 4) -> list[Cluster]:
    out = []
    for i in range(n):
        docs = (Document(f"c{i}a", f"The mayor of town {i} resigned on Friday. Residents were surprised."),
                Document(f"c{i}b", f"Town {i} will elect a new mayor in May. The council met on Monday."))
        out.append(Cluster(f"c{i}", docs, (f"The mayor of town {i} resigned. A new mayor will be elected in May.",)))
    return out


def _metrics():
    return build_metrics(["rouge", "length", "citations", "faithfulness", "redundancy"])


def _lead(cluster: Cluster) -> Summary:
    return Baseline("lead", max_words=250).summarize(cluster)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_run_writes_every_output(tmp_path):
    rep = evaluate_system(_clusters(), _lead, _metrics(), tmp_path, system="lead", dataset="toy")
    assert {p.name for p in tmp_path.iterdir()} == {"run.json", "scores.jsonl", "summaries.jsonl", "aggregate.json",
                                                    "aggregate.md", "report.html"}
    scores = _lines(tmp_path / "scores.jsonl")
    assert [r["id"] for r in scores] == ["c0", "c1", "c2", "c3"]
    summaries = _lines(tmp_path / "summaries.jsonl")
    assert summaries[0]["sentences"][0]["citations"] == [{"doc_id": "c0a", "sentence_ids": ["c0a#0"]}]
    # LEAD copies source sentences and cites them: ALCE recall and precision are 1 with any sensible scorer.
    assert rep.get("citation_recall").mean == 1.0 and rep.get("citation_precision").mean == 1.0
    assert rep.get("words").mean == 25.0  # all four source sentences fit the budget: 8 + 3 + 9 + 5 words
    agg = json.loads((tmp_path / "aggregate.json").read_text())
    r1 = agg["scores"]["rouge1_f_mean"]
    assert r1["low"] <= r1["mean"] <= r1["high"] and r1["n"] == 4
    assert "rouge1_f_mean" in (tmp_path / "aggregate.md").read_text()


class _Killed(Exception):
    pass


def test_interrupted_run_resumes_without_redoing_items(tmp_path):
    calls: list[str] = []
    die_on = {"c2"}

    def flaky(cluster: Cluster) -> Summary:
        if cluster.id in die_on:
            raise _Killed  # the process dies in the middle of the run (not an error the runner records)
        calls.append(cluster.id)
        return _lead(cluster)

    with pytest.raises(_Killed):
        evaluate_system(_clusters(), flaky, _metrics(), tmp_path)
    assert [r["id"] for r in _lines(tmp_path / "scores.jsonl")] == ["c0", "c1"]
    calls.clear()
    die_on.clear()
    rep = evaluate_system(_clusters(), flaky, _metrics(), tmp_path)
    assert calls == ["c2", "c3"]  # only what was left is summarised
    assert [i.id for i in rep.items] == ["c0", "c1", "c2", "c3"]
    assert len(_lines(tmp_path / "scores.jsonl")) == 4


def test_torn_last_line_and_unscored_summary_are_recovered(tmp_path):
    evaluate_system(_clusters(2), _lead, _metrics(), tmp_path)
    scores = (tmp_path / "scores.jsonl").read_text().splitlines()
    (tmp_path / "scores.jsonl").write_text(scores[0] + "\n" + scores[1][:20])  # killed mid-write of c1's scores

    def never(cluster: Cluster) -> Summary:
        raise AssertionError("c1's summary is on disk: it must be re-scored, not re-made")

    rep = evaluate_system(_clusters(2), never, _metrics(), tmp_path)
    assert [i.id for i in rep.items] == ["c0", "c1"] and not rep.failed
    assert len(_lines(tmp_path / "scores.jsonl")) == 2


def test_other_settings_refuse_to_resume(tmp_path):
    evaluate_system(_clusters(1), _lead, _metrics(), tmp_path, max_words=250)
    with pytest.raises(InputError, match="max_words.*--no-resume"):
        evaluate_system(_clusters(1), _lead, _metrics(), tmp_path, max_words=100)
    rep = evaluate_system(_clusters(1), _lead, _metrics(), tmp_path, max_words=5, resume=False)
    assert rep.get("words").mean == 5.0


def test_failures_are_recorded_and_all_failing_is_an_error(tmp_path):
    def bad_on_c1(cluster: Cluster) -> Summary:
        if cluster.id == "c1":
            raise ValueError("no sentences")
        return _lead(cluster)

    rep = evaluate_system(_clusters(3), bad_on_c1, _metrics(), tmp_path / "a")
    assert [i.id for i in rep.failed] == ["c1"] and rep.get("rouge1_f_mean").n == 2
    assert "c1: ValueError: no sentences" in (tmp_path / "a" / "aggregate.md").read_text()

    def always_bad(cluster: Cluster) -> Summary:
        raise InputError("broken")

    with pytest.raises(MdsumError, match="every cluster failed"):
        evaluate_system(_clusters(2), always_bad, _metrics(), tmp_path / "b")


def test_plain_text_predictions_have_no_citation_scores(tmp_path):
    path = tmp_path / "preds.jsonl"
    path.write_text("".join(json.dumps({"id": c.id, "summary": c.references[0]}) + "\n" for c in _clusters()))
    preds = read_predictions(path, _clusters())
    assert preds["c0"].summary is None and preds["c0"].text.count("\n") == 1  # split into sentences
    rep = evaluate_system(_clusters(), lambda c: preds[c.id], _metrics(), tmp_path / "out")
    assert rep.get("rouge1_f_mean").mean == pytest.approx(1.0)  # the reference scores itself perfectly
    assert rep.get("citation_recall").mean is None and rep.get("citation_recall").n == 0
    assert "| citation_recall | n/a |" in (tmp_path / "out" / "aggregate.md").read_text()


def test_predictions_file_errors_name_the_line(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text('{"id": "c0", "summary": "x"}\n{oops\n')
    with pytest.raises(InputError, match=r"p\.jsonl:2"):
        read_predictions(path, _clusters(1))
    path.write_text('{"id": "c0", "summary": "x"}\n')
    with pytest.raises(InputError, match="no prediction for 1 cluster.*'c1'"):
        read_predictions(path, _clusters(2))


def test_predictions_with_sentences_keep_citations(tmp_path):
    path = tmp_path / "p.jsonl"
    row = {"id": "c0", "summary": "ignored", "sentences": [
        {"text": "The mayor of town 0 resigned on Friday.",
         "citations": [{"doc_id": "c0a", "sentence_ids": ["c0a#0"]}]}]}
    path.write_text(json.dumps(row) + "\n")
    pred = read_predictions(path, _clusters(1))["c0"]
    assert pred.summary.sentences[0].citations == (Citation("c0a", ("c0a#0",)),)


def test_truncate_prediction_keeps_citations():
    cite = (Citation("d", ("d#0",)),)
    generated = SummarySentence("d e f", cite, "g1", method="generated", fused_from=("d#0", "e#2"), fallback=None)
    summary = Summary("s", (SummarySentence("a b c", cite, "g0", fallback="empty output"), generated), ())
    cut = truncate_prediction(Prediction("s", summary.text(), summary), 4)
    assert cut.text == "a b c\nd" and [s.text for s in cut.summary.sentences] == ["a b c", "d"]
    assert cut.summary.sentences[1].citations == cite
    # how each sentence was made survives the cut
    assert cut.summary.sentences[0].fallback == "empty output"
    assert (cut.summary.sentences[1].method, cut.summary.sentences[1].fused_from) == ("generated", ("d#0", "e#2"))
    assert truncate_prediction(Prediction("s", "a b\nc d"), 3).text == "a b\nc"


def test_aggregate_skips_missing_values_and_is_seeded():
    items = [ItemResult("a", {"x": 1.0, "y": None}), ItemResult("b", {"x": 3.0, "y": None}),
             ItemResult("c", {"x": 2.0, "y": 0.5})]
    agg = {a.key: a for a in aggregate(items, seed=3)}
    assert agg["x"].mean == 2.0 and agg["x"].n == 3 and 1.0 <= agg["x"].low <= 2.0 <= agg["x"].high <= 3.0
    assert agg["y"].mean == 0.5 and agg["y"].n == 1
    assert aggregate(items, seed=3) == aggregate(items, seed=3)


def test_citation_metric_flags_a_wrong_citation():
    [metric] = build_metrics(["citations"])
    cluster = _clusters(1)[0]
    from mdsum.segment import PysbdSegmenter

    sentences = tuple(s for d in cluster.documents for s in PysbdSegmenter().segment(d))
    wrong = Summary("c0", (SummarySentence("The mayor of town 0 resigned on Friday.",
                                           (Citation("c0b", ("c0b#1",)),), "g"),), cluster.documents)
    scores = metric.score(Item(cluster, sentences, Prediction("c0", wrong.text(), wrong)))
    assert scores == {"citation_recall": 0.0, "citation_precision": 0.0}


def test_cli_evaluate_and_bad_input(tmp_path, capsys):
    from mdsum.cli import main

    data = tmp_path / "d.jsonl"
    data.write_text("".join(json.dumps({"id": c.id, "documents": [{"id": d.id, "text": d.text} for d in c.documents],
                                        "summaries": list(c.references)}) + "\n" for c in _clusters(3)))
    code = main(["evaluate", "--dataset", str(data), "--system", "lead,random", "--out", str(tmp_path / "o"), "-q",
                 "--metric", "rouge,length"])
    assert code == 0
    out = capsys.readouterr().out
    assert "| lead | 3 |" in out and "| random | 3 |" in out
    assert (tmp_path / "o" / "random" / "report.html").is_file()
    assert main(["evaluate", "--dataset", str(tmp_path / "nope.jsonl"), "-q"]) == 1
    assert "not found" in capsys.readouterr().err
    assert main(["evaluate", "--dataset", str(data), "--system", "bert", "-q"]) == 1
    assert "unknown system 'bert'" in capsys.readouterr().err


def test_evaluate_clustering_scores_the_pipeline_partition(tmp_path):
    from mdsum.evaluation.clustering_run import evaluate_clustering

    flood = ["Floods swept through the river town of {0} on Monday, forcing hundreds of residents to leave.",
             "Rescue teams in {0} pulled families from flooded homes as the river burst its banks.",
             "The river flood in {0} left streets under water and hundreds of people homeless."]
    vote = ["Voters in {0} elected a new mayor on Sunday after a close campaign.",
            "The mayoral election in {0} ended with a narrow win for the opposition candidate.",
            "Election officials in {0} counted ballots late into the night for the mayor's race."]
    rows = [{"id": f"f{i}", "text": t.format("Dunmore"), "cluster_id": "flood"} for i, t in enumerate(flood)]
    rows += [{"id": f"v{i}", "text": t.format("Carlow"), "cluster_id": "vote"} for i, t in enumerate(vote)]
    path = tmp_path / "c.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    rep = evaluate_clustering(path)
    assert (rep.n_documents, rep.n_gold) == (6, 2)
    assert set(rep.scores) == {"bcubed_precision", "bcubed_recall", "bcubed_f1", "ari", "nmi"}
    assert rep.scores["bcubed_f1"] == 1.0 and rep.scores["ari"] == 1.0  # two unmistakable stories
    assert evaluate_clustering(path, limit=1).n_documents == 3  # one gold cluster kept, with all its articles
    path.write_text('{"id": "x", "text": "t"}\n')
    with pytest.raises(InputError, match=r"c\.jsonl:1: .*cluster_id"):
        evaluate_clustering(path)
