"""``--engine ray`` gives the local engine's output byte for byte (a local Ray instance, two actors)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mdsum import render
from mdsum.errors import InputError
from mdsum.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _two_stories(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("M000_01.txt", "M000_02.txt", "M000_03.txt", "M001_01.txt", "M001_02.txt", "M001_03.txt"):
        shutil.copy(ROOT / "examples" / "multiling2011_en" / name, folder / name)
    return folder


def test_ray_engine_output_is_identical_to_local(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    folder = _two_stories(tmp_path)
    pipeline = Pipeline.from_config(None)
    local = pipeline.summarize_folder(folder)
    assert len(local.stories) >= 2  # several stories, so the actors really share the work
    on_ray = pipeline.summarize_folder(folder, engine="ray", workers=2)
    assert render.to_json(on_ray) == render.to_json(local)


def test_unknown_engine_is_named() -> None:
    with pytest.raises(InputError, match="'spark'.*local, ray"):
        Pipeline.from_config(None).summarize_documents([], engine="spark")


def test_cli_engine_ray_writes_the_local_json(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    from mdsum.cli import main

    folder = _two_stories(tmp_path)
    assert main(["summarize", str(folder), "-f", "json", "-o", str(tmp_path / "local.json"), "-q"]) == 0
    assert main(["summarize", str(folder), "-f", "json", "-o", str(tmp_path / "ray.json"), "-q",
                 "--engine", "ray", "--workers", "2"]) == 0
    assert (tmp_path / "ray.json").read_bytes() == (tmp_path / "local.json").read_bytes()


def test_batches_are_consecutive_cover_every_story_and_feed_every_worker() -> None:
    from mdsum.pipeline import STORY_BATCH
    from mdsum.ray_engine import batches

    jobs = list(range(5))
    assert batches(jobs, 2) == [[0, 1, 2], [3, 4]]
    assert batches(jobs, 8) == [[0], [1], [2], [3], [4]]
    many = list(range(3 * STORY_BATCH + 1))
    out = batches(many, 2)
    assert [x for b in out for x in b] == many and max(map(len, out)) == STORY_BATCH and len(out) == 4
    assert batches([], 2) == []
