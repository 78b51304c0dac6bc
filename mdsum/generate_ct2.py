"""The ``ctranslate2`` generator backend: a causal LM converted once to CTranslate2 and decoded by it.

The source model is loaded by the ``gguf`` or ``causal`` backend (so ``sha256`` and ``adapter`` mean what they
mean there: the adapter is merged before conversion), exported, converted with ``quantization`` (``int8`` on CPU
by default), and kept under ``$MDSUM_CACHE/ct2/<key>``; the key hashes the weights, the adapter, the quantization
and the versions of CTranslate2 and of the libraries that turn the weights into torch tensors, so a changed input
never reads a stale conversion. A conversion is kept only if it scores a probe sentence as its torch source does
(:func:`check_conversion`): a folder that decodes garbage is never cached. Later loads read that folder in
well under a second. Needs ``pip install ctranslate2`` (prebuilt wheels, MIT). Decoding is deterministic at
temperature 0 (greedy, or beam search with ``num_beams``). The timeout is checked between batches: a batch in
progress finishes first.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from mdsum.errors import ModelError
from mdsum.generate_contract import Decoding, Prompt, check_number
from mdsum.validate import one_of

SOURCES: tuple[str, ...] = ("gguf", "causal")
QUANTIZATIONS: tuple[str, ...] = ("int8", "int8_float32", "float32")


class CTranslate2Generator(Decoding):
    """A ``gguf`` or ``causal`` model (``source``) run by CTranslate2 after a cached one-time conversion.

    ``device``: ``auto`` (CUDA when CTranslate2 sees a GPU, else CPU), ``cpu`` or ``cuda``; ``threads``: CPU threads
    (null = CTranslate2's default).
    """

    def __init__(self, model: str, source: str = "gguf", sha256: str | None = None, adapter: str | None = None,
                 adapter_sha256: str | None = None, quantization: str = "int8", max_new_tokens: int = 64,
                 num_beams: int = 1, temperature: float = 0.0, seed: int = 0, batch_size: int = 4,
                 timeout: float | None = 120.0, max_input_tokens: int = 1024, device: str = "auto",
                 threads: int | None = None, cache_dir: str | None = None) -> None:
        from mdsum.generate import CausalGenerator, GGUFGenerator

        super().__init__(max_new_tokens, num_beams, temperature, seed, batch_size, timeout)
        for name, value, allowed in (("source", source, SOURCES), ("quantization", quantization, QUANTIZATIONS),
                                     ("device", device, ("auto", "cpu", "cuda"))):
            one_of(name, value, allowed)
        check_number("max_input_tokens", max_input_tokens, 16, integer=True)
        check_number("threads", threads, 1, integer=True, allow_none=True)
        if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
            raise ValueError(f"cache_dir must be a folder path or null, got {cache_dir!r}")
        extra = {"sha256": sha256} if source == "gguf" else {}
        if source == "causal" and sha256 is not None:
            raise ValueError("sha256 pins a .gguf file: it needs source: gguf (pin a causal model by its path)")
        # The source backend validates model/adapter now and loads the torch weights only when a conversion runs.
        self._source = (GGUFGenerator if source == "gguf" else CausalGenerator)(
            model, adapter=adapter, adapter_sha256=adapter_sha256, device="cpu", **extra)
        self.model, self.source, self.quantization = model, source, quantization
        self.sha256 = getattr(self._source, "sha256", None)
        self.max_input_tokens, self.device, self.threads = max_input_tokens, device, threads
        self.cache_dir = cache_dir
        self._generator: Any = None
        self._tokenizer: Any = None

    def load(self) -> None:
        if self._generator is not None:
            return
        try:
            import ctranslate2
        except ImportError:
            msg = "the ctranslate2 backend needs the 'ctranslate2' package: pip install ctranslate2"
            raise ModelError(msg) from None
        from transformers import AutoTokenizer

        folder = self._converted(ctranslate2.__version__)
        device = self.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        try:
            # CTranslate2's config.json has no model_type, which transformers >= 5 reads as a possible Mistral
            # tokenizer (for vocabularies over 100k, e.g. Qwen's) and warns of a regex it does not change; saying
            # so silences the false alarm, token ids unchanged.
            self._tokenizer = AutoTokenizer.from_pretrained(str(folder), fix_mistral_regex=False)
            self._generator = ctranslate2.Generator(str(folder), device=device, compute_type=self.quantization,
                                                    intra_threads=self.threads or 0)
        except (OSError, RuntimeError, ValueError) as e:  # a damaged cache folder, an unsupported device or type
            raise ModelError(f"cannot load the CTranslate2 model in {folder} ({type(e).__name__}: {e}); "
                             "delete that folder to convert again") from None

    def _key(self, ct2_version: str) -> str:
        from mdsum.generate import resolve_adapter, resolve_gguf, sha256_file
        from mdsum.models import resolve_model

        if self.source == "gguf":
            path = resolve_gguf(self.model)
            weights = [sha256_file(path)]
            if self.sha256 not in (None, weights[0]):  # checked on every load, cached or not
                raise ModelError(f"{path} has sha256 {weights[0]}, but the config pins {self.sha256}; "
                                 "the file changed or the pin is wrong")
        else:
            root = Path(resolve_model(self.model))
            if not root.is_dir():
                raise ModelError(f"the ctranslate2 backend converts a local model folder; {self.model!r} is not one")
            weights = [sha256_file(p) for p in sorted(root.glob("*.safetensors")) + sorted(root.glob("*.bin"))]
        adapter = None
        if self._source.adapter is not None:
            adapter = sha256_file(resolve_adapter(self._source.adapter)[0] / "adapter_model.safetensors")
        spec = {"weights": weights, "adapter": adapter, "quantization": self.quantization, "ctranslate2": ct2_version,
                "libraries": library_versions(), "format": CONVERSION_FORMAT}
        return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:16]

    def _converted(self, ct2_version: str) -> Path:
        """The cached CTranslate2 folder for this model, converting it first if it is not there."""
        from mdsum.models import build_once, cache_root

        root = Path(self.cache_dir).expanduser() if self.cache_dir else cache_root() / "ct2"

        def build(scratch: Path) -> Path:
            convert(self._source, scratch / "hf", scratch / "ct2", self.quantization)
            return scratch / "ct2"

        return build_once(root / self._key(ct2_version), "model.bin", build)

    def generate(self, prompts: Sequence[Prompt]) -> list[str]:
        self.load()
        return self._in_batches(prompts, lambda batch, _left: self._generate_batch(batch))

    def prompt_tokens(self, prompts: Sequence[Prompt]) -> list[list[str]]:
        """Each prompt as the model reads it: rendered, tokenized, cut to ``max_input_tokens`` (after :meth:`load`)."""
        from mdsum.generate import render_prompt

        tok = self._tokenizer
        special = not getattr(tok, "chat_template", None)  # the chat template already wrote BOS and role markers
        return [tok.convert_ids_to_tokens(tok(render_prompt(tok, p), add_special_tokens=special, truncation=True,
                                              max_length=self.max_input_tokens)["input_ids"]) for p in prompts]

    def _generate_batch(self, prompts: Sequence[Prompt]) -> list[str]:
        import ctranslate2

        tok = self._tokenizer
        tokens = self.prompt_tokens(prompts)
        sampling = {"sampling_topk": 1}
        if self.temperature > 0:
            ctranslate2.set_random_seed(self.seed)
            sampling = {"sampling_topk": 0, "sampling_temperature": self.temperature}
        results = self._generator.generate_batch(tokens, max_length=self.max_new_tokens, beam_size=self.num_beams,
                                                 include_prompt_in_result=False, end_token=tok.eos_token,
                                                 **sampling)
        return [tok.decode(r.sequences_ids[0], skip_special_tokens=True).strip() for r in results]


# 2: library versions in the key and the probe check (a format-1 folder built under other library versions
# decoded garbage: its untied output layer had lost the embedding's weights, 164 MB against 136 MB)
CONVERSION_FORMAT = 2
_LIBRARIES = ("transformers", "torch", "gguf", "safetensors")
PROBE = "The river crested at 24.6 feet on Saturday afternoon, officials said, and residents began to return home."


def library_versions() -> dict[str, str | None]:
    """The installed version of each library the conversion's torch weights come through (None if absent)."""
    from importlib import metadata

    out: dict[str, str | None] = {}
    for name in _LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def check_conversion(model: Any, tokenizer: Any, target: Path, quantization: str, tolerance: float = 1.0) -> float:
    """The mean log-probability CTranslate2 gives the :data:`PROBE` tokens must be within ``tolerance`` of the
    torch model's (teacher-forced, the same tokens); returns the gap. int8 moves it by a few hundredths, a broken
    conversion by several nats."""
    import ctranslate2
    import torch

    ids = tokenizer(PROBE, return_tensors="pt")["input_ids"]
    with torch.inference_mode():
        logp = torch.log_softmax(model(input_ids=ids).logits[0, :-1].float(), dim=-1)
    expected = float(logp.gather(1, ids[0, 1:, None]).mean())
    scorer = ctranslate2.Generator(str(target), device="cpu", compute_type=quantization)
    got = scorer.score_batch([tokenizer.convert_ids_to_tokens(ids[0].tolist())])[0].log_probs
    mean = sum(got) / max(len(got), 1)
    if abs(mean - expected) > tolerance:
        raise ModelError(f"the CTranslate2 conversion does not reproduce its source: mean log-probability of a "
                         f"probe sentence {mean:.2f} against the torch model's {expected:.2f}; it was not cached "
                         f"(report the versions: {library_versions()})")
    return abs(mean - expected)


def convert(source: Any, export: Path, target: Path, quantization: str) -> None:
    """Load ``source``'s torch model (adapter merged), save it as a plain transformers folder, convert that."""
    from ctranslate2.converters import TransformersConverter
    from safetensors.torch import save_file

    tokenizer, model = source._load_model()
    export.mkdir(parents=True)
    config = model.config
    if hasattr(config, "quantization_config"):  # GGUF-loaded weights are dequantised already: save them plain
        delattr(config, "quantization_config")
    config.save_pretrained(export)
    tokenizer.save_pretrained(export)
    save_file(unshared(model.state_dict()), str(export / "model.safetensors"))
    try:
        TransformersConverter(str(export), copy_files=_tokenizer_files(export)).convert(
            str(target), quantization=quantization)
    except Exception as e:  # noqa: BLE001 - an unsupported architecture becomes one clear message
        raise ModelError(f"cannot convert {source.model!r} to CTranslate2: {type(e).__name__}: {e}") from None
    check_conversion(model, tokenizer, target, quantization)


def unshared(state: dict[str, Any]) -> dict[str, Any]:
    """``state`` with every tensor under its own name and storage (tied ones copied), contiguous. Why: for a tied
    embedding and head, safetensors' ``save_model`` keeps only ``lm_head.weight``, and a reload that then misses
    ``model.embed_tokens.weight`` can initialise it at random (it happened once in a full test run: the probe
    check refused the conversion, -9.18 against the torch model's -3.77)."""
    seen: set[int] = set()
    out = {}
    for name, tensor in state.items():
        ptr = tensor.untyped_storage().data_ptr()
        out[name] = tensor.detach().clone() if ptr in seen else tensor.detach().contiguous()
        seen.add(ptr)
    return out


def _tokenizer_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(("tokenizer", "special_tokens"))
                  or p.name in ("chat_template.jinja", "generation_config.json"))
