"""The folder reader: every file under a folder → Documents and a manifest that accounts for each.

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

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

from mdsum.errors import InputError
from mdsum.ingest import lang
from mdsum.ingest.clean import truncate
from mdsum.ingest.decode import _Skip, decode
from mdsum.ingest.formats import _Article, _load_html, _load_json, _load_jsonl, _load_md, _load_txt
from mdsum.registry import register
from mdsum.types import Document, FileRecord, Manifest

SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
# Formats people often drop into a news folder that are not text: say "binary", not "unsupported".
BINARY_SUFFIXES = frozenset(
    ".pdf .doc .docx .odt .xls .xlsx .ppt .pptx .epub .png .jpg .jpeg .gif .bmp .tif .tiff .webp .svgz .ico "
    ".zip .gz .tgz .bz2 .xz .7z .rar .tar .exe .dll .so .bin .pyc .mp3 .mp4 .wav .avi .mov .mkv .sqlite .db".split()
)
DOC_FILE = re.compile(r"^(readme|licen[cs]e|copying|attribution|provenance|notice)([._\-\s].*)?$", re.IGNORECASE)

RAW_SLACK = 3  # a text file may lose up to 2/3 of its characters to debris before the cap
RAW_SLACK_HTML = 20  # markup is most of a web page


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


__all__ = ["FolderReader", "read_folder", "jaccard", "SUPPORTED_SUFFIXES"]
