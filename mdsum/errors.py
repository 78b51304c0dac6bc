"""Errors a user can act on: each message names the bad file or value and says what to do."""

from __future__ import annotations


class MdsumError(Exception):
    """Base class: the CLI prints the message on one line and exits non-zero."""


class ConfigError(MdsumError):
    """A config file or value is invalid."""


class InputError(MdsumError):
    """The input folder or a file in it cannot be used."""


class ModelError(MdsumError):
    """A model path or id cannot be loaded."""


class OutputError(MdsumError):
    """An output cannot be written."""
