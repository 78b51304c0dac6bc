"""The encoders' light path (mdsum.onnx_light) on tiny models built here: recorded only after it agrees with
the full embedder or checker, the same numbers on every later load without sentence-transformers, transformers
or torch, checked again whenever the model or a setting changes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tiny_models import tiny_bert, tiny_sentence_model

from mdsum import models, onnx_light
from mdsum.embed import SentenceTransformerEmbedder
from mdsum.nli import NLIScorer

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")

TEXTS = ["the mayor said two people died on monday .", "rain fell .", "police said not three .",
         "the the the mayor mayor said rain fell on monday and police said three people died ."]
PREMISES = TEXTS
CLAIMS = TEXTS[::-1]
NLI_HEAD = {0: "contradiction", 1: "entailment", 2: "neutral"}


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MDSUM_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _records(cache: Path) -> list[Path]:
    return sorted((cache / "onnx-light").iterdir()) if (cache / "onnx-light").is_dir() else []


def _no_full_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import sentence_transformers

    def refuse(*args, **kwargs):
        raise AssertionError("sentence-transformers loaded the model")

    monkeypatch.setattr(sentence_transformers, "SentenceTransformer", refuse)


def test_a_recorded_model_loads_without_sentence_transformers(tmp_path: Path, _cache: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_sentence_model(tmp_path))
    reference = SentenceTransformerEmbedder(model=path, device="cpu", runtime="torch", batch_size=3).embed(TEXTS)
    first = SentenceTransformerEmbedder(model=path, device="cpu", batch_size=3)
    first_vecs = first.embed(TEXTS)
    assert first._light is not None and len(_records(_cache)) == 1  # checked and recorded on the full load
    _no_full_load(monkeypatch)
    again = SentenceTransformerEmbedder(model=path, device="cpu", batch_size=3)
    vecs = again.embed(TEXTS)
    assert again._light is not None and again._model is None and again.dim == 16
    np.testing.assert_array_equal(vecs, first_vecs)  # the first run used the same path: one set of numbers
    np.testing.assert_allclose(vecs, reference, atol=1e-5)
    np.testing.assert_array_equal(again.embed(TEXTS[1:2]), vecs[1:2])  # a batch of one; rows in input order


def test_a_cls_pooled_model_is_recorded_and_a_max_pooled_one_is_not(tmp_path: Path, _cache: Path) -> None:
    cls = str(tiny_sentence_model(tmp_path, name="cls", pooling="cls"))
    reference = SentenceTransformerEmbedder(model=cls, device="cpu", runtime="torch").embed(TEXTS)
    emb = SentenceTransformerEmbedder(model=cls, device="cpu")
    np.testing.assert_allclose(emb.embed(TEXTS), reference, atol=1e-5)
    assert emb._light is not None and emb._light.manifest.pooling == "cls"
    pooled = str(tiny_sentence_model(tmp_path, name="max", pooling="max"))
    reference = SentenceTransformerEmbedder(model=pooled, device="cpu", runtime="torch").embed(TEXTS)
    emb = SentenceTransformerEmbedder(model=pooled, device="cpu")
    np.testing.assert_allclose(emb.embed(TEXTS), reference, atol=1e-5)  # the full ONNX path still runs it
    assert emb._light is None and emb._session is not None and len(_records(_cache)) == 1


def test_a_tokenizer_that_disagrees_is_not_recorded(tmp_path: Path, _cache: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_sentence_model(tmp_path))
    real = onnx_light.backend_tokenizer

    def cuts_early(hf, max_length):
        tok = real(hf, max_length)
        tok.enable_truncation(max_length=6)  # the model keeps 32 tokens: the long probe's ids differ
        return tok

    monkeypatch.setattr(onnx_light, "backend_tokenizer", cuts_early)
    emb = SentenceTransformerEmbedder(model=path, device="cpu")
    assert emb.embed(TEXTS).shape == (4, 16)
    assert emb._light is None and _records(_cache) == []
    nli = NLIScorer(model=str(tiny_bert(tmp_path / "nli", 0, NLI_HEAD)), device="cpu")
    assert nli.score(PREMISES, CLAIMS).shape == (4,)
    assert nli._light is None and nli._session is not None and _records(_cache) == []


def test_a_changed_model_or_setting_is_checked_again(tmp_path: Path, _cache: Path) -> None:
    folder = tiny_sentence_model(tmp_path)
    path = str(folder)
    SentenceTransformerEmbedder(model=path, device="cpu").load()
    assert onnx_light.recorded_encoder(path, 256, "none") is not None
    assert onnx_light.recorded_encoder(path, 128, "none") is None  # another max_seq_length
    assert onnx_light.recorded_encoder(path, 256, "int8") is None
    weights = next(folder.rglob("model.safetensors"))
    os.utime(weights, ns=(weights.stat().st_atime_ns, weights.stat().st_mtime_ns + 10**9))  # rewritten in place
    assert onnx_light.recorded_encoder(path, 256, "none") is None
    emb = SentenceTransformerEmbedder(model=path, device="cpu")
    emb.load()
    assert emb._session is not None and emb._light is not None and len(_records(_cache)) == 2  # loaded, checked


def test_a_damaged_record_means_a_full_load_that_records_it_again(tmp_path: Path, _cache: Path) -> None:
    path = str(tiny_sentence_model(tmp_path))
    vecs = SentenceTransformerEmbedder(model=path, device="cpu").embed(TEXTS)
    (record,) = _records(_cache)
    (record / "tokenizer.json").write_text("{not json", encoding="utf-8")
    assert onnx_light.recorded_encoder(path, 256, "none") is None
    emb = SentenceTransformerEmbedder(model=path, device="cpu")
    np.testing.assert_array_equal(emb.embed(TEXTS), vecs)
    assert emb._session is not None and onnx_light.recorded_encoder(path, 256, "none") is not None


def test_int8_is_recorded_one_text_per_call(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_sentence_model(tmp_path))
    first = SentenceTransformerEmbedder(model=path, device="cpu", quantize="int8", batch_size=16).embed(TEXTS)
    _no_full_load(monkeypatch)
    light = SentenceTransformerEmbedder(model=path, device="cpu", quantize="int8", batch_size=16)
    np.testing.assert_array_equal(light.embed(TEXTS), first)
    assert light._light.manifest.one_per_call
    np.testing.assert_array_equal(light.embed(TEXTS[1:2]), first[1:2])  # a vector is its text's alone


def test_runtime_torch_never_takes_the_light_path(tmp_path: Path) -> None:
    path = str(tiny_sentence_model(tmp_path))
    SentenceTransformerEmbedder(model=path, device="cpu").load()
    emb = SentenceTransformerEmbedder(model=path, device="cpu", runtime="torch")
    emb.load()
    assert emb._light is None and emb._session is None and emb._model is not None


def test_cpu_without_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    assert models.cpu_without_torch("cpu") and not models.cpu_without_torch("cuda:0")
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert not models.cpu_without_torch("auto")  # torch is loaded here, so it is asked
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert models.cpu_without_torch("auto")


def _no_transformers_load(monkeypatch: pytest.MonkeyPatch) -> None:
    import transformers

    def refuse(*args, **kwargs):
        raise AssertionError("transformers loaded the model")

    monkeypatch.setattr(transformers.AutoModelForSequenceClassification, "from_pretrained", refuse)


def _entailment(path: str, premises: list[str], claims: list[str], column: int | None = 1) -> np.ndarray:
    """The class's probability straight from transformers, one pair at a time (no mdsum code)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    tok, model = AutoTokenizer.from_pretrained(path), AutoModelForSequenceClassification.from_pretrained(path)
    with torch.inference_mode():
        logits = torch.cat([model(**tok(p, h, return_tensors="pt")).logits for p, h in zip(premises, claims)])
    return (torch.sigmoid(logits[:, 0]) if column is None else logits.softmax(-1)[:, column]).numpy()


