"""The static (model2vec-format) embedder on a tiny model built here, and the packaged distilled weights."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mdsum import registry
from mdsum.config import parse_config
from mdsum.embed_static import StaticEmbedder
from mdsum.errors import ModelError

VOCAB = ["[UNK]", "the", "bridge", "closed", "council", "voted", "rain", "fell"]


def tiny_model(folder: Path, rows: np.ndarray | None = None) -> Path:
    """A model2vec folder: a word-level tokenizer over VOCAB and a float16 matrix, as distillation writes."""
    from safetensors.numpy import save_file
    from tokenizers import Tokenizer, models, pre_tokenizers

    folder.mkdir(parents=True, exist_ok=True)
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(folder / "tokenizer.json"))
    if rows is None:
        rows = np.random.default_rng(0).normal(size=(len(VOCAB), 4))
    save_file({"embeddings": rows.astype(np.float16)}, str(folder / "model.safetensors"))
    return folder


def test_a_vector_is_the_normalised_mean_of_its_known_tokens(tmp_path: Path) -> None:
    rows = np.eye(len(VOCAB), 4) + np.arange(len(VOCAB) * 4).reshape(len(VOCAB), 4) / 100
    emb = StaticEmbedder(model=str(tiny_model(tmp_path / "m", rows)))
    out = emb.embed(["the bridge", "the bridge zebra", "zebra", ""])
    assert out.dtype == np.float32 and out.shape == (4, 4) and emb.dim == 4
    want = rows[[1, 2]].astype(np.float16).astype(np.float32).mean(axis=0)
    assert np.allclose(out[0], want / np.linalg.norm(want), atol=1e-6)
    assert np.allclose(out[1], out[0])  # an unknown word is dropped, as model2vec does
    assert not out[2].any() and not out[3].any()  # no known token: a zero row (similarity 0 to everything)
    assert np.allclose(np.linalg.norm(out[:2], axis=1), 1.0, atol=1e-6)


def test_same_text_same_vector_in_any_batch_and_order(tmp_path: Path) -> None:
    emb = StaticEmbedder(model=str(tiny_model(tmp_path / "m")), batch_size=2)
    texts = ["the council voted", "rain fell", "the bridge closed", "the rain"]
    out = emb.embed(texts)
    assert np.array_equal(out[::-1], emb.embed(texts[::-1]))
    assert np.array_equal(out[2], emb.embed(["the bridge closed"])[0])
    assert emb.embed([]).shape == (0, 4)


def test_max_tokens_truncates(tmp_path: Path) -> None:
    emb = StaticEmbedder(model=str(tiny_model(tmp_path / "m")), max_tokens=1)
    assert np.allclose(emb.embed(["bridge rain fell"]), emb.embed(["bridge"]))


def test_construction_is_cheap_and_checks_its_arguments(tmp_path: Path) -> None:
    emb = StaticEmbedder(model=str(tiny_model(tmp_path / "m")))
    assert emb._matrix is None  # nothing loaded until the first embed / load()
    emb.load()
    matrix = emb._matrix
    emb.load()
    assert emb._matrix is matrix  # a second load is free
    with pytest.raises(ModelError, match="model.safetensors missing"):
        StaticEmbedder(model=str(tmp_path))
    for bad in ({"max_tokens": 0}, {"batch_size": True}, {"cache_dir": " "}):
        with pytest.raises(ValueError):
            StaticEmbedder(model=str(tmp_path / "m"), **bad)


def test_the_vector_cache_is_keyed_by_model(tmp_path: Path) -> None:
    a = str(tiny_model(tmp_path / "a"))
    b = str(tiny_model(tmp_path / "b", np.random.default_rng(1).normal(size=(len(VOCAB), 4))))
    cache = str(tmp_path / "cache")
    first = StaticEmbedder(model=a, cache_dir=cache).embed(["the bridge closed", "rain fell"])
    again = StaticEmbedder(model=a, cache_dir=cache)
    assert np.array_equal(again.embed(["rain fell", "the bridge closed"]), first[::-1])
    assert again._matrix is None  # all cached: the model was never loaded
    other = StaticEmbedder(model=b, cache_dir=cache).embed(["the bridge closed"])
    assert not np.allclose(other[0], first[0])


def test_registered_and_selectable_in_a_config(tmp_path: Path) -> None:
    assert registry.get("embedder", "mdsum.static_embedder.v1") is StaticEmbedder
    model = str(tiny_model(tmp_path / "m"))
    cfg = parse_config({"embedder": {"name": "mdsum.static_embedder.v1", "model": model}})
    assert cfg.spec("embedder").kwargs == {"model": model, "max_tokens": 512, "batch_size": 1024, "cache_dir": None}
