"""Ingestion: a folder of articles (.txt, .md, .html, .json, .jsonl) → clean :class:`Document`s + a manifest.

Every file found appears in the manifest exactly once, read or skipped with a reason; nothing is lost silently.
Hidden files and folders (name starting with ".") are not read (by convention they are not content) but are
listed as skipped. Symlinked folders are followed once: a link to a folder already read (a loop, or a second
link to the same folder) is listed as skipped with the folder it repeats. One article contributes at most
``max_chars`` characters (the rest is cut at a paragraph or sentence end, and the manifest says so), so one huge
file cannot make a run's cost explode.
Document ids are ``d1``, ``d2``, … over the kept articles in sorted-path order (records of a .json/.jsonl
file in file order), so the same folder always gives the same ids.
"""

from __future__ import annotations

import codecs
import dataclasses
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from mdsum.errors import InputError
from mdsum.ingest import lang
from mdsum.ingest.rawpage import tidy_page
from mdsum.registry import register
from mdsum.types import Document, FileRecord, Manifest

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
# Formats people often drop into a news folder that are not text: say "binary", not "unsupported".
BINARY_SUFFIXES = frozenset(
    ".pdf .doc .docx .odt .xls .xlsx .ppt .pptx .epub .png .jpg .jpeg .gif .bmp .tif .tiff .webp .svgz .ico "
    ".zip .gz .tgz .bz2 .xz .7z .rar .tar .exe .dll .so .bin .pyc .mp3 .mp4 .wav .avi .mov .mkv .sqlite .db".split()
)
DOC_FILE = re.compile(r"^(readme|licen[cs]e|copying|attribution|provenance|notice)([._\-\s].*)?$", re.IGNORECASE)

# Boilerplate left by scrapers and converters, matched case-insensitively against whole short lines.
# One list, so adding a pattern is one line. A line longer than BOILERPLATE_MAX_WORDS is never dropped:
# a real paragraph may mention "advertisement" or "cookies".
BOILERPLATE_PATTERNS: tuple[str, ...] = (
    r"missed an? (show|episode)\b.*",
    r".*\blisten (here|live|now)\W*",
    r"local weather\b.*",
    r"(copyright|©|\(c\)).*",
    r".*(©|\(c\)|copyright)\s*(\d{4}|\w+ \d{4}).*",                    # "The-CNN-Wire ™ & © 2015 Cable News Network…"
    r"(::|»|>>|►|▶|→)\s*\S.*",                                           # promo links: ":: Why Is Putin Joining …?"
    r"(read|watch|listen|see)( more| also| next| now)?\s*:.*",              # "READ MORE: …", "Watch: …"
    r"(photo|image|picture|caption|pictured|file photo)\s*[:|].*",         # photo captions and credits
    r".*\((photo|image|picture|video)s?\s*:[^)]*\)\W*",
    r".*\((ap|afp|epa|reuters|getty|photo)\b[^)]*\)\W*",                  # "… (AP Photo/Jane Doe)"
    r".*\b(getty images|shutterstock|afp via getty)\W*",
    # a caption with its date appended: "… the 70th session., September 28, 2015."
    r".*\.,\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}, \d{4}\.?",
    r".*\ball rights reserved\W*",
    r"\[bookmark: [^\]]*\]",
    r"(advertisement|advertising|sponsored( content)?|ad|skip (this )?ad)\W*",
    r"share (this|on|via)\b.*",
    r"(sign up|subscribe|register)\b.*\b(newsletter|inbox|updates)\b.*",
    r"subscribe( now| today)?\W*",
    r"click here\b.*",
    r"(read|see) more\b.*",
    r"(related|recommended|more) (articles?|stories|content|coverage|news)\W*",
    r"(follow|like) us on\b.*",
    r".*\b(we use cookies|cookie (policy|settings|preferences)|accept (all )?cookies)\b.*",
)
BOILERPLATE_MAX_WORDS = 30
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in BOILERPLATE_PATTERNS), re.IGNORECASE)
# Converter and wiki leftovers inside lines: Word bookmarks, "[ edit ]" and "[citation needed]" markers.
_INLINE_DEBRIS = re.compile(r"\[bookmark: [^\]]*\]|\[\s*(edit|citation needed)\s*\]", re.IGNORECASE)

FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "text": ("text", "body", "content", "article", "maintext", "full_text"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "site_name", "sitename", "site"),
    "date": ("date", "published", "published_at", "publish_date", "pubdate", "datetime"),
    "url": ("url", "link", "source_url"),
}
_BYLINE = re.compile(r"^by\s+\S.*$", re.IGNORECASE)
_TERMINAL = ".!?:;\"'”’)…"
_DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


