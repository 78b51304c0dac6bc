"""A run's folder: ``run.json`` (settings that a resume must match) and line-flushed JSONL rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mdsum.errors import InputError, OutputError
from mdsum.evaluation.results import ItemResult


def prepare_folder(out_dir: Path, run: dict[str, Any], resume: bool) -> None:
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


def read_rows(path: Path) -> dict[str, dict[str, Any]]:
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


def write_row(f, row: dict[str, Any]) -> None:  # noqa: ANN001
    f.write(json.dumps(row, ensure_ascii=False) + "\n")
    f.flush()


def item_json(r: ItemResult) -> dict[str, Any]:
    row: dict[str, Any] = {"id": r.id, "seconds": round(r.seconds, 3), "scores": r.scores}
    if r.error:
        row["error"] = r.error
    return row


def item_from_json(row: dict[str, Any]) -> ItemResult:
    return ItemResult(str(row["id"]), scores=dict(row.get("scores") or {}), error=row.get("error"),
                      seconds=float(row.get("seconds", 0.0)))
