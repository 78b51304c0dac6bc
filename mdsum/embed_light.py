"""The embedder's ONNX export run without sentence-transformers or torch: a recorded, checked fast path.

Why: importing sentence-transformers (torch with it) costs about 8 s and 0.5 GB in every process, a third of
clustering 4,700 articles on 2 cores (issue 14). For the common form of model (a transformer, then mean or CLS
pooling, then optionally normalisation) ONNX Runtime and the model's own fast tokenizer (``tokenizers``) give the
same vectors. Nothing is assumed: the first full load compares this light encoder with the full one on probe
texts (identical token ids, vectors within 1e-5) and only then records it under
``$MDSUM_CACHE/onnx-light/<key>``. The key hashes the model folder's file names, sizes and modification times,
the settings and the library versions, so a changed model or library is checked again by a full load.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from mdsum import onnx_runtime
from mdsum.models import build_once, cache_root

FORMAT = 1
LIBRARIES = ("sentence-transformers", "transformers", "tokenizers", "torch", "onnx", "onnxruntime")
POOLING = ("mean", "cls")
# What a tokenizer can get wrong: case, accents, quotes, spacing, an empty text, one longer than the limit.
PROBES = ("The mayor said two people died on Monday.", "  Rain fell\tagain \n", "",
          "Ünïcödé “quotes” — and U.S. $3.5bn, 12:30 p.m.", "东京 police 🚓 said NOT three",
          " ".join(["word"] * 600))


@dataclass(frozen=True)
class Manifest:
    export: str  # the export's folder name under $MDSUM_CACHE/onnx
    pooling: str  # one of POOLING
    dim: int
    one_per_call: bool  # int8: a text's vector must not depend on its batch-mates (see the embedder)


class LightEncoder:
    """Unit-normalised float32 vectors from a recorded model: ``tokenizers`` → ONNX Runtime → pooling."""

    def __init__(self, manifest: Manifest, tokenizer: Any, session: Any) -> None:
        self.manifest = manifest
        self._tokenizer = tokenizer  # truncation and padding are part of its saved state
        self._session = session

    @property
    def dim(self) -> int:
        return self.manifest.dim

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """As ``SentenceTransformer.encode``: longest text first, in batches, rows in the input order."""
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = 1 if self.manifest.one_per_call else batch_size
        for start in range(0, len(texts), step):
            idx = order[start:start + step]
            out[idx] = self._vectors([texts[i] for i in idx])
        return out

    def features(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        enc = self._tokenizer.encode_batch(list(texts))
        return {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64)}

    def _vectors(self, texts: list[str]) -> np.ndarray:
        feats = self.features(texts)
        tokens = onnx_runtime.run(self._session, feats)
        if self.manifest.pooling == "cls":
            pooled = tokens[:, 0]
        else:  # sentence-transformers' mean: padding masked out, the count clamped as it does
            mask = feats["attention_mask"][..., None].astype(tokens.dtype)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def recorded(path: str, max_seq_length: int, quantize: str) -> LightEncoder | None:
    """The light encoder recorded for this model and settings, or None (not recorded, or its files are damaged:
    the full load then checks and records it again)."""
    folder = _folder(path, max_seq_length, quantize)
    if folder is None:
        return None
    try:
        from tokenizers import Tokenizer

        manifest = Manifest(**json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        session = onnx_runtime.open_session(cache_root() / "onnx" / manifest.export)
    except Exception:  # noqa: BLE001 - anything unreadable means "not recorded"
        return None
    return LightEncoder(manifest, tokenizer, session)


def record(path: str, max_seq_length: int, quantize: str, model: Any, export: Path, session: Any,
           reference: Callable[[list[str]], np.ndarray], batch_size: int) -> LightEncoder | None:
    """The light encoder for ``model`` (a loaded SentenceTransformer whose transformer runs as ``session`` from
    ``export``), recorded once it agrees with ``reference`` (the full encoder) on :data:`PROBES`; None when the
    model is not the common form or does not agree."""
    folder = _folder(path, max_seq_length, quantize)
    if folder is None or export.parent != cache_root() / "onnx":
        return None
    try:
        plan = _plan(model)
        if plan is None:
            return None
        pooling, tokenizer = plan
        manifest = Manifest(export=export.name, pooling=pooling, dim=int(reference(["x"]).shape[1]),
                            one_per_call=quantize == "int8")
        light = LightEncoder(manifest, tokenizer, session)
        if not _agrees(light, _reference_ids(model), reference, batch_size):
            return None
    except Exception:  # noqa: BLE001 - an unusual model keeps the full encoder; this path only saves time
        return None

    def write(scratch: Path) -> Path:
        (scratch / "light").mkdir()
        tokenizer.save(str(scratch / "light" / "tokenizer.json"))
        (scratch / "light" / "manifest.json").write_text(json.dumps(asdict(manifest)), encoding="utf-8")
        return scratch / "light"

    shutil.rmtree(folder, ignore_errors=True)  # a damaged record that recorded() could not read
    build_once(folder, "manifest.json", write)
    return light


def _folder(path: str, max_seq_length: int, quantize: str) -> Path | None:
    """``$MDSUM_CACHE/onnx-light/<key>`` for a local model folder; None for a hub id (its files are known only
    once the full load has read the hub cache)."""
    model = Path(path)
    if not model.is_dir():
        return None
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    h = hashlib.sha256(json.dumps({"format": FORMAT, "model": str(model.resolve()), "quantize": quantize,
                                   "max_seq_length": max_seq_length, "versions": versions},
                                  sort_keys=True).encode())
    for f in sorted(model.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(model).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return cache_root() / "onnx-light" / h.hexdigest()[:16]


def _plan(model: Any) -> tuple[str, Any] | None:
    """(pooling, a ``tokenizers`` tokenizer truncating and padding as the model does) when ``model`` is a
    transformer, a mean or CLS pooling and optionally a normalisation; else None."""
    from tokenizers import Tokenizer

    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        return None
    pool = modules[1]
    mode = (pool.get_pooling_mode_str() if hasattr(pool, "get_pooling_mode_str")  # sentence-transformers < 6
            else pool.get_config_dict().get("pooling_mode"))
    hf = getattr(model, "tokenizer", None)
    backend = getattr(hf, "backend_tokenizer", None)
    if mode not in POOLING or backend is None or hf.pad_token_id is None:
        return None
    tok = Tokenizer.from_str(backend.to_str())
    tok.enable_truncation(max_length=int(model.max_seq_length), strategy="longest_first",
                          direction=hf.truncation_side)
    tok.enable_padding(direction=hf.padding_side, pad_id=hf.pad_token_id, pad_type_id=hf.pad_token_type_id,
                       pad_token=hf.pad_token)
    return mode, tok


def _reference_ids(model: Any) -> Mapping[str, Any]:
    # sentence-transformers >= 6 calls it preprocess (tokenize still works, with a warning)
    return (getattr(model, "preprocess", None) or model.tokenize)(list(PROBES))


def _agrees(light: LightEncoder, ids: Mapping[str, Any], reference: Callable[[list[str]], np.ndarray],
            batch_size: int) -> bool:
    mine = light.features(PROBES)
    for node in light._session.get_inputs():
        theirs = ids.get(node.name)
        if theirs is None or not np.array_equal(mine[node.name], np.asarray(theirs)):
            return False
    return bool(np.allclose(light.encode(PROBES, batch_size), reference(list(PROBES)), atol=1e-5))