class _Skip(Exception):
    """A file (or record) cannot be used; the message is the manifest reason."""


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


# -- text cleaning ----------------------------------------------------------------------------------------


def is_boilerplate(line: str) -> bool:
    """True for a short line that is scraping debris ("Advertisement", "Share this article", …)."""
    s = line.strip()
    return bool(s) and len(s.split()) <= BOILERPLATE_MAX_WORDS and _BOILERPLATE.fullmatch(s) is not None


def clean_text(text: str) -> str:
    """Drop boilerplate lines, collapse spaces, keep paragraphs (one blank line between them)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff]", "", _INLINE_DEBRIS.sub("", text))
    out: list[str] = []
    for raw in text.split("\n"):
        line = re.sub(r"[ \t\f\v]+", " ", raw).strip()
        if is_boilerplate(line):
            continue
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def unwrap(text: str) -> str:
    """Join hard-wrapped lines of a paragraph (fixed-width text files) so a sentence never spans a newline.

    A paragraph is hard-wrapped when all its lines but the last are 40–100 characters and within 60% of the
    longest; a line is also joined to the next when it ends mid-sentence and the next starts in lower case.
    """
    paras = []
    for para in text.split("\n\n"):
        lines = para.split("\n")
        if len(lines) > 1:
            lines = _unwrap_lines(lines)
        paras.append("\n".join(lines))
    return "\n\n".join(paras)


def _unwrap_lines(lines: list[str]) -> list[str]:
    longest = max(len(line) for line in lines)
    wrapped = 40 <= longest <= 100 and all(len(line) >= 0.6 * longest for line in lines[:-1])
    if wrapped:
        return [" ".join(line.strip() for line in lines)]
    out = [lines[0]]
    for line in lines[1:]:
        prev = out[-1]
        if prev and prev[-1] not in _TERMINAL and line[:1].islower():
            out[-1] = f"{prev} {line}"
        else:
            out.append(line)
    return out


RAW_SLACK = 3  # a text file may lose up to 2/3 of its characters to debris before the cap
RAW_SLACK_HTML = 20  # markup is most of a web page


def truncate(text: str, max_chars: int) -> str:
    """The longest prefix of at most ``max_chars`` that ends a paragraph, else a sentence, else a word."""
    head = text[:max_chars]
    for boundary in ("\n\n", "\n", ". ", " "):
        k = head.rfind(boundary)
        if k >= max_chars // 2:
            return head[:k + (1 if boundary == ". " else 0)].rstrip()
    return head.rstrip()


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


# -- decoding ---------------------------------------------------------------------------------------------


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


# -- per-format loaders: raw text → list of _Article (uncleaned ids, cleaned text) --------------------------


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


# -- the reader -------------------------------------------------------------------------------------------


def _shingles(text: str, k: int = 5) -> frozenset[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < k:
        return frozenset([tuple(words)])
    return frozenset(tuple(words[i:i + k]) for i in range(len(words) - k + 1))


def jaccard(a: frozenset[Any], b: frozenset[Any]) -> float:
    """|a ∩ b| / |a ∪ b|; 0 for two empty sets."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@register("reader", "mdsum.folder_reader.v1")