def test_a_recorded_checker_loads_without_transformers(tmp_path: Path, _cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tiny_bert(tmp_path / "nli", 0, NLI_HEAD))
    reference = _entailment(path, PREMISES, CLAIMS)
    first = NLIScorer(model=path, device="cpu", batch_size=3)
    first_scores = first.score(PREMISES, CLAIMS)
    assert first._light is not None and first._light.manifest.index == 1 and len(_records(_cache)) == 1
    _no_transformers_load(monkeypatch)
    again = NLIScorer(model=path, device="cpu", batch_size=3)
    scores = again.score(PREMISES, CLAIMS)
    assert again._light is not None and again._model is None and again._session is None
    np.testing.assert_array_equal(scores, first_scores)
    np.testing.assert_allclose(scores, reference, atol=1e-5)
    np.testing.assert_array_equal(again.score(PREMISES[2:3], CLAIMS[2:3]), scores[2:3])


def test_a_one_logit_checker_is_read_as_a_sigmoid(tmp_path: Path) -> None:
    path = str(tiny_bert(tmp_path / "one", 0, {0: "supported"}))
    reference = _entailment(path, PREMISES, CLAIMS, column=None)
    light = NLIScorer(model=path, device="cpu")
    np.testing.assert_allclose(light.score(PREMISES, CLAIMS), reference, atol=1e-5)
    assert light._light is not None and light._light.manifest.index == -1


