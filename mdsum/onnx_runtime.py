"""ONNX Runtime for the encoder models (the embedder's transformer, the checker's cross-encoder) on the CPU.

Why: on 2 idle CPU cores ONNX Runtime runs MiniLM as fast as eager torch, but when the cores are shared with other
work it keeps about 3x torch's speed (torch's OpenMP threads lose most of theirs), with the same numbers to
float32 rounding (docs/benchmarks.md, "Encoders on ONNX Runtime"). The torch module is exported once with
``torch.onnx.export`` into ``$MDSUM_CACHE/onnx/<key>``, where the key hashes the weights themselves (any hub id,
local folder or fine-tune gets its own export) and the torch/onnx versions; later loads read the cached file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from mdsum.errors import ModelError
from mdsum.models import build_once, cache_root
from mdsum.validate import one_of

RUNTIMES = ("auto", "torch", "onnx")
OPSET = 17


def check_runtime(runtime: Any) -> str:
    return one_of("runtime", runtime, RUNTIMES)


def onnx_available() -> bool:
    """Exporting needs ``onnx``, running needs ``onnxruntime`` (both in mdsum's dependencies)."""
    return all(importlib.util.find_spec(m) is not None for m in ("onnxruntime", "onnx"))


def pick_runtime(runtime: str, device: str) -> str:
    """``auto`` → ``onnx`` on the CPU when it is installed, else ``torch`` (CUDA stays on torch)."""
    if runtime == "auto":
        return "onnx" if device == "cpu" and onnx_available() else "torch"
    if runtime == "onnx" and device != "cpu":
        raise ModelError(f"runtime 'onnx' runs on the CPU only, but the device is {device!r}; "
                         "set device: cpu or runtime: auto")
    if runtime == "onnx" and not onnx_available():
        raise ModelError("runtime 'onnx' needs the 'onnxruntime' and 'onnx' packages: pip install onnxruntime onnx")
    return runtime


def maybe_session(runtime: str, device: str, build: Callable[[], Any]) -> Any:
    """``build()``'s ONNX session when ``runtime`` resolves to onnx, else None. Under ``auto`` a model that cannot
    be exported or loaded runs on torch instead, with a warning; an explicit ``onnx`` raises."""
    if pick_runtime(runtime, device) != "onnx":
        return None
    try:
        return build()
    except ModelError as e:
        if runtime != "auto":
            raise
        warnings.warn(f"{e}; running it on torch instead", RuntimeWarning, stacklevel=3)
        return None


def _named(model: Any, names: Sequence[str], output: str) -> Any:
    """``model`` behind ONNX's positional inputs: they become its keyword arguments; one output tensor comes out."""
    import torch

    class Named(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *args: Any) -> Any:
            return getattr(self.model(**dict(zip(names, args, strict=True)), return_dict=True), output)

    return Named()


def weights_key(model: Any, extra: Mapping[str, Any]) -> str:
    """A short hash of every parameter and buffer, plus ``extra`` (what is exported, library versions)."""
    import torch

    versions = {"torch": torch.__version__, "onnx": metadata.version("onnx"), "opset": OPSET}  # no onnx import
    h = hashlib.sha256(json.dumps({**extra, **versions}, sort_keys=True).encode())
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(memoryview(tensor.detach().to("cpu").contiguous().view(torch.uint8).numpy()))  # no copy
    return h.hexdigest()[:16]


def export(model: Any, example: Mapping[str, Any], output: str, what: str, quantize: str = "none") -> Path:
    """The folder holding ``model.onnx``: ``model(**inputs).<output>`` for the inputs named in ``example``.

    ``example`` holds a tokenizer's torch tensors (batch and sequence axes are dynamic). The export is cached
    under the weights' hash. ``quantize="int8"`` gives :func:`quantized` of the export instead.
    """
    import torch

    names = list(example)
    folder = cache_root() / "onnx" / weights_key(model, {"inputs": names, "output": output,
                                                            "class": type(model).__name__})

    def build(scratch: Path) -> Path:
        (scratch / "onnx").mkdir()
        axes = {n: {0: "batch", 1: "sequence"} for n in [*names, output]}
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the tracer's notes on shapes it specialises are not the user's concern
            torch.onnx.export(_named(model.eval(), names, output), tuple(example[n] for n in names),
                              str(scratch / "onnx" / "model.onnx"), input_names=names, output_names=[output],
                              dynamic_axes=axes, opset_version=OPSET, dynamo=False)
        return scratch / "onnx"

    try:
        path = build_once(folder, "model.onnx", build)
    except Exception as e:  # noqa: BLE001 - an export failure becomes one clear message
        raise ModelError(f"cannot export the {what} to ONNX ({type(e).__name__}: {e}); "
                         "set runtime: torch") from None
    return quantized(path, what) if quantize == "int8" else path


def open_session(folder: Path) -> Any:
    """A CPU session on ``folder/model.onnx``; a damaged cache file is a ModelError naming it. Threads: torch's
    count when torch is loaded (it follows OMP_NUM_THREADS), else OMP_NUM_THREADS, else ONNX Runtime's own default
    (the physical cores, as torch's)."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = default_threads()
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    try:
        return ort.InferenceSession(str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
    except Exception as e:  # noqa: BLE001 - a damaged or truncated cache file
        raise ModelError(f"cannot load the ONNX export {folder / 'model.onnx'} ({type(e).__name__}: {e}); "
                         "delete that folder to export again") from None


def default_threads() -> int:
    """Threads for a session: as torch's (see :func:`open_session`); 0 lets ONNX Runtime choose."""
    if "torch" in sys.modules:
        return int(sys.modules["torch"].get_num_threads())
    value = os.environ.get("OMP_NUM_THREADS", "")
    return int(value) if value.isdigit() else 0


def quantized(folder: Path, what: str) -> Path:
    """``folder/model.onnx`` with int8 weights: dynamic quantization (activations quantized on the fly) of the
    MatMul nodes, one scale per output channel, cached beside the float export.

    Why this variant: on MiniLM it is 1.9x the float rate on 2 cores with a cosine of 0.993 to the float vectors;
    quantizing every node, unsigned weights or one scale per tensor were slower or further off (docs/benchmarks.md,
    "An int8 embedder").
    """
    import logging

    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    target = folder.with_name(f"{folder.name}-int8-ort{ort.__version__}")  # the quantizer's output may change

    def build(scratch: Path) -> Path:
        (scratch / "onnx").mkdir()
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)  # it logs advice on pre-processing to the root logger
        try:
            quantize_dynamic(folder / "model.onnx", scratch / "onnx" / "model.onnx", weight_type=QuantType.QInt8,
                             per_channel=True, op_types_to_quantize=["MatMul"])
        finally:
            root.setLevel(level)
        return scratch / "onnx"

    try:
        return build_once(target, "model.onnx", build)
    except Exception as e:  # noqa: BLE001 - a quantizer failure becomes one clear message
        raise ModelError(f"cannot quantize the {what} to int8 ({type(e).__name__}: {e}); set quantize: none") from None


def run(sess: Any, inputs: Mapping[str, Any]) -> np.ndarray:
    """One forward pass: the session's inputs taken from a tokenizer's output (torch or numpy), as int64."""
    feed = {}
    for node in sess.get_inputs():
        value = inputs[node.name]
        feed[node.name] = np.asarray(value.numpy() if hasattr(value, "numpy") else value, dtype=np.int64)
    return sess.run(None, feed)[0]
