"""The gate on real generator outputs judged by hand (tests/fixtures/fusion_judgements.jsonl).

Each record: a claim group's sentences with outlet names (the repo's seeds/ and the MultiLing 2011 WikiNews
clusters of examples/multiling2011_en, CC BY), SmolLM2-135M-Instruct's raw output, and a label (faithful /
unfaithful with an error type). The fuser's policy is applied as in ``GenerativeFuser``: clean the output; a
copy of one member ships as the quoted candidate; anything else ships only through the gate. The rates are
pinned so a change to the gate that lets more unfaithful text through, or rejects more faithful text, fails.

``split``: ``dev`` records were read while the gate's rules were written; ``held_out`` ones (the last 19
zero-shot MultiLing outputs) were judged only after the rules were frozen, so their rates are the honest ones.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from mdsum.fuse_generate import clean_output, example_words
from mdsum.gate import gate
from mdsum.verify import is_verbatim

RECORDS = [json.loads(line) for line in
           (Path(__file__).parent / "fixtures" / "fusion_judgements.jsonl").read_text(encoding="utf-8").splitlines()]


def outcome(r: dict) -> str:
    outlets = [s["outlet"] for s in r["sources"]]
    sources = [s["text"] for s in r["sources"]]
    text = clean_output(r["raw"], outlets)
    if text and any(is_verbatim(text, s) for s in sources):
        return "copy"
    why = gate(text, sources, names=outlets, prompt_words=example_words() if r["prompt"] == "few_shot" else ())
    return "generated" if why is None else "rejected"


@pytest.fixture(scope="module")
def outcomes() -> Counter:
    return Counter((r["label"], outcome(r)) for r in RECORDS)


def _not_shipped(counts: Counter) -> float:
    unfaithful = sum(v for (label, _), v in counts.items() if label == "unfaithful")
    return 1 - counts[("unfaithful", "generated")] / unfaithful


def test_the_labelled_set_is_large_and_has_both_classes():
    labels = Counter(r["label"] for r in RECORDS)
    assert len(RECORDS) >= 50 and labels["faithful"] >= 10 and labels["unfaithful"] >= 30
    assert all(r["error"] for r in RECORDS if r["label"] == "unfaithful")


def test_unfaithful_outputs_do_not_ship_as_generated(outcomes):
    assert _not_shipped(outcomes) >= 0.95, outcomes  # measured: 62 of 64 (96.9 %)


def test_held_out_unfaithful_outputs_do_not_ship():
    held = Counter((r["label"], outcome(r)) for r in RECORDS if r["split"] == "held_out")
    assert _not_shipped(held) >= 0.9, held  # measured: 12 of 13 (92.3 %)


def test_faithful_fusions_are_kept(outcomes):
    """Of the faithful outputs that are not copies (copies ship as the quoted sentence anyway)."""
    kept, lost = outcomes[("faithful", "generated")], outcomes[("faithful", "rejected")]
    assert kept / (kept + lost) >= 0.60, outcomes  # measured: 12 of 14 (85.7 %)
