"""YAML config → validated :class:`Config`; components built from registered, versioned names.

Every section selects a component by ``name``; the other keys are that component's constructor arguments.
Unknown keys are errors that name the key and list the allowed ones.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mdsum import registry
from mdsum.errors import ConfigError

# Pipeline slots in data-flow order; each is one config section.
SLOTS: tuple[str, ...] = (
    "reader",
    "segmenter",
    "embedder",
    "clusterer",
    "grouper",
    "ranker",
    "fuser",
    "checker",
)
TOP_LEVEL_KEYS: tuple[str, ...] = (*SLOTS, "seed")


@dataclass(frozen=True)
class ComponentSpec:
    """A registered name and its constructor arguments (plain YAML values)."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)


@dataclass(frozen=True)
class Config:
    components: tuple[tuple[str, ComponentSpec], ...]
    seed: int = 0
    origin: str = "<dict>"

    def spec(self, slot: str) -> ComponentSpec:
        return dict(self.components)[slot]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {slot: {"name": s.name, **s.kwargs} for slot, s in self.components}
        out["seed"] = self.seed
        return out

    def hash(self) -> str:
        """Stable digest of the effective settings (not of the file's formatting)."""
        blob = json.dumps(self.to_dict(), sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> Config:
        """A copy with some sections' keys replaced, e.g. ``{"ranker": {"max_words": 100}}``."""
        merged = self.to_dict()
        for slot, values in overrides.items():
            if slot not in SLOTS:
                raise ConfigError(_unknown("section", slot, SLOTS, "override"))
            merged[slot] = {**merged[slot], **values}
        return parse_config(merged, origin=f"{self.origin} (+overrides)")


def _unknown(kind: str, key: str, allowed: tuple[str, ...] | list[str], where: str) -> str:
    return f"unknown {kind} {key!r} in {where}; allowed: {', '.join(allowed)}"


def default_config_text() -> str:
    return resources.files("mdsum").joinpath("default.yaml").read_text(encoding="utf-8")


def parse_config(data: Any, origin: str = "<dict>") -> Config:
    """Validate the config's shape. Component arguments are checked when components are built."""
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: a config must be a mapping of sections, got {type(data).__name__}")
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(_unknown("key", key, TOP_LEVEL_KEYS, origin))
    missing = [s for s in SLOTS if s not in data]
    if missing:
        raise ConfigError(f"{origin}: missing section(s) {', '.join(missing)}; every config needs {', '.join(SLOTS)}")
    seed = data.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ConfigError(f"{origin}: 'seed' must be an integer, got {seed!r}")
    comps = []
    for slot in SLOTS:
        section = data[slot]
        if not isinstance(section, dict) or not isinstance(section.get("name"), str):
            raise ConfigError(f"{origin}: section {slot!r} needs a 'name' naming a registered {slot}")
        params = tuple(sorted((k, v) for k, v in section.items() if k != "name"))
        comps.append((slot, ComponentSpec(section["name"], params)))
    return Config(tuple(comps), seed=seed, origin=origin)


def load_config(path: str | Path | None = None) -> Config:
    """Read a YAML config; ``None`` gives the packaged default."""
    if path is None:
        return parse_config(yaml.safe_load(default_config_text()), origin="default config")
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {p}; pass an existing YAML file (see configs/)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"cannot read config file {p}: {e}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise ConfigError(f"{p} is not valid YAML: {str(e).splitlines()[0]}") from None
    return parse_config(data, origin=str(p))


def allowed_params(cls: type) -> list[str]:
    sig = inspect.signature(cls.__init__)
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [n for n, p in sig.parameters.items() if n != "self" and p.kind in kinds]


def build(slot: str, spec: ComponentSpec, seed: int | None = None) -> Any:
    """Instantiate the registered component; unknown arguments name the key and list the allowed ones."""
    cls = registry.get(slot, spec.name)
    allowed = allowed_params(cls)
    kwargs = spec.kwargs
    for key in kwargs:
        if key not in allowed:
            raise ConfigError(_unknown("key", key, allowed or ["(none)"], f"section {slot!r} ({spec.name})"))
    if seed is not None and "seed" in allowed and "seed" not in kwargs:
        kwargs["seed"] = seed
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as e:
        raise ConfigError(f"section {slot!r} ({spec.name}): {e}") from None
