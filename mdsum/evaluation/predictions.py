"""Predictions: the budget cut every metric sees, and summaries to and from their JSON lines."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mdsum.errors import InputError
from mdsum.evaluation.loaders import Cluster, jsonl_rows
from mdsum.evaluation.results import Prediction
from mdsum.types import Citation, Summary, SummarySentence


def truncate_prediction(pred: Prediction, max_words: int) -> Prediction:
    """The prediction cut to ``max_words`` whitespace words, sentence by sentence (citations kept)."""
    from mdsum.evaluation.baselines import take_budget

    lines = [line for line in pred.text.splitlines() if line.split()]
    kept = take_budget(lines, max_words)
    if pred.summary is None:
        return Prediction(pred.id, "\n".join(kept))
    sents = [s for s in pred.summary.sentences if s.text.split()][: len(kept)]
    # replace(), not a new SummarySentence: a cut sentence keeps its method, sources and fallback reason
    cut = tuple(dataclasses.replace(s, text=t) for t, s in zip(kept, sents, strict=True))
    return Prediction(pred.id, "\n".join(kept), Summary(pred.summary.story_id, cut, pred.summary.documents))


def summary_to_json(pred: Prediction) -> dict[str, Any]:
    out: dict[str, Any] = {"id": pred.id, "summary": pred.text}
    if pred.summary is not None:
        out["sentences"] = [
            {"text": s.text, "method": s.method, "support": s.support, "fallback": s.fallback,
             "fused_from": list(s.fused_from),
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
                fallback=s.get("fallback"), fused_from=tuple(s.get("fused_from", ())),
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
