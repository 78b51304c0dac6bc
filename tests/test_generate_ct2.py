"""The ctranslate2 generator backend on tiny random models built here (conversion, cache, decoding, errors)."""

from __future__ import annotations

import sys

import pytest
import tiny_models

from mdsum.errors import ConfigError, ModelError
from mdsum.generate import GeneratorTimeout, make_generator, sha256_file

pytest.importorskip("ctranslate2")

PROMPTS = tiny_models.PROMPTS


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-ct2")
    causal = tiny_models.tiny_causal(root / "causal")
    return {"causal": causal, "gguf": tiny_models.write_gguf(causal, root / "tiny-llama-f32.gguf")}


def _ct2(model, cache, **kw):
    return make_generator({"backend": "ctranslate2", "model": str(model), "cache_dir": str(cache),
                           "max_new_tokens": 8, **kw})


def test_float32_conversion_decodes_like_the_torch_model(models, tmp_path):
    ref = make_generator({"backend": "causal", "model": str(models["causal"]), "max_new_tokens": 8})
    gen = _ct2(models["causal"], tmp_path, source="causal", quantization="float32")
    out = gen.generate(PROMPTS)
    assert out == ref.generate(PROMPTS)
    assert gen.generate(PROMPTS) == out  # deterministic


def test_gguf_source_is_converted_once_and_then_read_from_the_cache(models, tmp_path, monkeypatch):
    pin = sha256_file(models["gguf"])
    first = _ct2(models["gguf"], tmp_path, sha256=pin)
    out = first.generate(PROMPTS)
    assert len(out) == 2 and all(isinstance(o, str) for o in out)
    assert len(list(tmp_path.iterdir())) == 1  # one converted folder, no temporary left behind

    import mdsum.generate_ct2 as ct2

    def no_conversion(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(ct2, "convert", no_conversion)
    assert _ct2(models["gguf"], tmp_path, sha256=pin).generate(PROMPTS) == out
    with pytest.raises(AssertionError, match="converted again"):  # another quantization is another conversion
        _ct2(models["gguf"], tmp_path, sha256=pin, quantization="float32").load()


def test_the_gguf_pin_is_checked_before_converting_and_on_every_cached_load(models, tmp_path):
    with pytest.raises(ModelError, match="sha256"):
        _ct2(models["gguf"], tmp_path, sha256="0" * 64).load()
    assert not list(tmp_path.iterdir())  # nothing converted
    _ct2(models["gguf"], tmp_path, sha256=sha256_file(models["gguf"])).load()
    with pytest.raises(ModelError, match="pins 0000"):
        _ct2(models["gguf"], tmp_path, sha256="0" * 64).load()


def test_a_damaged_cache_folder_is_a_model_error_naming_it(models, tmp_path):
    _ct2(models["causal"], tmp_path, source="causal").load()
    (folder,) = tmp_path.iterdir()
    (folder / "model.bin").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="delete that folder"):
        _ct2(models["causal"], tmp_path, source="causal").load()


def test_timeout_raises_instead_of_returning_text(models, tmp_path):
    gen = _ct2(models["causal"], tmp_path, source="causal", timeout=0)
    with pytest.raises(GeneratorTimeout):
        gen.generate(PROMPTS)


def test_missing_package_is_a_model_error(models, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ctranslate2", None)
    with pytest.raises(ModelError, match="pip install ctranslate2"):
        _ct2(models["causal"], tmp_path, source="causal").load()


@pytest.mark.parametrize(("extra", "match"), [
    ({"source": "onnx"}, "'onnx'"), ({"quantization": "fp16"}, "'fp16'"), ({"device": "tpu"}, "'tpu'"),
    ({"source": "causal", "sha256": "0" * 64}, "source: gguf"), ({"cache_dir": ""}, "cache_dir"),
])
def test_bad_specs_name_the_value(models, tmp_path, extra, match):
    with pytest.raises(ConfigError, match=match):
        _ct2(models["causal"], tmp_path, **extra)


def test_the_cache_key_follows_the_libraries_that_make_the_torch_weights(models, tmp_path, monkeypatch):
    import mdsum.generate_ct2 as ct2

    gen = _ct2(models["causal"], tmp_path, source="causal")
    key = gen._key("4.8.5")
    versions = ct2.library_versions()
    assert set(versions) == {"transformers", "torch", "gguf", "safetensors"} and versions["torch"]
    monkeypatch.setattr(ct2, "library_versions", lambda: {**versions, "transformers": "0.0.1"})
    assert gen._key("4.8.5") != key  # a conversion made under another transformers is not read back


def test_a_conversion_that_does_not_score_like_its_source_is_refused_and_not_cached(models, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    import mdsum.generate_ct2 as ct2

    gen = _ct2(models["causal"], tmp_path / "cache", source="causal", quantization="float32")
    gen.load()
    (folder,) = (tmp_path / "cache").iterdir()
    tok = AutoTokenizer.from_pretrained(str(models["causal"]))
    own = AutoModelForCausalLM.from_pretrained(str(models["causal"]))
    assert ct2.check_conversion(own, tok, folder, "float32") < 1e-3  # float32 reproduces its source
    other = AutoModelForCausalLM.from_pretrained(str(tiny_models.tiny_causal(tmp_path / "other", seed=1)))
    with pytest.raises(ModelError, match="does not reproduce its source"):
        ct2.check_conversion(other, tok, folder, "float32", tolerance=1e-3)


def test_a_refused_conversion_leaves_no_cache_folder(models, tmp_path, monkeypatch):
    import mdsum.generate_ct2 as ct2

    def refuse(*args, **kwargs):
        raise ModelError("the CTranslate2 conversion does not reproduce its source")

    monkeypatch.setattr(ct2, "check_conversion", refuse)
    with pytest.raises(ModelError, match="does not reproduce"):
        _ct2(models["causal"], tmp_path, source="causal").load()
    assert not list(tmp_path.iterdir())  # next load converts again


def test_tied_weights_are_written_under_both_names_with_their_own_storage():
    import torch

    from mdsum.generate_ct2 import unshared

    emb = torch.arange(6.0).reshape(2, 3)
    state = {"model.embed_tokens.weight": emb, "lm_head.weight": emb, "norm.weight": torch.ones(3)[::1]}
    out = unshared(state)
    assert list(out) == list(state)
    assert torch.equal(out["lm_head.weight"], emb) and torch.equal(out["model.embed_tokens.weight"], emb)
    ptrs = {t.untyped_storage().data_ptr() for t in out.values()}
    assert len(ptrs) == 3  # safetensors refuses shared storage; none is dropped to satisfy it


def test_a_tied_embedding_model_converts_and_decodes_like_torch(tmp_path):
    tied = tiny_models.tiny_causal(tmp_path / "tied", tied=True)
    ref = make_generator({"backend": "causal", "model": str(tied), "max_new_tokens": 8})
    gen = _ct2(tied, tmp_path / "cache", source="causal", quantization="float32")
    assert gen.generate(PROMPTS) == ref.generate(PROMPTS)
