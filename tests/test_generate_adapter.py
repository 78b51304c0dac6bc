"""The generator's ``adapter`` option: a random LoRA adapter on a tiny Llama built here, loaded through the
causal and gguf backends, must change the output and equal the weights merged by hand."""

from __future__ import annotations

import sys

import pytest
import tiny_models

from mdsum.errors import ConfigError, ModelError
from mdsum.generate import make_generator, resolve_adapter, sha256_file

pytest.importorskip("peft")

PROMPTS = tiny_models.PROMPTS


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    import torch
    from peft import LoraConfig, get_peft_model
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    root = tmp_path_factory.mktemp("adapter")
    base = tiny_models.tiny_causal(root / "causal")
    torch.manual_seed(1)
    cfg = LoraConfig(r=4, lora_alpha=8, target_modules=["q_proj", "v_proj", "down_proj"], init_lora_weights=False)
    peft_model = get_peft_model(AutoModelForCausalLM.from_pretrained(base), cfg)
    with torch.no_grad():  # make the update large enough to change greedy tokens of a random model
        for name, p in peft_model.named_parameters():
            if "lora_B" in name:
                p.mul_(50.0)
    peft_model.save_pretrained(root / "lora")
    # The same update merged by hand: W + B @ A * alpha / r, written as a plain model.
    merged = AutoModelForCausalLM.from_pretrained(base)
    lora = load_file(str(root / "lora" / "adapter_model.safetensors"))
    params = dict(merged.named_parameters())
    with torch.no_grad():
        for key, a in lora.items():
            if ".lora_A." in key:
                b = lora[key.replace(".lora_A.", ".lora_B.")]
                target = key.replace("base_model.model.", "", 1).replace(".lora_A.weight", ".weight")
                params[target].add_(b @ a * (8 / 4))
    merged.save_pretrained(root / "merged")
    AutoTokenizer.from_pretrained(base).save_pretrained(root / "merged")
    gguf = tiny_models.write_gguf(base, root / "tiny.gguf")
    return {"base": base, "lora": root / "lora", "merged": root / "merged", "gguf": gguf}


def _gen(model, backend="causal", **kw):
    return make_generator({"backend": backend, "model": str(model), "max_new_tokens": 8, **kw})


def test_adapter_changes_the_output_and_equals_the_merged_weights(tiny):
    import torch

    plain = _gen(tiny["base"])
    adapted = _gen(tiny["base"], adapter=str(tiny["lora"]), adapter_sha256=sha256_file(
        tiny["lora"] / "adapter_model.safetensors"))
    merged = _gen(tiny["merged"])
    out = adapted.generate(PROMPTS)
    assert out != plain.generate(PROMPTS)
    assert out == merged.generate(PROMPTS)
    ids = torch.tensor([[1, 5, 9, 20, 33]])
    with torch.no_grad():
        a, m, p = (g._model(input_ids=ids).logits for g in (adapted, merged, plain))
    assert torch.allclose(a, m, atol=1e-5) and not torch.allclose(a, p, atol=1e-3)


def test_gguf_backend_takes_the_same_adapter(tiny):
    causal = _gen(tiny["base"], adapter=str(tiny["lora"]))
    gguf = _gen(tiny["gguf"], backend="gguf", adapter=str(tiny["lora"]))
    assert gguf.generate(PROMPTS) == causal.generate(PROMPTS)


def test_adapter_pin_and_missing_folder_are_model_errors(tiny, tmp_path):
    with pytest.raises(ModelError, match="sha256"):
        _gen(tiny["base"], adapter=str(tiny["lora"]), adapter_sha256="0" * 64).load()
    with pytest.raises(ModelError, match="adapter_config.json"):
        _gen(tiny["base"], adapter=str(tmp_path)).load()
    with pytest.raises(ConfigError, match="adapter_sha256"):
        _gen(tiny["base"], adapter=str(tiny["lora"]), adapter_sha256="abc")
    with pytest.raises(ConfigError, match="adapter"):
        _gen(tiny["base"], adapter="")


def test_missing_peft_is_a_clear_error(tiny, monkeypatch):
    monkeypatch.setitem(sys.modules, "peft", None)
    with pytest.raises(ModelError, match="pip install peft"):
        _gen(tiny["base"], adapter=str(tiny["lora"])).load()


def test_packaged_adapter_resolves_with_its_pin():
    from mdsum.generate import PACKAGED_ADAPTERS

    for alias in PACKAGED_ADAPTERS:
        path, pin = resolve_adapter(alias)
        assert pin == sha256_file(path / "adapter_model.safetensors")
        assert (path / "adapter_model.safetensors").stat().st_size <= 150 * 2**20
