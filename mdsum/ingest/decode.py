"""Bytes → text: UTF-8 (BOM ok), UTF-16 with a BOM, else cp1252, else latin-1; binary data is a skip.

:class:`_Skip` lives here, the lowest layer: every loader raises it for a file (or record) it cannot use.
"""

from __future__ import annotations

import codecs
import unicodedata


class _Skip(Exception):
    """A file (or record) cannot be used; the message is the manifest reason."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes → text and a repair note. UTF-8 (BOM ok), UTF-16 with BOM, else cp1252, else latin-1.

    Raises :class:`_Skip` ("binary file") for NUL bytes or mostly control characters.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, note = data.decode("utf-16"), "decoded as UTF-16"
    elif b"\x00" in data[:8192]:
        raise _Skip("binary file (contains NUL bytes)")
    else:
        text, note = _decode_8bit(data)
    sample = text[:8192]
    controls = sum(1 for c in sample if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v")
    if sample and controls / len(sample) > 0.05:
        raise _Skip("binary file (mostly control characters)")
    return text, note


def _decode_8bit(data: bytes) -> tuple[str, str | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "decoded as cp1252 (not valid UTF-8)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "decoded as latin-1 (not valid UTF-8)"


__all__ = ["decode"]
