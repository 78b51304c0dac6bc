"""An article's header: a leading title line and a ``By X | Outlet | Date`` byline; dates as ISO dates."""

from __future__ import annotations

import re
from datetime import datetime

_BYLINE = re.compile(r"^by\s+\S.*$", re.IGNORECASE)
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


def iso_date(value: str | None) -> str | None:
    """``"March 16, 2026"`` → ``"2026-03-16"``; a value no known format fits is kept as written."""
    if not value:
        return None
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[T ]", value)  # ISO timestamp: the date is enough for a source list
    return m.group(1) if m else value


def parse_header(text: str, allow_title: bool = True) -> tuple[str, str | None, str | None, str | None]:
    """Split a leading title line and a ``By X | Outlet | Date`` byline off ``text``.

    Returns ``(body, title, source, date)``. A first line counts as a title only when it is short, does not end
    like a sentence, and is followed by a blank line or a byline, so a first paragraph is never taken for one.
    """
    lines = text.split("\n")
    i, title, source, date = 0, None, None, None
    if allow_title and len(lines) > 2 and _looks_like_title(lines[0]):
        follower = lines[1]
        if not follower.strip() or _BYLINE.match(follower.strip()):
            title, i = lines[0].strip(), 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines) and _BYLINE.match(lines[i].strip()) and len(lines[i].split()) <= 25:
        source, date = _parse_byline(lines[i].strip())
        i += 1
    return "\n".join(lines[i:]).strip(), title, source, date


def _looks_like_title(line: str) -> bool:
    s = line.strip()
    return (0 < len(s.split()) <= 25 and any(c.isalpha() for c in s) and s[-1] not in ".,;:"
            and not _BYLINE.match(s))


def _parse_byline(line: str) -> tuple[str | None, str | None]:
    parts = [p.strip() for p in re.split(r"\s*[|•]\s*", line) if p.strip()]
    source = parts[1] if len(parts) > 1 else None
    date = iso_date(parts[2]) if len(parts) > 2 else None
    return source, date


__all__ = ["parse_header", "iso_date"]
