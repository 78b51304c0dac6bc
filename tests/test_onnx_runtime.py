"""The ONNX Runtime path of the embedder and the checker, on tiny models built here: same numbers as torch,
exported once per weights, clear errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tiny_models import tiny_bert as _bert
from tiny_models import tiny_sentence_model

from mdsum import onnx_runtime
from mdsum.embed import SentenceTransformerEmbedder
from mdsum.errors import ModelError
from mdsum.nli import NLIScorer

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = ["the mayor said two people died on monday .", "rain fell .", "police said not three .",
         "the the the mayor mayor said rain fell on monday and police said three people died ."]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MDSUM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_onnx_vectors_equal_torch_vectors(tmp_path: Path) -> None:
    path = str(tiny_sentence_model(tmp_path))
    torch_vecs = SentenceTransformerEmbedder(model=path, device="cpu", runtime="torch", batch_size=3).embed(TEXTS)
    onnx = SentenceTransformerEmbedder(model=path, device="cpu", runtime="auto", batch_size=3)
    onnx_vecs = onnx.embed(TEXTS)
    assert onnx._session is not None  # auto on the CPU really ran ONNX Runtime
    np.testing.assert_allclose(onnx_vecs, torch_vecs, atol=1e-5)
    assert onnx_vecs.shape == (4, 16) and np.allclose(np.linalg.norm(onnx_vecs, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(onnx.embed(TEXTS[1:2]), torch_vecs[1:2], atol=1e-5)  # a batch of one


def test_onnx_checker_probabilities_equal_torch(tmp_path: Path) -> None:
    path = str(_bert(tmp_path / "nli", 0, {0: "contradiction", 1: "entailment", 2: "neutral"}))
    premises, hypotheses = TEXTS, TEXTS[::-1]
    fp = NLIScorer(model=path, device="cpu", runtime="torch").score(premises, hypotheses)
    onnx = NLIScorer(model=path, device="cpu")
    np.testing.assert_allclose(onnx.score(premises, hypotheses), fp, atol=1e-5)
    assert onnx._session is not None
    q = NLIScorer(model=path, device="cpu", quantize="int8")
    q.load()
    assert q._session is None  # int8 stays on torch


def test_int8_checker_score_does_not_depend_on_the_other_pairs(tmp_path: Path) -> None:
    q = NLIScorer(model=str(_bert(tmp_path / "nli", 0, {0: "not_supported", 1: "supported"})), device="cpu",
                  quantize="int8", batch_size=32)
    alone = q.score(TEXTS[1:2], TEXTS[2:3])
    np.testing.assert_array_equal(q.score([TEXTS[1], TEXTS[3]], [TEXTS[2], TEXTS[3] * 3])[:1], alone)


def test_exported_once_per_weights(tmp_path: Path, _cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a = str(tiny_sentence_model(tmp_path, seed=0, name="a"))
    SentenceTransformerEmbedder(model=a, device="cpu").load()
    assert len(list((_cache / "onnx").iterdir())) == 1
    import torch

    def no_export(*args, **kwargs):
        raise AssertionError("exported again")

    monkeypatch.setattr(torch.onnx, "export", no_export)
    again = SentenceTransformerEmbedder(model=a, device="cpu")
    assert again.embed(TEXTS).shape == (4, 16)  # read from the cache
    monkeypatch.undo()
    monkeypatch.setenv("MDSUM_CACHE", str(_cache))
    b = str(tiny_sentence_model(tmp_path, seed=1, name="b"))  # other weights, same architecture
    SentenceTransformerEmbedder(model=b, device="cpu").load()
    assert len(list((_cache / "onnx").iterdir())) == 2


def test_a_damaged_export_is_a_clear_error(tmp_path: Path, _cache: Path) -> None:
    path = str(tiny_sentence_model(tmp_path))
    SentenceTransformerEmbedder(model=path, device="cpu").load()
    (export,) = (_cache / "onnx").iterdir()
    (export / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError, match=r"cannot load the ONNX export .*model\.onnx.*delete that folder"):
        SentenceTransformerEmbedder(model=path, device="cpu", runtime="onnx").load()
    with pytest.warns(RuntimeWarning, match=r"model\.onnx.*delete that folder.*on torch instead"):
        auto = SentenceTransformerEmbedder(model=path, device="cpu")
        auto.load()
    assert auto._session is None


def test_runtime_choice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert onnx_runtime.pick_runtime("auto", "cpu") == "onnx"
    assert onnx_runtime.pick_runtime("auto", "cuda") == "torch"
    assert onnx_runtime.pick_runtime("torch", "cpu") == "torch"
    with pytest.raises(ModelError, match="runs on the CPU only"):
        onnx_runtime.pick_runtime("onnx", "cuda:0")
    with pytest.raises(ValueError, match="runtime must be one of auto, torch, onnx, got 'tensorrt'"):
        SentenceTransformerEmbedder(runtime="tensorrt")
    with pytest.raises(ValueError, match="quantize 'int8' is a torch option"):
        NLIScorer(runtime="onnx", quantize="int8")
    monkeypatch.setattr(onnx_runtime, "onnx_available", lambda: False)
    assert onnx_runtime.pick_runtime("auto", "cpu") == "torch"  # not installed: auto still works
    with pytest.raises(ModelError, match="pip install onnxruntime onnx"):
        onnx_runtime.pick_runtime("onnx", "cpu")
    emb = SentenceTransformerEmbedder(model=str(tiny_sentence_model(tmp_path)), device="cpu")
    assert emb.embed(TEXTS).shape == (4, 16) and emb._session is None


def test_auto_runs_on_torch_when_the_export_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_sentence_model(tmp_path))
    import torch

    def broken(*args, **kwargs):
        raise RuntimeError("exporter gone")

    monkeypatch.setattr(torch.onnx, "export", broken)
    with pytest.warns(RuntimeWarning, match="cannot export the embedding model .*exporter gone.*on torch instead"):
        auto = SentenceTransformerEmbedder(model=path, device="cpu")
        vecs = auto.embed(TEXTS)
    assert auto._session is None and vecs.shape == (4, 16)
    with pytest.raises(ModelError, match="cannot export the embedding model .*set runtime: torch"):
        SentenceTransformerEmbedder(model=path, device="cpu", runtime="onnx").load()


def test_torch_weights_are_freed_once_on_onnx(tmp_path: Path) -> None:
    """RSS: with a session, torch's copy of the weights is not kept (the vectors still come out)."""
    emb = SentenceTransformerEmbedder(model=str(tiny_sentence_model(tmp_path)), device="cpu")
    emb.load()
    assert all(p.device.type == "meta" for p in emb._model[0].auto_model.parameters())
    assert emb.embed(TEXTS).shape == (4, 16)
    nli = NLIScorer(model=str(_bert(tmp_path / "nli", 0, {0: "not_supported", 1: "supported"})), device="cpu")
    nli.load()
    assert nli._model is None and nli._session is not None
    assert nli.score(TEXTS, TEXTS).shape == (4,)


