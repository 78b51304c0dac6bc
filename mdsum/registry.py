"""Versioned component names (``mdsum.mmr_ranker.v1``) mapped to classes.

Stages register their classes with :func:`register`; configs select them by name.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
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


def get(slot: str, name: str) -> type:
    """The class registered as ``name`` in ``slot``; an unknown name lists the known ones."""
    known = _REGISTRY.get(slot, {})
    if name not in known:
        hint = difflib.get_close_matches(name, list(known), n=1)
        did_you_mean = f" Did you mean {hint[0]!r}?" if hint else ""
        raise ConfigError(
            f"unknown {slot} {name!r}.{did_you_mean} Known {slot} names: {', '.join(sorted(known)) or '(none)'}"
        )
    return known[name]


def names(slot: str) -> list[str]:
    return sorted(_REGISTRY.get(slot, {}))


def slots() -> list[str]:
    return sorted(_REGISTRY)
