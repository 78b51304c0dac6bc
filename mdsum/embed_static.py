"""Static sentence embeddings (model2vec format): a sentence vector is the normalised mean of its tokens' rows.

No transformer runs at inference time: tokenise (Hugging Face ``tokenizers``), look the token ids up in one
matrix, average, L2-normalise. The packaged alias ``mdsum-static-minilm`` is distilled from the packaged
all-MiniLM-L6-v2 by ``scripts/distill_static.py`` (``model2vec.distill``) and shipped in
``mdsum/resources/static_minilm`` (docs/clustering.md, "Static embedder"); any model2vec folder works.
Inference needs only ``tokenizers``, ``safetensors`` and numpy (mdsum's own dependencies), not model2vec.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mdsum.embed_cache import VectorCache
from mdsum.errors import ModelError
from mdsum.registry import register

#: packaged alias → folder inside mdsum (see docs/clustering.md for licence and sha256)
PACKAGED_STATIC = {"mdsum-static-minilm": "resources/static_minilm"}
_FILES = ("tokenizer.json", "model.safetensors")


def static_model_folder(ref: str) -> Path:
    """The folder of a packaged alias or a local model2vec folder; raises ``ModelError`` if it is incomplete."""
    if not isinstance(ref, str) or not ref.strip():
        raise ModelError(f"embedder.model must be a packaged alias or a model2vec folder, got {ref!r}")
    folder = Path(__file__).parent / PACKAGED_STATIC[ref] if ref in PACKAGED_STATIC else Path(ref).expanduser()
    missing = [f for f in _FILES if not (folder / f).is_file()]
    if missing:
        where = "this install" if ref in PACKAGED_STATIC else "that folder"
        raise ModelError(f"embedder.model {ref!r}: {', '.join(missing)} missing from {where} ({folder}); give a "
                         f"model2vec folder (scripts/distill_static.py writes one) or the alias "
                         f"{', '.join(PACKAGED_STATIC)}")
    return folder


@register("embedder", "mdsum.static_embedder.v1")
class StaticEmbedder:
    """Unit-normalised float32 vectors from a static (model2vec) model: mean of the token rows, then L2.

    ``model``: packaged alias (``mdsum-static-minilm``) or a model2vec folder (``tokenizer.json``,
    ``model.safetensors``). ``max_tokens``: longer texts are truncated (model2vec's default, 512).
    ``batch_size``: texts tokenised per call. ``cache_dir``: as the MiniLM embedder's, keyed by model and
    ``max_tokens`` (a static model is cheap to run; the cache mainly helps a shared folder of vectors).
    """

    def __init__(self, model: str = "mdsum-static-minilm", max_tokens: int = 512, batch_size: int = 1024,
                 cache_dir: str | None = None) -> None:
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise ValueError(f"max_tokens must be a positive integer, got {max_tokens!r}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
        if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir.strip()):
            raise ValueError(f"cache_dir must be a folder path or null, got {cache_dir!r}")
        self.model = model
        self._folder = static_model_folder(model)  # a typo fails now, not at load
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self._cache = None if cache_dir is None else VectorCache(cache_dir, f"static|{model}|{max_tokens}")
        self._tokenizer: Any = None
        self._matrix: np.ndarray | None = None
        self._unk: int | None = None

    def load(self) -> None:
        if self._matrix is not None:
            return
        try:
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer

            tensors = load_file(str(self._folder / "model.safetensors"))
            tokenizer = Tokenizer.from_file(str(self._folder / "tokenizer.json"))
        except Exception as e:  # noqa: BLE001 - any load failure becomes one clear message
            raise ModelError(f"cannot load static model {self.model!r} ({self._folder}): "
                             f"{type(e).__name__}: {e}") from None
        matrix = tensors.get("embeddings")
        if matrix is None or matrix.ndim != 2:
            raise ModelError(f"static model {self.model!r}: model.safetensors has no 2-D 'embeddings' tensor")
        if "weights" in tensors or "mapping" in tensors:
            raise ModelError(f"static model {self.model!r}: vocabulary-quantised models are not supported")
        tokenizer.no_truncation()
        tokenizer.no_padding()
        self._unk = _unk_id(tokenizer)
        self._tokenizer = tokenizer
        self._matrix = np.asarray(matrix, dtype=np.float32)

    @property
    def dim(self) -> int:
        self.load()
        assert self._matrix is not None
        return int(self._matrix.shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self._cache is None:
            return self._encode(texts)
        known = self._cache.get(texts)
        todo = [i for i in range(len(texts)) if i not in known]
        if not todo and texts:  # everything cached: no model load at all
            return np.stack([known[i] for i in range(len(texts))])
        fresh = self._encode([texts[i] for i in todo])
        self._cache.put([texts[i] for i in todo], fresh)
        out = np.zeros((len(texts), fresh.shape[1]), dtype=np.float32)
        out[todo] = fresh
        for i, v in known.items():
            out[i] = v
        return out

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        assert self._matrix is not None
        out = np.zeros((len(texts), self._matrix.shape[1]), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            batch = list(texts[start:start + self.batch_size])
            for row, enc in enumerate(self._tokenizer.encode_batch(batch, add_special_tokens=False), start=start):
                ids = [i for i in enc.ids if i != self._unk][:self.max_tokens]
                if ids:
                    out[row] = self._matrix[ids].mean(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        np.divide(out, norms, out=out, where=norms > 0)  # a text with no known token stays a zero row
        return out


def _unk_id(tokenizer: Any) -> int | None:
    """The unknown token's id, which model2vec drops from every text (WordPiece, BPE, word level; Unigram)."""
    unk = getattr(tokenizer.model, "unk_token", None)
    if unk is not None:
        return tokenizer.token_to_id(unk)
    if hasattr(tokenizer.model, "unk_token"):
        return None
    found = json.loads(tokenizer.to_str())["model"].get("unk_id")
    return found if isinstance(found, int) else None