def _op_types(sess) -> set[str]:
    import onnx

    return {node.op_type for node in onnx.load(sess._model_path).graph.node}


def test_int8_embedder_runs_a_quantized_copy(tmp_path: Path, _cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_sentence_model(tmp_path))
    float_vecs = SentenceTransformerEmbedder(model=path, device="cpu").embed(TEXTS)
    q = SentenceTransformerEmbedder(model=path, device="cpu", quantize="int8")
    vecs = q.embed(TEXTS)
    assert "MatMulInteger" in _op_types(q._session)  # really int8 weights, not the float export again
    assert not np.allclose(vecs, float_vecs, atol=1e-5)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert ((vecs * float_vecs).sum(1) > 0.9).all()  # an approximation of the same vectors
    assert sorted(p.name.split("-")[1] if "-" in p.name else "float" for p in (_cache / "onnx").iterdir()) == \
        ["float", "int8"]  # the float export, and its int8 copy beside it

    import onnxruntime.quantization

    def no_quantize(*args, **kwargs):
        raise AssertionError("quantized again")

    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", no_quantize)
    np.testing.assert_array_equal(SentenceTransformerEmbedder(model=path, device="cpu", quantize="int8").embed(TEXTS),
                                  vecs)  # read from the cache, and deterministic


def test_int8_vector_does_not_depend_on_the_other_texts(tmp_path: Path) -> None:
    # dynamic int8 scales a batch's activations together: batched, a long batch-mate moves a short text's vector
    q = SentenceTransformerEmbedder(model=str(tiny_sentence_model(tmp_path)), device="cpu", quantize="int8",
                                    batch_size=16)
    alone = q.embed(TEXTS[1:2])
    np.testing.assert_array_equal(q.embed(TEXTS)[1:2], alone)
    np.testing.assert_array_equal(q.embed([TEXTS[1], TEXTS[3] * 5])[:1], alone)  # 95 tokens: cut at the model's 64


def test_sentences_longer_than_the_models_positions_are_truncated(tmp_path: Path) -> None:
    emb = SentenceTransformerEmbedder(model=str(tiny_sentence_model(tmp_path)), device="cpu", runtime="torch")
    vecs = emb.embed([TEXTS[3] * 5, TEXTS[3] * 6])  # 95 and 114 tokens; the tiny model has 64 positions
    np.testing.assert_allclose(vecs[0], vecs[1], atol=1e-6)  # both cut to the same first 64 tokens


def test_int8_and_float_vectors_are_cached_apart(tmp_path: Path) -> None:
    path = str(tiny_sentence_model(tmp_path))
    store = str(tmp_path / "vectors")
    float_vecs = SentenceTransformerEmbedder(model=path, device="cpu", cache_dir=store).embed(TEXTS)
    q_vecs = SentenceTransformerEmbedder(model=path, device="cpu", cache_dir=store, quantize="int8").embed(TEXTS)
    assert not np.allclose(q_vecs, float_vecs, atol=1e-5)  # int8 did not read the float vectors back
    np.testing.assert_array_equal(SentenceTransformerEmbedder(model=path, device="cpu", cache_dir=store).embed(TEXTS),
                                  float_vecs)


def test_quantize_value_is_checked(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="quantize must be one of none, int8, got 'int4'"):
        SentenceTransformerEmbedder(quantize="int4")
    with pytest.raises(ValueError, match="quantize 'int8' runs on ONNX Runtime; use it with runtime: auto or onnx"):
        SentenceTransformerEmbedder(runtime="torch", quantize="int8")
    assert SentenceTransformerEmbedder(quantize="int8")._session is None  # cheap: nothing loaded


def test_a_failed_quantization_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import onnxruntime.quantization

    def broken(*args, **kwargs):
        raise RuntimeError("quantizer gone")

    monkeypatch.setattr(onnxruntime.quantization, "quantize_dynamic", broken)
    path = str(tiny_sentence_model(tmp_path))
    with pytest.raises(ModelError, match="cannot quantize the embedding model .*quantizer gone.*set quantize: none"):
        SentenceTransformerEmbedder(model=path, device="cpu", runtime="onnx", quantize="int8").load()
