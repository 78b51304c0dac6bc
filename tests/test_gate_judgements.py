"""The gate on real generator outputs judged by hand (tests/fixtures/fusion_judgements.jsonl).

Each record: a claim group's sentences with outlet names (the repo's seeds/ and the MultiLing 2011 WikiNews
clusters of examples/multiling2011_en, CC BY), a generator's raw output (``model``: SmolLM2-135M-Instruct, the
same with the fine-tuned adapter ``mdsum-fuser-smollm2`` (docs/fuser.md), or Qwen2.5-Coder-1.5B-Instruct on
CTranslate2, the opt-in bigger model), and a label (faithful / unfaithful with an error type). The fuser's
policy is applied as in ``GenerativeFuser``: clean the output; a copy of one member ships as the quoted
candidate; anything else ships only through the gate. The rates are pinned so a change to the gate that lets
more unfaithful text through, or rejects more faithful text, fails.

``split``: ``dev`` records were read while the gate's rules were written (the Qwen few-shot outputs ``qw_fs-*``
while the outlet-name rule of ``check_numbers`` and the contrast / mixed-figure rules of ``check_speakers``
were); ``held_out`` ones (the last 19 zero-shot MultiLing outputs of the base model, the 46 ``ft_zs-*`` outputs of
the fine-tuned model, the 55 ``qw_zs-*`` zero-shot Qwen outputs) were judged only after those rules were frozen.
Session 12's checks (``opening``, ``approximators``, ``comparatives``, ``heads``, ``figure_verbs``, and
``repeats`` across two restated sources) were written for error types docs/fuser.md had named from *all* these
records, so no split is held out for them any more: their honest test is a set judged after they were frozen
(docs/fusion.md, "A fresh held-out set"). On the whole set the gate now meets issue 11's targets (>= 95 % of
unfaithful rejected, >= 60 % of faithful fusions kept).
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
    assert len(RECORDS) >= 248 and labels["faithful"] >= 120 and labels["unfaithful"] >= 120
    assert len({r["model"] for r in RECORDS}) >= 3
    assert all(r["error"] for r in RECORDS if r["label"] == "unfaithful")


def test_unfaithful_outputs_do_not_ship_as_generated(outcomes):
    # measured: 120 of 126 (95.2 %); base model 62 of 64, fine-tuned 18 of 18, Qwen 40 of 44 (one base-model
    # garble was rejected only because its sources' "United States" read as an attribution verb)
    assert _not_shipped(outcomes) >= 0.95, outcomes


def test_held_out_unfaithful_outputs_do_not_ship():
    held = Counter((r["label"], outcome(r)) for r in RECORDS if r["split"] == "held_out")
    # measured: 54 of 57 (94.7 %); base 12 of 13, fine-tuned 18 of 18, Qwen 24 of 26
    assert _not_shipped(held) >= 0.94, held


def test_faithful_fusions_are_kept(outcomes):
    """Of the faithful outputs that are not copies (copies ship as the quoted sentence anyway)."""
    kept, lost = outcomes[("faithful", "generated")], outcomes[("faithful", "rejected")]
    # measured: 47 of 75 (62.7 %; issue 11's target is 60 %): base 12 of 14, fine-tuned 8 of 10, Qwen 27 of 51
    assert kept / (kept + lost) >= 0.62, outcomes