class FolderReader:
    """Reads every article under a folder (or one file) into Documents, with a manifest of every file.

    ``near_duplicate_threshold``: Jaccard similarity of word 5-shingles at or above which a later article is a
    near-duplicate of an earlier one (syndicated copies with a changed line score ~0.9; same-story articles by
    different outlets score well under 0.2). ``min_words``: articles shorter after cleaning are skipped as empty.
    ``max_chars``: what one article contributes (100,000 characters is ~16,000 words, far beyond a news article;
    the rest is cut and the cut noted in the manifest). ``max_file_mb``: larger files are skipped unread.
    """

    def __init__(self, recursive: bool = True, near_duplicate_threshold: float = 0.9, min_words: int = 20,
                 skip_doc_files: bool = True, max_file_mb: float = 50.0, max_chars: int = 100_000) -> None:
        if not isinstance(recursive, bool):
            raise ValueError(f"recursive must be true or false, got {recursive!r}")
        if not isinstance(near_duplicate_threshold, (int, float)) or not 0 < near_duplicate_threshold <= 1:
            raise ValueError(f"near_duplicate_threshold must be in (0, 1], got {near_duplicate_threshold!r}")
        if not isinstance(min_words, int) or isinstance(min_words, bool) or min_words < 1:
            raise ValueError(f"min_words must be a positive integer, got {min_words!r}")
        if not isinstance(skip_doc_files, bool):
            raise ValueError(f"skip_doc_files must be true or false, got {skip_doc_files!r}")
        if not isinstance(max_file_mb, (int, float)) or max_file_mb <= 0:
            raise ValueError(f"max_file_mb must be a positive number, got {max_file_mb!r}")
        if not isinstance(max_chars, int) or isinstance(max_chars, bool) or max_chars < 1000:
            raise ValueError(f"max_chars must be an integer >= 1000, got {max_chars!r}")
        self.recursive = recursive
        self.near_duplicate_threshold = float(near_duplicate_threshold)
        self.min_words = min_words
        self.skip_doc_files = skip_doc_files
        self.max_file_mb = float(max_file_mb)
        self.max_chars = max_chars

    def read(self, folder: str | Path) -> tuple[list[Document], Manifest]:
        """All articles under ``folder`` (a single file is a folder of one), in sorted-path order."""
        root = Path(folder)
        if not root.exists():
            raise InputError(f"input folder not found: {root}; pass a folder of .txt, .md, .html, .json or "
                             ".jsonl articles")
        base, entries = (root.parent, [(root.name, None)]) if root.is_file() else (root, self._walk(root))
        seen = _SeenIndex()
        records = []
        for rel, walk_error in entries:
            if walk_error is not None:
                records.append(FileRecord(rel, "skipped", walk_error))
                continue
            records.append(self._read_file(base / rel, rel, seen))
        return seen.docs, Manifest(tuple(records))

    def _walk(self, root: Path) -> list[tuple[str, str | None]]:
        """Relative posix paths of every file, each with a skip reason or None (to read): hidden entries, unreadable
        folders, folders not read (recursive: false) and symlinks to a folder already read are listed, not lost."""
        if not root.is_dir():
            raise InputError(f"input path is neither a folder nor a file: {root}")
        found: list[tuple[str, str | None]] = []
        visited = {os.path.realpath(root): "./"}  # real folder → the path it was read under (loop-safe following)

        def rel(path: Path) -> str:
            return path.relative_to(root).as_posix()

        def on_error(err: OSError) -> None:
            where = rel(Path(err.filename)) if err.filename else str(root)
            found.append((where + "/", f"unreadable: {err.strerror or err}"))

        for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=True):
            here = Path(dirpath)
            keep = []
            for d in sorted(dirnames):
                where = rel(here / d) + "/"
                real = os.path.realpath(here / d)
                if d.startswith("."):
                    found.append((where, "hidden folder (name starts with '.'): not read"))
                elif not self.recursive:
                    found.append((where, "folder not read (recursive: false)"))
                elif real in visited:
                    found.append((where, f"symlink to a folder already read ({visited[real]}): not read twice"))
                else:
                    visited[real] = where
                    keep.append(d)
            dirnames[:] = keep
            for f in filenames:
                found.append((rel(here / f), "hidden file (name starts with '.')" if f.startswith(".") else None))
        return sorted(found)

    def _read_file(self, path: Path, rel: str, seen: _SeenIndex) -> FileRecord:
        try:
            articles, notes = self._load(path, rel)
        except _Skip as e:
            return FileRecord(rel, "skipped", str(e))
        doc_ids = []
        for art in articles:
            art, cut = self._cap(art)
            if cut:
                notes.append(f"{art.part}: {cut}" if art.part else cut)
            problem = self._problem(art, seen)
            if problem:
                notes.append(f"{art.part}: {problem}" if art.part else problem)
                continue
            doc = Document(id=f"d{len(seen.docs) + 1}", text=art.text, title=art.title, source=art.source,
                           date=art.date, url=art.url, path=art.locator)
            seen.add(doc)
            doc_ids.append(doc.id)
            code = lang.detect(art.text)
            if code != "en":
                note = f"language: {lang.name(code)} ({code}); mdsum is tuned for English"
                notes.append(f"{art.part}: {note}" if art.part else note)
        reason = "; ".join(notes) or None
        if not doc_ids:
            return FileRecord(rel, "skipped", reason or "empty")
        return FileRecord(rel, "read", reason, tuple(doc_ids))

    def _load(self, path: Path, rel: str) -> tuple[list[_Article], list[str]]:
        suffix = path.suffix.lower()
        if self.skip_doc_files and DOC_FILE.match(path.name):
            raise _Skip("not an article (documentation file)")
        if suffix in BINARY_SUFFIXES:
            raise _Skip(f"binary file ({suffix}); convert it to .txt or .html first")
        try:
            if path.is_symlink() and not path.exists():
                raise _Skip(f"broken symlink (points to {os.readlink(path)}, which does not exist)")
            if not path.is_file() and path.exists():  # a FIFO or device would block or never end
                raise _Skip("not a regular file")
            if path.stat().st_size > self.max_file_mb * 1e6:
                raise _Skip(f"too large ({path.stat().st_size / 1e6:.1f} MB > max_file_mb={self.max_file_mb:g})")
            data = path.read_bytes()
        except OSError as e:
            raise _Skip(f"unreadable: {e.strerror or e}") from None
        if not data.strip():
            raise _Skip("empty")
        text, note = decode(data)
        if suffix not in SUPPORTED_SUFFIXES:
            raise _Skip(f"unsupported file type {suffix or '(no extension)'}; supported: "
                        f"{', '.join(SUPPORTED_SUFFIXES)}")
        notes = [note] if note else []
        if suffix in (".json", ".jsonl"):
            articles, more = (_load_json if suffix == ".json" else _load_jsonl)(text, rel)
            return articles, notes + more
        loaders = {".md": _load_md, ".markdown": _load_md, ".html": _load_html, ".htm": _load_html}
        # One article per file: cleaning and parsing a 50 MB page only to keep max_chars of it would be the cost.
        # Markup and debris are dropped first, so keep a generous multiple (HTML: far more) of the cap.
        raw_cap = self.max_chars * (RAW_SLACK_HTML if suffix in (".html", ".htm") else RAW_SLACK)
        load = loaders.get(suffix, _load_txt)
        if len(text) <= raw_cap:
            return load(text, rel), notes
        return [dataclasses.replace(a, file_chars=len(text)) for a in load(text[:raw_cap], rel)], notes

    def _cap(self, art: _Article) -> tuple[_Article, str | None]:
        """The article cut to ``max_chars`` at a paragraph or sentence end, and the manifest note saying so."""
        if len(art.text) <= self.max_chars and not art.file_chars:
            return art, None
        cut = truncate(art.text, self.max_chars)
        of = f"the file has {art.file_chars:,}" if art.file_chars else f"of {len(art.text):,}"
        note = f"truncated: kept the first {len(cut):,} characters ({of}; max_chars={self.max_chars:,})"
        return dataclasses.replace(art, text=cut), note

    def _problem(self, art: _Article, seen: _SeenIndex) -> str | None:
        """Why an article is not kept (unsupported language, too short, duplicate, near-duplicate), or None."""
        code = lang.detect(art.text)
        if code in lang.UNSPACED:
            return (f"unsupported language: {lang.name(code)} ({code}) is written without spaces between words, "
                    f"which mdsum cannot count or budget; it works on English and, untuned, other languages "
                    f"written with spaces")
        n = len(art.text.split())
        if n == 0:
            return "empty"
        if n < self.min_words:
            return f"empty: {n} words after cleaning (min_words={self.min_words})"
        return seen.duplicate_of(art.text, self.near_duplicate_threshold)


