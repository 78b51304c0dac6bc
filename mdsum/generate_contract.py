"""The generator contract the generating fuser relies on, and the decoding options every backend shares.

A generator is built from a plain mapping (``{backend: causal, model: ..., max_new_tokens: 60}``), is cheap
to construct, loads its model lazily in :meth:`load`, and has one verb: ``generate(prompts) -> list[str]``,
one output per prompt, in order. A prompt is a list of chat messages (``{"role": ..., "content": ...}``) or a
plain string (one user message). Decoding is deterministic: greedy or beam search at temperature 0 (a
temperature > 0 samples, seeded). Failures raise :class:`GeneratorError` (:class:`GeneratorTimeout` when the
``timeout`` in seconds is exceeded), so the caller can fall back instead of losing the story.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, Union

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


def check_number(name: str, value: Any, low: float, integer: bool = False, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value < low:
        what = "an integer" if integer else "a number"
        raise ValueError(f"{name} must be {what} >= {low}{' or null' if allow_none else ''}, got {value!r}")


class Decoding:
    """Decoding settings shared by every backend (checked here, once)."""

    def __init__(self, max_new_tokens: int, num_beams: int, temperature: float, seed: int, batch_size: int,
                 timeout: float | None) -> None:
        check_number("max_new_tokens", max_new_tokens, 1, integer=True)
        check_number("num_beams", num_beams, 1, integer=True)
        check_number("temperature", temperature, 0)
        check_number("seed", seed, 0, integer=True)
        check_number("batch_size", batch_size, 1, integer=True)
        check_number("timeout", timeout, 0, allow_none=True)
        self.max_new_tokens = max_new_tokens
        self.num_beams = num_beams
        self.temperature = float(temperature)
        self.seed = seed
        self.batch_size = batch_size
        self.timeout = None if timeout is None else float(timeout)

    def _deadline(self) -> float | None:
        return None if self.timeout is None else time.monotonic() + self.timeout

    def _in_batches(self, prompts: Sequence[Prompt],
                    run: Callable[[Sequence[Prompt], float | None], list[str]]) -> list[str]:
        """``run(batch, seconds_left)`` over batches of ``batch_size`` within ``timeout``. Past the deadline (before
        a batch, or when one ends) this raises :class:`GeneratorTimeout` rather than return cut-off text; any other
        failure becomes a :class:`GeneratorError`, so a model crash never loses the story."""
        deadline = self._deadline()
        out: list[str] = []
        for i in range(0, len(prompts), self.batch_size):
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            try:
                batch = run(prompts[i:i + self.batch_size], left)
            except GeneratorError:
                raise
            except Exception as e:  # noqa: BLE001 - the caller falls back on any failure
                raise GeneratorError(f"{type(e).__name__}: {e}") from e
            if deadline is not None and time.monotonic() >= deadline:
                raise GeneratorTimeout(f"generator timeout after {self.timeout:g}s")
            out.extend(batch)
        return out
