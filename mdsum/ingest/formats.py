"""Per-format loaders: decoded text of a .txt, .md, .html, .json or .jsonl file → articles
(cleaned text, title, source, date, url; no ids yet), and :func:`clean_record` for benchmark loaders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mdsum.ingest.clean import clean_text, unwrap
from mdsum.ingest.decode import _Skip
from mdsum.ingest.header import iso_date, parse_header
from mdsum.ingest.rawpage import tidy_page

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext", "full_text"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "site_name", "sitename", "site"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime"),
    "url": ("url", "link", "source_url"),
}


@dataclass(frozen=True)
class _Article:
    """An article before ids and de-duplication; ``locator`` is the path, plus ``#N`` for multi-record files."""

    text: str
    locator: str
    title: str | None = None
    source: str | None = None
    date: str | None = None
    url: str | None = None
    part: str = ""  # "line 3" / "item 2" in a multi-record file, for manifest notes
    file_chars: int = 0  # characters in the whole file when only its start was parsed (see FolderReader.max_chars)


def _load_txt(raw: str, locator: str) -> list[_Article]:
    body, title, source, date = parse_header(clean_text(raw))
    page = tidy_page(body, title)
    return [_Article(text=unwrap(page.body), locator=locator, title=page.title, source=source or page.outlet,
                     date=date)]


def _load_md(raw: str, locator: str) -> list[_Article]:
    first_heading, body = markdown_to_text(raw)
    body, title, source, date = parse_header(clean_text(body), allow_title=first_heading is None)
    page = tidy_page(body, first_heading or title)
    return [_Article(text=page.body, locator=locator, title=page.title, source=source or page.outlet, date=date)]


def markdown_to_text(raw: str) -> tuple[str | None, str]:
    """Markdown → (title, plain paragraphs). The first block, if a heading, is the title. Dropped: later
    headings (section labels, not sentences), paragraphs or list items that are only links (navigation such
    as "related articles"), code blocks and raw HTML."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(raw)
    title, paras, in_heading, first_block = None, [], False, True
    for tok in tokens:
        if tok.type == "heading_open":
            in_heading = True
        elif tok.type == "heading_close":
            in_heading = False
        elif tok.type == "inline":
            text = _inline_text(tok.children or []).strip()
            if in_heading:
                title = text if first_block and text else title
            elif text:
                paras.append(text)
            first_block = False
    return title, "\n\n".join(paras)


def _inline_text(children: list[Any]) -> str:
    parts, depth, outside_link = [], 0, False
    for child in children:
        depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
            outside_link = outside_link or (depth == 0 and bool(child.content.strip()))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts) if outside_link else ""


def _load_html(raw: str, locator: str) -> list[_Article]:
    import trafilatura

    text = trafilatura.extract(raw, favor_precision=True, include_comments=False, include_tables=False)
    if not text:  # precision mode can reject short pages; recall mode still avoids nav and footers
        text = trafilatura.extract(raw, favor_recall=True, include_comments=False, include_tables=False)
    if not text:
        raise _Skip("empty: no article text found in the HTML page")
    meta = trafilatura.extract_metadata(raw)
    title = meta.title if meta and meta.title else None
    lines = [line for line in text.split("\n") if line.strip()]
    if title and lines and lines[0].strip() == title.strip():
        lines = lines[1:]  # trafilatura repeats the headline as the first line; it lives in Document.title
    body, _, source, date = parse_header(clean_text("\n\n".join(lines)), allow_title=False)
    page = tidy_page(body, title)
    return [_Article(text=page.body, locator=locator, title=page.title,
                     source=(meta.sitename if meta and meta.sitename else None) or source or page.outlet,
                     date=iso_date(meta.date if meta and meta.date else None) or date,
                     url=meta.url if meta and meta.url else None)]


def _field(obj: dict[str, Any], name: str) -> str | None:
    for key in FIELD_ALIASES[name]:
        value = obj.get(key)
        if isinstance(value, dict):  # e.g. NewsAPI: "source": {"id": ..., "name": "Reuters"}
            value = value.get("name")
        if value is not None and str(value).strip():
            return str(value).strip()
    return None


def clean_record(obj: Any) -> dict[str, str | None]:
    """The reader's cleaning of one article record (``text`` and optional title, source, date, url, under
    any of their usual names): the same text ``mdsum summarize`` would make of it. Benchmark loaders use it,
    so ``mdsum evaluate`` scores what a folder would give. Raises ``ValueError`` naming what is missing."""
    try:
        art = _record(obj, "")
    except _Skip as e:
        raise ValueError(str(e)) from None
    return {"text": art.text, "title": art.title, "source": art.source, "date": art.date, "url": art.url}


def _record(obj: Any, locator: str) -> _Article:
    """One JSON object → _Article; raises _Skip naming the missing field."""
    if not isinstance(obj, dict):
        raise _Skip(f"not a JSON object (got {type(obj).__name__})")
    text = _field(obj, "text")
    if text is None:
        raise _Skip(f"no text field (expected one of: {', '.join(FIELD_ALIASES['text'])})")
    body, title, source, date = parse_header(clean_text(text), allow_title=False)
    page = tidy_page(body, _field(obj, "title") or title)
    return _Article(text=unwrap(page.body), locator=locator, title=page.title,
                    source=_field(obj, "source") or source or page.outlet, date=iso_date(_field(obj, "date")) or date,
                    url=_field(obj, "url"))


def _load_json(raw: str, locator: str) -> tuple[list[_Article], list[str]]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as e:
        raise _Skip(f"invalid JSON: {e}") from None
    if isinstance(data, dict) and _field(data, "text") is None:
        for key in ("documents", "articles", "items", "data"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if isinstance(data, dict):
        return [_record(data, locator)], []
    if not isinstance(data, list):
        raise _Skip(f"JSON must be an object or a list of objects, got {type(data).__name__}")
    return _records(((n, obj) for n, obj in enumerate(data, start=1)), locator, "item")


def _load_jsonl(raw: str, locator: str) -> tuple[list[_Article], list[str]]:
    def parsed() -> Iterator[tuple[int, Any]]:
        for n, line in enumerate(raw.splitlines(), start=1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except json.JSONDecodeError:
                    yield n, _Skip("invalid JSON")

    return _records(parsed(), locator, "line")


def _records(items: Iterator[tuple[int, Any]], locator: str, unit: str) -> tuple[list[_Article], list[str]]:
    """Records of a multi-record file; a bad record is noted and skipped, the others are kept."""
    articles, notes = [], []
    for n, obj in items:
        try:
            if isinstance(obj, _Skip):
                raise obj
            art = _record(obj, f"{locator}#{n}")
            articles.append(_Article(art.text, art.locator, art.title, art.source, art.date, art.url, f"{unit} {n}"))
        except _Skip as e:
            notes.append(f"{unit} {n}: {e}")
    return articles, notes


__all__ = ["FIELD_ALIASES", "markdown_to_text", "clean_record"]
