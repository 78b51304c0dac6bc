"""Versioned component names (``mdsum.mmr_ranker.v1``) mapped to classes, per pipeline slot.

Two ways in, one lookup:
- **entry points** (group ``mdsum.<slot>``, e.g. ``mdsum.fuser``): how mdsum lists its own components in
  pyproject.toml and how a plug-in package adds one; the module is imported only when the name is used;
- :func:`register`, a class decorator, for components defined at run time (a notebook, a test).
Nothing is registered by importing mdsum.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import TypeVar

from mdsum.errors import ConfigError

T = TypeVar("T", bound=type)

_REGISTRY: dict[str, dict[str, type]] = {}


def register(slot: str, name: str) -> Callable[[T], T]:
    """Class decorator: make ``name`` selectable in the config section ``slot``."""

    def deco(cls: T) -> T:
        known = _REGISTRY.setdefault(slot, {})
        if name in known and known[name] is not cls:
            raise ValueError(f"component name {name!r} registered twice in slot {slot!r}")
        known[name] = cls
        cls.registered_name = name  # type: ignore[attr-defined]
        return cls

    return deco


def _entry_points(slot: str) -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=f"mdsum.{slot}")}


def get(slot: str, name: str) -> type:
    """The class registered as ``name`` in ``slot``; an unknown name lists the known ones."""
    known = _REGISTRY.get(slot, {})
    if name in known:
        return known[name]
    ep = _entry_points(slot).get(name)
    if ep is None:
        hint = difflib.get_close_matches(name, names(slot), n=1)
        did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ConfigError(
            f"unknown {slot} {name!r}.{did_you_mean} Known {slot} names: {', '.join(names(slot)) or '(none)'}"
        )
    try:
        cls = ep.load()  # type: ignore[attr-defined]
    except Exception as e:  # noqa: BLE001 - a broken plug-in must say which one
        raise ConfigError(f"cannot load {slot} {name!r} from {ep.value}: {type(e).__name__}: {e}") from None  # type: ignore[attr-defined]
    return _REGISTRY.setdefault(slot, {}).setdefault(name, cls)


def names(slot: str) -> list[str]:
    return sorted(set(_REGISTRY.get(slot, {})) | set(_entry_points(slot)))


def slots() -> list[str]:
    groups = {g[len("mdsum."):] for g in entry_points().groups if g.startswith("mdsum.")}
    return sorted(groups | set(_REGISTRY))