class _SeenIndex:
    """Kept documents, indexed for duplicate checks: exact normalised text, and word 5-shingles in an inverted
    index so each check costs the shingles shared, not a comparison with every kept document."""

    def __init__(self) -> None:
        self.docs: list[Document] = []
        self._exact: dict[str, int] = {}
        self._postings: dict[tuple[str, ...], list[int]] = {}
        self._sizes: list[int] = []

    def duplicate_of(self, text: str, threshold: float) -> str | None:
        exact = self._exact.get(_dup_key(text))
        if exact is not None:
            return f"duplicate of {self.docs[exact].path}"
        shingles = _shingles(text)
        shared: dict[int, int] = {}
        for sh in shingles:
            for n in self._postings.get(sh, ()):
                shared[n] = shared.get(n, 0) + 1
        best = max(((c / (len(shingles) + self._sizes[n] - c), -n) for n, c in shared.items()), default=None)
        if best is not None and best[0] >= threshold:
            return f"near-duplicate of {self.docs[-best[1]].path} (similarity {best[0]:.2f})"
        return None

    def add(self, doc: Document) -> None:
        n = len(self.docs)
        self.docs.append(doc)
        self._exact.setdefault(_dup_key(doc.text), n)
        shingles = _shingles(doc.text)
        self._sizes.append(len(shingles))
        for sh in shingles:
            self._postings.setdefault(sh, []).append(n)


def _dup_key(text: str) -> str:
    return " ".join(text.lower().split())


def read_folder(folder: str | Path, recursive: bool = True, near_duplicate_threshold: float = 0.9,
                min_words: int = 20) -> tuple[list[Document], Manifest]:
    """Documents and manifest for ``folder`` with :class:`FolderReader`'s defaults."""
    reader = FolderReader(recursive=recursive, near_duplicate_threshold=near_duplicate_threshold,
                          min_words=min_words)
    return reader.read(folder)


__all__ = ["FolderReader", "read_folder", "clean_text", "is_boilerplate", "unwrap", "parse_header",
           "markdown_to_text", "decode", "iso_date", "jaccard"]
