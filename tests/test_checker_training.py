"""The checker's training loop end to end on a tiny BERT or MPNet and a tiny data sample (seconds, CPU)."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import numpy as np
import pytest

WORDS = "the mayor police said two three people died on monday tuesday not bridge closed rain fell".split()


@pytest.fixture(params=["bert", "mpnet"])
def tiny_base(request, tmp_path: Path) -> Path:
    """An untrained 1-layer encoder + word-level vocab, saved like the packaged MiniLM (BERT) or like
    all-mpnet-base-v2 (MPNet: no token type ids, its own special tokens)."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast, MPNetConfig, MPNetModel, MPNetTokenizerFast

    torch.manual_seed(0)
    sizes = dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                 max_position_embeddings=64, initializer_range=0.3)
    base = tmp_path / "base"
    if request.param == "bert":
        vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, "."]
        BertModel(BertConfig(vocab_size=len(vocab), **sizes)).save_pretrained(base)
        BertTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(base)
    else:
        vocab = ["<s>", "<pad>", "</s>", "[UNK]", *WORDS, ".", "<mask>"]
        MPNetModel(MPNetConfig(vocab_size=len(vocab), pad_token_id=1, **sizes)).save_pretrained(base)
        MPNetTokenizerFast(vocab={w: i for i, w in enumerate(vocab)}).save_pretrained(base)
    return base


@pytest.fixture()
def tiny_data(tmp_path: Path) -> Path:
    rng = random.Random(0)
    rows = []
    for _ in range(48):
        n, m = rng.sample(["two", "three"], 2)
        day = rng.choice(["monday", "tuesday"])
        premise = f"the mayor said {n} people died on {day} ."
        rows.append({"premise": premise, "hypothesis": f"{n} people died .", "label": 1})
        # The negative is learnable from the hypothesis alone, so 20 steps of a 1-layer model lower the loss.
        rows.append({"premise": premise, "hypothesis": f"police not closed bridge {m} .", "label": 0})
    data = tmp_path / "data"
    data.mkdir()
    for split, part in (("train", rows[:80]), ("dev", rows[80:])):
        with gzip.open(data / f"{split}.jsonl.gz", "wt") as f:
            f.writelines(json.dumps(r) + "\n" for r in part)
    return data


def run(mod, base: Path, data: Path, out: Path, *extra: str) -> dict:
    return mod.train(mod.parse_args(["--data", str(data), "--base", str(base), "--out", str(out), "--device", "cpu",
                                     "--epochs", "2", "--batch-size", "8", "--lr", "3e-3", "--log-every", "2",
                                     "--checkpoint-every", "0", "--no-bf16", "--threads", "1", *extra]))


def test_batches_cover_every_example_once_and_are_seeded(load_script) -> None:
    mod = load_script("train_checker")
    lengths = [random.Random(i).randint(3, 40) for i in range(103)]
    batches = mod.batch_order(lengths, 8, seed=1, epoch=0)
    assert sorted(i for b in batches for i in b) == list(range(103))
    assert batches == mod.batch_order(lengths, 8, seed=1, epoch=0)
    assert batches != mod.batch_order(lengths, 8, seed=1, epoch=1)


def test_train_writes_a_loadable_checker_and_resume_is_exact(tiny_base: Path, tiny_data: Path,
                                                             tmp_path: Path, load_script) -> None:
    from safetensors.numpy import load_file

    from mdsum.nli import NLIScorer

    mod = load_script("train_checker")
    full = run(mod, tiny_base, tiny_data, tmp_path / "full")
    assert full["steps"] == 20  # 80 pairs / batch 8 x 2 epochs
    assert full["history"][-1]["loss"] < full["history"][0]["loss"]
    # Interrupted after 7 steps, then resumed from the checkpoint: the same weights as one uninterrupted run.
    stopped = run(mod, tiny_base, tiny_data, tmp_path / "split", "--stop-after", "7")
    assert stopped == {"stopped_at": 7, "total_steps": 20}
    resumed = run(mod, tiny_base, tiny_data, tmp_path / "split")
    assert resumed["steps"] == 20
    a = load_file(str(tmp_path / "full" / "model" / "model.safetensors"))
    b = load_file(str(tmp_path / "split" / "model" / "model.safetensors"))
    assert a.keys() == b.keys() and all(a[k].dtype == np.float16 for k in a)
    for k in a:
        np.testing.assert_allclose(a[k].astype(np.float32), b[k].astype(np.float32), atol=1e-3, err_msg=k)
    scorer = NLIScorer(model=str(tmp_path / "full" / "model"), device="cpu")
    premise = "the mayor said two people died on monday ."
    probs = scorer.score([premise] * 2, ["two people died .", "three people died ."])
    assert probs.shape == (2,) and ((probs >= 0) & (probs <= 1)).all()


def test_reference_pairs_label_covered_and_extrinsic_sentences() -> None:
    from mdsum.checker import data as b

    docs = [{"id": "d0", "text": "The Ardell river burst its banks on Monday. Police closed the Main Street bridge. "
                                 "Rain fell for three days before the flood."},
            {"id": "d1", "text": "Officials in Ardell said the bridge would stay shut. Residents were moved to "
                                 "the school gym overnight."}]
    summary = ("Police closed the Main Street bridge after the Ardell river burst its banks on Monday. "
               "Governor Whitfield said the Ardell river burst its banks on Monday and closed the bridge.")
    pairs = b.reference_pairs([{"id": "c0", "documents": docs, "summaries": [summary]}], seed=0)
    kinds = {(p.kind, p.hypothesis.split()[0]) for p in pairs}
    assert ("reference_supported", "Police") in kinds  # every content word is in one source window
    assert ("reference_extrinsic", "Governor") in kinds  # on topic, but names someone no source does
    swaps = [p for p in pairs if p.kind.startswith("ref_")]
    assert swaps and all(p.label == 0 and p.hypothesis != summary.split(". ")[0] + "." for p in swaps)
    assert {p.label for p in pairs if p.kind == "reference_supported"} == {1}
