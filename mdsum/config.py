"""YAML config → validated, filled-in :class:`Config`; components built from registered, versioned names.

Every section selects a component by ``name``; the other keys are that component's constructor arguments.
A config file names only what it changes: the rest comes from the packaged default, and every argument left
out gets the component's default, so the config (and its hash) is the complete effective setting. Unknown
keys are errors that name the key and list the allowed ones, when the config is read, before any work.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mdsum import registry
from mdsum.errors import ConfigError

# Pipeline slots in data-flow order; each is one config section.
SLOTS: tuple[str, ...] = (
    "reader", "segmenter", "embedder", "cluster_embedder", "clusterer",
    "filter", "grouper", "ranker", "fuser", "attributor", "verifier", "budget",
)
# Slots that choose among another slot's registered components: ``cluster_embedder`` (the vectors clustering
# reads, embedded by ``prepare``) is any embedder; ``embedder`` owns the per-story sentence vectors.
REGISTRY_SLOT: dict[str, str] = {"cluster_embedder": "embedder"}
# ... and may name that slot instead of a section (``cluster_embedder: embedder``): the very same component,
# following every change to it (one model, and a story reuses the vectors ``prepare`` made).
SAME_AS: dict[str, str] = {"cluster_embedder": "embedder"}
TOP_LEVEL_KEYS: tuple[str, ...] = (*SLOTS, "seed")
# Keys that moved when the per-story chain got one stage per decision (0.1 → 0.2): say where they went.
MOVED: dict[tuple[str, str], str] = {
    ("ranker", "max_words"): "budget.max_words",
    ("ranker", "max_sentences"): "budget.max_sentences",
    ("ranker", "min_sentence_words"): "filter.min_words",
    ("ranker", "max_sentence_words"): "filter.max_words",
    ("checker", "*"): "verifier (scorer, threshold, window) and attributor (corroborate → enabled, "
                      "corroborate_min_overlap → min_overlap)",
}
# Arguments that are themselves components: (slot, argument) → the nested slot.
NESTED: dict[tuple[str, str], str] = {("verifier", "scorer"): "scorer", ("clusterer", "small"): "clusterer",
                                      ("clusterer", "large"): "clusterer"}


@dataclass(frozen=True)
class ComponentSpec:
    """A registered name and its constructor arguments (plain YAML values)."""

    name: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.params)

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, **self.kwargs}


@dataclass(frozen=True)
class Config:
    components: tuple[tuple[str, ComponentSpec], ...]
    seed: int = 0
    origin: str = "<dict>"

    def spec(self, slot: str) -> ComponentSpec:
        return dict(self.components)[slot]

    def to_dict(self) -> dict[str, Any]:
        specs = dict(self.components)
        out: dict[str, Any] = {slot: SAME_AS[slot] if slot in SAME_AS and s == specs[SAME_AS[slot]] else s.as_dict()
                               for slot, s in self.components}
        out["seed"] = self.seed
        return out

    def hash(self) -> str:
        """Stable digest of the effective settings: every argument filled in, so a changed code default
        changes it too (not the file's formatting). A slot that is another slot's very component
        (``cluster_embedder: embedder``) adds nothing: such a config hashes as it did before the slot existed."""
        settings = {k: v for k, v in self.to_dict().items() if not (k in SAME_AS and v == SAME_AS[k])}
        blob = json.dumps(settings, sort_keys=True, default=str).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> Config:
        """A copy with some sections' keys replaced, e.g. ``{"ranker": {"max_words": 100}}``."""
        for slot in overrides:
            if slot not in SLOTS:
                raise ConfigError(_unknown("section", slot, SLOTS, "override"))
        return parse_config(overrides, origin=f"{self.origin} (+overrides)", base=self.to_dict())

    def to_yaml(self) -> str:
        """The effective config as YAML (what ``mdsum config show`` prints); loading it gives the same hash."""
        return yaml.safe_dump(self.to_dict(), sort_keys=False, allow_unicode=True)


def _unknown(kind: str, key: str, allowed: tuple[str, ...] | list[str], where: str) -> str:
    return f"unknown {kind} {key!r} in {where}; allowed: {', '.join(allowed)}"


def default_config_text() -> str:
    return resources.files("mdsum").joinpath("default.yaml").read_text(encoding="utf-8")


def parse_config(data: Any, origin: str = "<dict>", base: dict[str, Any] | None = None) -> Config:
    """Validate a config and fill it in: what it does not name comes from ``base`` (default: the packaged
    config), then every argument a section leaves out gets the component's own default, nested ones too.

    A section whose ``name`` is left out or equals the base's overrides only the keys it gives; a section
    naming another component starts from that component's defaults. ``cluster_embedder: embedder`` (the
    packaged default) is the embedder section itself; keys given under ``cluster_embedder`` change a copy.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: a config must be a mapping of sections, got {type(data).__name__}")
    for key in data:
        if key in MOVED or (key, "*") in MOVED:
            raise ConfigError(f"{origin}: section {key!r} is gone: it is now {MOVED[(key, '*')]}")
        if key not in TOP_LEVEL_KEYS:
            raise ConfigError(_unknown("key", key, TOP_LEVEL_KEYS, origin))
    base = _packaged() if base is None else base
    seed = data.get("seed", base.get("seed", 0))
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ConfigError(f"{origin}: 'seed' must be an integer, got {seed!r}")
    comps: list[tuple[str, ComponentSpec]] = []
    for slot in SLOTS:
        given = data.get(slot)
        if slot in SAME_AS and (given == SAME_AS[slot] or (given is None and base.get(slot) == SAME_AS[slot])):
            comps.append((slot, dict(comps)[SAME_AS[slot]]))
            continue
        base_section = base.get(slot)
        if slot in SAME_AS and base_section == SAME_AS[slot]:  # keys given change a copy of that component
            base_section = dict(comps)[SAME_AS[slot]].as_dict()
        section = _merge(slot, given, base_section, origin)
        comps.append((slot, _filled(slot, section, origin)))
    return Config(tuple(comps), seed=seed, origin=origin)


def _merge(slot: str, given: Any, base: Any, origin: str) -> dict[str, Any]:
    if given is None:
        given = {}
    if isinstance(given, str):
        given = {"name": given}
    if not isinstance(given, dict):
        raise ConfigError(f"{origin}: section {slot!r} must be a mapping with a 'name', got {given!r}")
    base = base if isinstance(base, dict) else {}
    if "name" in given and given["name"] != base.get("name"):
        merged = dict(given)
    else:
        merged = {**base, **given}
        for (outer, key), inner_slot in NESTED.items():  # a nested component merges the same way
            if outer == slot and key in given and key in base:
                merged[key] = _merge(inner_slot, given[key], base[key], origin)
    if not isinstance(merged.get("name"), str):
        raise ConfigError(f"{origin}: section {slot!r} needs a 'name' naming a registered {slot}")
    return merged


def _filled(slot: str, section: dict[str, Any], origin: str) -> ComponentSpec:
    """The section as a spec with every constructor argument present; unknown keys name the allowed ones."""
    name = section["name"]
    cls = registry.get(REGISTRY_SLOT.get(slot, slot), name)
    defaults = constructor_defaults(cls)
    params = {k: v for k, v in section.items() if k != "name"}
    for key in params:
        if key not in defaults:
            moved = MOVED.get((slot, key))
            hint = f" ({key!r} moved to {moved})" if moved else ""
            raise ConfigError(_unknown("key", key, list(defaults) or ["(none)"],
                                       f"{origin}, section {slot!r} ({name})") + hint)
    filled = {**{k: v for k, v in defaults.items() if k != "seed" and v is not _REQUIRED}, **params}
    for key, nested_slot in NESTED.items():
        if key[0] == slot and key[1] in filled:
            inner = _merge(nested_slot, filled[key[1]], None, f"{origin}, section {slot!r}")
            filled[key[1]] = _filled(nested_slot, inner, f"{origin}, section {slot!r} → {key[1]}").as_dict()
    return ComponentSpec(name, tuple(sorted(filled.items())))


_REQUIRED = object()


def constructor_defaults(cls: type) -> dict[str, Any]:
    """Argument name → default for a component class (arguments without a default map to a sentinel)."""
    sig = inspect.signature(cls.__init__)
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return {n: (_REQUIRED if p.default is inspect.Parameter.empty else p.default)
            for n, p in sig.parameters.items() if n != "self" and p.kind in kinds}


def _packaged() -> dict[str, Any]:
    return yaml.safe_load(default_config_text())


def load_config(path: str | Path | None = None) -> Config:
    """Read a YAML config; ``None`` gives the packaged default."""
    if path is None:
        return parse_config(_packaged(), origin="default config")
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
    return parse_config({} if data is None else data, origin=str(p))


def allowed_params(cls: type) -> list[str]:
    return list(constructor_defaults(cls))


def build(slot: str, spec: ComponentSpec, seed: int | None = None) -> Any:
    """Instantiate the registered component; unknown arguments name the key and list the allowed ones."""
    cls = registry.get(REGISTRY_SLOT.get(slot, slot), spec.name)
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


def component_spec(value: str | Mapping[str, Any], what: str, slot: str) -> ComponentSpec:
    """A nested component given as a registered name or ``{name: ..., <params>}``."""
    if isinstance(value, str) and value.strip():
        return ComponentSpec(value)
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        return ComponentSpec(value["name"], tuple(sorted((k, v) for k, v in value.items() if k != "name")))
    raise ValueError(f"{what} must be a registered {slot} name or a mapping with 'name', got {value!r}")