def test_checker_settings_have_their_own_records(tmp_path: Path, _cache: Path) -> None:
    path = str(tiny_bert(tmp_path / "nli", 0, NLI_HEAD))
    NLIScorer(model=path, device="cpu").load()
    other = NLIScorer(model=path, device="cpu", entailment_label="neutral")
    scores = other.score(PREMISES, CLAIMS)
    assert other._session is not None and other._light.manifest.index == 2 and len(_records(_cache)) == 2
    np.testing.assert_allclose(scores, _entailment(path, PREMISES, CLAIMS, column=2), atol=1e-5)
    q = NLIScorer(model=path, device="cpu", quantize="int8")
    q.load()
    assert q._light is None and q._model is not None  # int8 runs on torch, never on a record


def test_a_new_process_summarises_without_importing_torch(tmp_path: Path, _cache: Path) -> None:
    """Both encoders of a run (embedder and checker), once recorded, need neither torch nor transformers."""
    emb, nli = str(tiny_sentence_model(tmp_path)), str(tiny_bert(tmp_path / "nli", 0, NLI_HEAD))
    vecs = SentenceTransformerEmbedder(model=emb, device="cpu").embed(TEXTS)
    scores = NLIScorer(model=nli, device="cpu").score(PREMISES, CLAIMS)
    script = ("import sys, numpy as np\nfrom mdsum.embed import SentenceTransformerEmbedder\n"
              "from mdsum.nli import NLIScorer\n"
              f"v = SentenceTransformerEmbedder(model={emb!r}, device='cpu').embed({TEXTS!r})\n"
              f"s = NLIScorer(model={nli!r}, device='cpu').score({PREMISES!r}, {CLAIMS!r})\n"
              "np.save(sys.argv[1], v)\nnp.save(sys.argv[2], s)\n"
              "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "v.npy"), str(tmp_path / "s.npy")],
                          capture_output=True, text=True, check=True, env={**os.environ, "MDSUM_CACHE": str(_cache)})
    assert done.stdout.strip() == "[]"
    np.testing.assert_array_equal(np.load(tmp_path / "v.npy"), vecs)
    np.testing.assert_array_equal(np.load(tmp_path / "s.npy"), scores)


def test_same_length_batches_have_no_padding_and_keep_every_index() -> None:
    lengths = [5, 3, 5, 9, 3, 5, 5]
    batches = onnx_light.same_length_batches(lengths, cap=2)
    assert [b.tolist() for b in batches] == [[1, 4], [0, 2], [5, 6], [3]]  # shortest first, stable, cap 2
    assert onnx_light.same_length_batches([], cap=4) == []


def test_light_rows_do_not_depend_on_their_batch(tmp_path: Path) -> None:
    emb = SentenceTransformerEmbedder(model=str(tiny_sentence_model(tmp_path)), device="cpu", batch_size=16)
    texts = [TEXTS[i % 4] + " ." * (i % 3) for i in range(11)]  # several texts per token length
    vecs = emb.embed(texts)
    assert emb._light is not None
    np.testing.assert_allclose(vecs, np.concatenate([emb.embed([t]) for t in texts]), atol=1e-6)
    counts = [len(e.ids) for e in onnx_light.unpadded(emb._light.tokenizer).encode_batch(texts)]
    assert len(set(counts)) < len(texts) and counts[0] == len(TEXTS[0].split()) + 2  # [CLS] ... [SEP], no pads
