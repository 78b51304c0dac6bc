"""Raw scraped pages: repeated and glued headlines, outlet tails, datelines and credit lines.

A page copied from a browser carries its headline two or three times (once glued onto the lead), an outlet
in a ``| (Outlet)`` title tail, a ``WASHINGTON — (CNN)`` dateline or a closing ``(Outlet)`` line. These rules
take the outlet from where the text names it and leave the body with sentences only. They are general
(they hold for any page), never tied to a file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# An outlet as pages print it: 1-5 words, starting with a capital ("CNN", "RIA Novosti", "The Associated Press").
_OUTLET = r"[A-Z][A-Za-z&.'’-]*(?: [A-Za-z&.'’-]+){0,4}"
_DASH = r"(?:[—–]|--?)"
# "WASHINGTON — (CNN)", "LONDON (Reuters) -", "MOSCOW, Oct. 2 (AP) —", "(CNN)": at the very start of the body.
_DATELINE_OUTLET = re.compile(
    rf"^(?:[A-Z][A-Z.'’ -]{{1,40}}?(?:,\s*[A-Z][\w.]*(?: \d{{1,2}})?)?\s*{_DASH}?\s*)?"
    rf"\((?P<outlet>{_OUTLET})\)[ \t]*{_DASH}?[ \t]*(?=\S)"
)
# "WASHINGTON — " with no outlet: a place in capitals and a dash before the lead.
_DATELINE_PLACE = re.compile(r"^[A-Z][A-Z.'’]+(?: [A-Z][A-Z.'’]+){0,3}(?:,\s*[A-Z][\w.]*(?: \d{1,2})?)?"
                             r"\s+[—–]\s+(?=\S)")
_OUTLET_LINE = re.compile(rf"^\((?P<outlet>{_OUTLET})\)$")  # a credit line that is only "(RIA Novosti)"
_NOT_OUTLETS = frozenset({"updated", "update", "video", "photo", "photos", "audio", "file", "continued", "more",
                          "advertisement", "opinion", "analysis", "live", "watch", "listen"})
_TITLE_TAIL = re.compile(rf"^(?P<head>.*\S)\s+\|\s+\(?(?P<outlet>{_OUTLET})\)?$")  # "Headline | (RIA Novosti)"


@dataclass(frozen=True)
class Page:
    """A page's body with its headline and outlet, as far as the text names them."""

    body: str
    title: str | None
    outlet: str | None


def split_title_tail(title: str | None) -> tuple[str | None, str | None]:
    """``"Jets strike targets | (RIA Novosti)"`` → ``("Jets strike targets", "RIA Novosti")``."""
    if not title:
        return title, None
    m = _TITLE_TAIL.match(title.strip())
    return (m.group("head"), m.group("outlet")) if m else (title, None)


def _norm(s: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", s.lower()).split())


def tidy_page(body: str, title: str | None) -> Page:
    """Drop repeated headline lines and credit lines, unglue the headline from the lead, take the outlet from a
    title tail, a dateline or a closing ``(Outlet)`` line, and strip the dateline from the lead."""
    title, outlet = split_title_tail(title)
    head = _norm(title) if title else ""
    lines: list[str] = []
    for line in body.split("\n"):
        s = line.strip()
        m = _OUTLET_LINE.match(s)
        if m and m.group("outlet").lower() not in _NOT_OUTLETS:
            outlet = outlet or m.group("outlet")
            continue
        if head and s:
            if _norm(s) == head or _norm(split_title_tail(s)[0] or "") == head:
                continue  # the headline again
            if s.startswith(title) and s[len(title):len(title) + 2].strip()[:1].isupper():  # type: ignore[arg-type]
                line = s[len(title):].lstrip()  # headline glued onto the lead: "… raids Russia continued …"
        lines.append(line)
    text = "\n".join(lines).strip()
    text = re.sub(r"\n{3,}", "\n\n", text)
    m = _DATELINE_OUTLET.match(text)
    if m and m.group("outlet").lower() not in _NOT_OUTLETS:
        outlet = outlet or m.group("outlet")
        text = text[m.end():]
    else:
        m = _DATELINE_PLACE.match(text)
        if m:
            text = text[m.end():]
    return Page(body=text, title=title, outlet=outlet)
