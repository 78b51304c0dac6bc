"""The encoders' ONNX exports run without sentence-transformers, transformers or torch: a recorded, checked path.

Why: importing sentence-transformers costs about 8 s and 0.5 GB in a process, a third of clustering 4,700
articles on 2 cores (issue 14), and transformers + torch about 3 s of a cold ``mdsum summarize seeds/``. For the
common forms of model, ONNX Runtime and the model's own fast tokenizer (``tokenizers``) compute the same numbers:
the embedder's (a transformer, then mean or CLS pooling, then optionally a normalisation: :class:`LightEncoder`)
and the checker's (a sequence-classification head read as one class's probability: :class:`LightCrossEncoder`).

Nothing is assumed. A full load (:mod:`mdsum.onnx_runtime`) builds the light twin from the loaded model's
tokenizer, compares the two on probe texts (identical token ids; numbers within 1e-5) and only then records the
twin under ``$MDSUM_CACHE/onnx-light/<key>`` (``manifest.json`` + ``tokenizer.json``). The key hashes the model
folder's file names, sizes and modification times, the settings and the library versions, so a changed model,
setting or library is checked again by a full load. A hub id (files known only after a hub lookup) or a record
that cannot be read takes the full load.
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
# Pairs: the same texts against each other, with both sides (and each alone) past the length limit.
PAIR_PROBES = (*zip(PROBES, PROBES[::-1]), (PROBES[5], PROBES[5] + " again"), (PROBES[0], PROBES[5]))


# --- the record: where it lives, how it is read and written ---------------------------------------------------

def record_folder(path: str, settings: Mapping[str, Any]) -> Path | None:
    """``$MDSUM_CACHE/onnx-light/<key>`` for a local model folder and ``settings``; None for a hub id."""
    model = Path(path)
    if not model.is_dir():
        return None
    versions = {}
    for lib in LIBRARIES:
        try:
            versions[lib] = metadata.version(lib)
        except metadata.PackageNotFoundError:
            versions[lib] = None
    h = hashlib.sha256(json.dumps({"format": FORMAT, "model": str(model.resolve()), "settings": dict(settings),
                                   "versions": versions}, sort_keys=True).encode())
    for f in sorted(model.rglob("*")):
        if f.is_file():
            st = f.stat()
            h.update(f"{f.relative_to(model).as_posix()}|{st.st_size}|{st.st_mtime_ns}\n".encode())
    return cache_root() / "onnx-light" / h.hexdigest()[:16]


def read_record(folder: Path | None) -> tuple[dict[str, Any], Any, Any] | None:
    """(manifest, tokenizer, session) of a record, or None: not recorded, or damaged (then recorded again)."""
    if folder is None:
        return None
    try:
        from tokenizers import Tokenizer

        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        session = onnx_runtime.open_session(cache_root() / "onnx" / manifest["export"])
    except Exception:  # noqa: BLE001 - anything unreadable means "not recorded"
        return None
    return manifest, tokenizer, session


def write_record(folder: Path, manifest: Mapping[str, Any], tokenizer: Any) -> None:
    def write(scratch: Path) -> Path:
        (scratch / "light").mkdir()
        tokenizer.save(str(scratch / "light" / "tokenizer.json"))
        (scratch / "light" / "manifest.json").write_text(json.dumps(dict(manifest)), encoding="utf-8")
        return scratch / "light"

    shutil.rmtree(folder, ignore_errors=True)  # a damaged record that read_record could not read
    build_once(folder, "manifest.json", write)


def backend_tokenizer(hf: Any, max_length: int) -> Any | None:
    """``hf``'s own ``tokenizers`` tokenizer, truncating (longest side first) and padding as ``hf`` does when
    called with ``padding=True, truncation="longest_first", max_length=max_length``; None without one."""
    from tokenizers import Tokenizer

    backend = getattr(hf, "backend_tokenizer", None)
    if backend is None or hf.pad_token_id is None:
        return None
    tok = Tokenizer.from_str(backend.to_str())
    tok.enable_truncation(max_length=int(max_length), strategy="longest_first", direction=hf.truncation_side)
    tok.enable_padding(direction=hf.padding_side, pad_id=hf.pad_token_id, pad_type_id=hf.pad_token_type_id,
                       pad_token=hf.pad_token)
    return tok


def features(tokenizer: Any, inputs: Sequence[Any]) -> dict[str, np.ndarray]:
    """Token ids, attention mask and type ids of texts or (text, text) pairs, padded to the longest."""
    return _arrays(tokenizer.encode_batch(list(inputs)))


def _arrays(enc: Sequence[Any]) -> dict[str, np.ndarray]:
    return {"input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64)}


def same_length_batches(lengths: Sequence[int], cap: int) -> list[np.ndarray]:
    """Indices grouped by token length, shortest first, at most ``cap`` per group: batches with no padding.

    Why: on the CPU a row's numbers do not depend on its batch-mates or on padding (ONNX Runtime: identical to the
    last bit, measured), but padding is compute spent for nothing; sorting by characters, as sentence-transformers
    does, still padded the seeds/ checker pairs by 64 %. Batches of one length embed 800 sentences in 3.8-4.0 s
    against 6.5 s for 16 texts sorted by characters (docs/benchmarks.md, session 14).
    """
    order = np.argsort(np.asarray(lengths, dtype=np.int64), kind="stable")
    cuts = [i for i in range(1, len(order)) if lengths[order[i]] != lengths[order[i - 1]]]
    return [part[k:k + cap] for part in np.split(order, cuts) for k in range(0, len(part), cap)]


def unpadded(tokenizer: Any) -> Any:
    """A copy of ``tokenizer`` (truncation kept) that does not pad: batches of one length need no padding, so each
    input is tokenized once, by this copy, for both its length and its batch."""
    from tokenizers import Tokenizer

    copy = Tokenizer.from_str(tokenizer.to_str())
    copy.no_padding()
    return copy


def by_length(tokenizer: Any, inputs: Sequence[Any], cap: int, run: Callable[[dict[str, np.ndarray]], np.ndarray],
              out: np.ndarray) -> np.ndarray:
    """``out`` (a row per input, in order) filled with ``run``'s rows, computed in batches of one token length
    (:func:`same_length_batches`), each input tokenized once by the unpadded ``tokenizer``."""
    enc = tokenizer.encode_batch(list(inputs))
    for idx in same_length_batches([len(e.ids) for e in enc], cap):
        out[idx] = run(_arrays([enc[i] for i in idx]))
    return out


def _ids_agree(session: Any, mine: Mapping[str, np.ndarray], theirs: Mapping[str, Any]) -> bool:
    for node in session.get_inputs():
        other = theirs.get(node.name)
        if other is None or not np.array_equal(mine[node.name], np.asarray(other)):
            return False
    return True


def _record_checked(folder: Path | None, export: Path, build: Callable[[], tuple[Any, Mapping[str, Any]] | None],
                    agrees: Callable[[Any], bool]) -> Any | None:
    """``build()``'s light twin, written as a record once ``agrees(twin)``; None otherwise. An unusual model keeps
    the full path: this one only saves time, so any failure in it is a None."""
    if folder is None or export.parent != cache_root() / "onnx":
        return None
    try:
        built = build()
        if built is None or not agrees(built[0]):
            return None
    except Exception:  # noqa: BLE001 - see the docstring
        return None
    twin, manifest = built
    write_record(folder, manifest, twin.tokenizer)
    return twin


# --- the embedder's twin --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EncoderManifest:
    export: str  # the export's folder name under $MDSUM_CACHE/onnx
    pooling: str  # one of POOLING
    dim: int
    one_per_call: bool  # int8: a text's vector must not depend on its batch-mates (see the embedder)


class LightEncoder:
    """Unit-normalised float32 vectors from a recorded model: ``tokenizers`` → ONNX Runtime → pooling."""

    def __init__(self, manifest: EncoderManifest, tokenizer: Any, session: Any) -> None:
        self.manifest = manifest
        self.tokenizer = tokenizer  # truncation and padding are part of its saved state
        self._unpadded = unpadded(tokenizer)
        self._session = session

    @property
    def dim(self) -> int:
        return self.manifest.dim

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        """Rows in the input order; computed in batches of one token length (:func:`same_length_batches`)."""
        step = 1 if self.manifest.one_per_call else batch_size
        return by_length(self._unpadded, texts, step, self._vectors, np.zeros((len(texts), self.dim), np.float32))

    def _vectors(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        tokens = onnx_runtime.run(self._session, feats)
        if self.manifest.pooling == "cls":
            pooled = tokens[:, 0]
        else:  # sentence-transformers' mean: padding masked out, the count clamped as it does
            mask = feats["attention_mask"][..., None].astype(tokens.dtype)
            pooled = (tokens * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _encoder_settings(max_seq_length: int, quantize: str) -> dict[str, Any]:
    return {"kind": "encoder", "max_seq_length": max_seq_length, "quantize": quantize}


def recorded_encoder(path: str, max_seq_length: int, quantize: str) -> LightEncoder | None:
    read = read_record(record_folder(path, _encoder_settings(max_seq_length, quantize)))
    return None if read is None else LightEncoder(EncoderManifest(**read[0]), read[1], read[2])


def record_encoder(path: str, max_seq_length: int, quantize: str, model: Any, export: Path, session: Any,
                   reference: Callable[[list[str]], np.ndarray], batch_size: int) -> LightEncoder | None:
    """The twin of ``model`` (a loaded SentenceTransformer whose transformer runs as ``session`` from
    ``export``), recorded once it agrees with ``reference`` (the full encoder) on :data:`PROBES`."""
    def build() -> tuple[LightEncoder, Mapping[str, Any]] | None:
        pooling = _pooling(model)
        tokenizer = backend_tokenizer(getattr(model, "tokenizer", None), model.max_seq_length)
        if pooling is None or tokenizer is None:
            return None
        manifest = EncoderManifest(export=export.name, pooling=pooling, dim=int(reference(["x"]).shape[1]),
                                   one_per_call=quantize == "int8")
        return LightEncoder(manifest, tokenizer, session), asdict(manifest)

    def agrees(twin: LightEncoder) -> bool:
        # sentence-transformers >= 6 calls it preprocess (tokenize still works, with a warning)
        theirs = (getattr(model, "preprocess", None) or model.tokenize)(list(PROBES))
        return _ids_agree(session, features(twin.tokenizer, PROBES), theirs) and bool(
            np.allclose(twin.encode(PROBES, batch_size), reference(list(PROBES)), atol=1e-5))

    return _record_checked(record_folder(path, _encoder_settings(max_seq_length, quantize)), export, build, agrees)


def _pooling(model: Any) -> str | None:
    """The pooling of a transformer → pooling (→ normalisation) model, when it is one of :data:`POOLING`."""
    modules = list(model)
    kinds = [type(m).__name__ for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or kinds[2:] not in ([], ["Normalize"]):
        return None
    pool = modules[1]
    mode = (pool.get_pooling_mode_str() if hasattr(pool, "get_pooling_mode_str")  # sentence-transformers < 6
            else pool.get_config_dict().get("pooling_mode"))
    return mode if mode in POOLING else None


# --- the checker's twin ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CrossEncoderManifest:
    export: str  # the export's folder name under $MDSUM_CACHE/onnx
    index: int  # the supported class's logit; -1: a one-logit head read as a sigmoid


class LightCrossEncoder:
    """The supported class's probability for (premise, claim) pairs: ``tokenizers`` → ONNX Runtime → softmax."""

    def __init__(self, manifest: CrossEncoderManifest, tokenizer: Any, session: Any) -> None:
        self.manifest = manifest
        self.tokenizer = tokenizer
        self._unpadded = unpadded(tokenizer)
        self._session = session

    def score(self, pairs: Sequence[tuple[str, str]], cap: int) -> np.ndarray:
        """Every pair's probability, in order, computed in batches of one token length of at most ``cap``."""
        return by_length(self._unpadded, pairs, cap, self._probability, np.zeros(len(pairs), np.float32))

    def _probability(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        return probability(onnx_runtime.run(self._session, feats).astype(np.float32), self.manifest.index)


def probability(logits: np.ndarray, index: int) -> np.ndarray:
    """Class ``index``'s softmax probability per row (``-1``: the sigmoid of a one-logit head)."""
    if index < 0:
        return (1.0 / (1.0 + np.exp(-logits[:, 0]))).astype(np.float32)
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return (shifted[:, index] / shifted.sum(axis=-1)).astype(np.float32)


def recorded_cross_encoder(path: str, settings: Mapping[str, Any]) -> LightCrossEncoder | None:
    read = read_record(record_folder(path, {"kind": "cross-encoder", **settings}))
    return None if read is None else LightCrossEncoder(CrossEncoderManifest(**read[0]), read[1], read[2])


def record_cross_encoder(path: str, settings: Mapping[str, Any], hf_tokenizer: Any, max_length: int, index: int,
                         export: Path, session: Any,
                         reference: Callable[[list[tuple[str, str]]], np.ndarray]) -> LightCrossEncoder | None:
    """The twin of a checker whose model runs as ``session`` from ``export``, recorded once it agrees with
    ``reference`` (the full scorer's probabilities) on :data:`PAIR_PROBES`."""
    def build() -> tuple[LightCrossEncoder, Mapping[str, Any]] | None:
        tokenizer = backend_tokenizer(hf_tokenizer, max_length)
        if tokenizer is None:
            return None
        manifest = CrossEncoderManifest(export=export.name, index=index)
        return LightCrossEncoder(manifest, tokenizer, session), asdict(manifest)

    def agrees(twin: LightCrossEncoder) -> bool:
        theirs = hf_tokenizer([p for p, _ in PAIR_PROBES], [h for _, h in PAIR_PROBES], padding=True,
                              truncation="longest_first", max_length=max_length, return_tensors="np")
        return _ids_agree(session, features(twin.tokenizer, PAIR_PROBES), theirs) and bool(
            np.allclose(twin.score(PAIR_PROBES, len(PAIR_PROBES)), reference(list(PAIR_PROBES)), atol=1e-5))

    return _record_checked(record_folder(path, {"kind": "cross-encoder", **settings}), export, build, agrees)
