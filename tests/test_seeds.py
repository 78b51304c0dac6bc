"""The real seeds end to end: no glued headline or page debris shipped, outlets named, and the README's example
is this output (whitespace aside: the README wraps the paragraph)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mdsum import render
from mdsum.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def result():
    return Pipeline.from_config(None).summarize_folder(SEEDS)


def test_no_headline_glued_or_debris_shipped(result):
    titles = [d.title for d in result.documents if d.title]
    assert len(result.stories) == 1
    for s in result.stories[0].summary.sentences:
        assert not any(s.text.startswith(t) for t in titles), s.text
        for junk in ("::", "(Photo", "©", "Listen Here", "RIA Novosti)", "WASHINGTON —", "session., September"):
            assert junk not in s.text, s.text


def test_every_source_has_a_name_beyond_its_file(result):
    lines = [ln for ln in render.to_markdown(result).splitlines() if re.match(r"\d+\. ", ln)]
    assert len(lines) == 5 and all(" — " in ln for ln in lines), lines
    assert {d.source for d in result.documents} >= {"CNN", "RIA Novosti"}


def test_readme_example_is_the_real_output(result):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```text\n\$ mdsum summarize seeds/\n(.*?)```", readme, re.DOTALL).group(1)
    assert " ".join(example.split()) == " ".join(render.to_markdown(result).split()), \
        "README example is stale: paste `python -m mdsum summarize seeds/` into it"
