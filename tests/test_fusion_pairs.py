"""Training pairs for the fusion generator (mdsum/fusion_pairs.py) and the training script's data path, on tiny
hand-made inputs."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import tiny_models

from mdsum.fuse_generate import build_prompt
from mdsum.fusion_pairs import accepts, align, attribution_rewrite, build_pairs, compress, coverage, kind_counts
from mdsum.generate import render_prompt

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import train_fuser  # noqa: E402

A = ("Heavy rain flooded the valley overnight. "
     "The city council voted on Tuesday to close the Elm Street library.")
B = "On Tuesday, council members voted to close the Elm Street library after a long debate."
C = "Residents of the valley said the storm was the worst in decades."
GOOD = "The city council voted on Tuesday to close the Elm Street library after a long debate."


def cluster(summary: str) -> dict:
    return {"id": "c1", "summaries": [summary],
            "documents": [{"id": "d1", "text": A, "source": "Valley Tribune"},
                          {"id": "d2", "text": B, "source": "Harbor Herald"},
                          {"id": "d3", "text": C, "source": None}]}


def test_align_takes_each_documents_best_sentence_and_drops_weak_matches():
    docs = [("Valley Tribune", A.split(". ", 1)), ("Harbor Herald", [B]), ("Source 3", [C])]
    got = align(GOOD, docs)
    assert [o for o, _ in got] == ["Valley Tribune", "Harbor Herald"]
    assert got[0][1].startswith("The city council") and got[1][1] == B
    assert coverage(GOOD, [t for _, t in got]) == 1.0


def test_accepts_a_supported_merge_but_not_a_copy_or_an_invented_fact():
    members = [("Valley Tribune", "The city council voted on Tuesday to close the Elm Street library."),
               ("Harbor Herald", B)]
    assert accepts(GOOD, members)
    assert not accepts(B, members)  # a copy of one member teaches copying
    assert not accepts("The city council voted 7-2 on Tuesday to close the Elm Street library.", members)
    assert not accepts("The Pentagon voted on Tuesday to close the Elm Street library after a long debate.", members)
    assert not accepts('The council said "close the library after a long debate.', members)  # unbalanced quote


def test_cluster_pairs_keep_gate_accepted_references_only():
    pairs = build_pairs([cluster(GOOD + " Officials expect 36 more closures.")], synthetic=False)
    assert [(p.kind, p.target) for p in pairs] == [("reference", GOOD)]
    assert [o for o, _ in pairs[0].members] == ["Valley Tribune", "Harbor Herald"]
    assert pairs[0].to_json()["members"][1] == ["Harbor Herald", B]
    assert kind_counts(pairs) == {"reference": 1, "compression": 0, "attribution": 0}


def test_attribution_rewrites_both_ways_and_skips_name_initial_claims():
    assert attribution_rewrite("The bridge will reopen in May, Mayor Jane Doe said on Monday.") == \
        "Mayor Jane Doe said on Monday the bridge will reopen in May."
    assert attribution_rewrite("The Fire Department said Friday that the fire was started deliberately.") == \
        "The fire was started deliberately, the Fire Department said Friday."
    assert attribution_rewrite("Trump will sign the bill next week, the White House said.") is None
    assert attribution_rewrite("The bridge reopened on Monday.") is None


def test_compress_drops_one_clause_and_keeps_the_rest():
    s = "The mayor, who took office in 2019 after a close race, said the bridge will reopen in May."
    assert compress(s, random.Random(0)) == "The mayor said the bridge will reopen in May."
    assert compress("The bridge reopened.", random.Random(0)) is None


def test_training_examples_use_the_fusers_prompt_and_mask_it(tmp_path):
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(tiny_models.tiny_causal(tmp_path / "m"))
    pair = {"members": [["Valley Tribune", A], ["Harbor Herald", B]], "target": GOOD}
    (ids, labels), = train_fuser.encode([pair], tok, 4096)
    prompt = render_prompt(tok, build_prompt([tuple(m) for m in pair["members"]], few_shot=False))
    n = len(tok(prompt, add_special_tokens=False)["input_ids"])
    assert labels[:n] == [-100] * n and labels[n:] == ids[n:]
    assert tok.decode(ids[n:]) == GOOD + tok.eos_token
    assert train_fuser.encode([pair], tok, 10) == []  # too long: dropped


def test_data_order_is_fixed_by_the_seed_so_resume_continues_it():
    steps = [train_fuser.batch_at(s, 4, 10, seed=0) for s in range(5)]
    assert steps == [train_fuser.batch_at(s, 4, 10, seed=0) for s in range(5)]
    assert sorted(steps[0] + steps[1] + steps[2][:2]) == list(range(10))  # one epoch covers every example once
    assert steps != [train_fuser.batch_at(s, 4, 10, seed=1) for s in range(5)]


def test_training_resumes_to_the_same_adapter_as_an_uninterrupted_run(tmp_path):
    """On the tiny GGUF model: 4 steps straight == 2 steps, stop, --resume to 4 (optimizer, schedule, data
    order and dropout RNG restored)."""
    import json

    from safetensors.torch import load_file

    from mdsum.generate import sha256_file

    gguf = tiny_models.write_gguf(tiny_models.tiny_causal(tmp_path / "m"), tmp_path / "tiny.gguf")
    pairs = tmp_path / "pairs.jsonl"
    rows = [{"members": [["Valley Tribune", A], ["Harbor Herald", B]], "target": GOOD},
            {"members": [["Harbor Herald", B], ["Source 3", C]], "target": "Council members voted on Tuesday."},
            {"members": [["Source 3", C], ["Valley Tribune", A]], "target": "Heavy rain flooded the valley."}]
    pairs.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    common = ["--pairs", str(pairs), "--model", str(gguf), "--sha256", sha256_file(gguf), "--steps", "4",
              "--batch-size", "2", "--checkpoint-every", "1", "--threads", "1", "--rank", "2", "--alpha", "4",
              "--top-layers", "0", "--warmup", "1"]
    train_fuser.main([*common, "--out", str(tmp_path / "a")])
    train_fuser.main([*common, "--out", str(tmp_path / "b"), "--stop-after", "2"])
    train_fuser.main([*common, "--out", str(tmp_path / "b"), "--resume"])
    a = load_file(str(tmp_path / "a" / "adapter" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "b" / "adapter" / "adapter_model.safetensors"))
    assert a.keys() == b.keys() and all((a[k] - b[k]).abs().max() < 1e-6 for k in a)
