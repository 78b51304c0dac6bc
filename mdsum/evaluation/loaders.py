"""Benchmark loaders: a dataset name or a local path → a list of :class:`Cluster` (documents + references).

Accepted inputs, tried in this order:

* a local **JSON Lines file** (``.jsonl``/``.json``), one cluster per line, either in the common schema
  ``{"id", "documents": [{"id", "title", "text", "source", "url", "date", ...}], "summaries": [...]}`` or in the
  Hugging Face Multi-News / WCEP style ``{"document": str | list, "summary": str | list}`` (documents split on
  ``story_separator_special_tag``, ``|||||`` or ``</s>``; ``NEWLINE_CHAR`` becomes a line break);
* the original **Multi-News text pair** ``test.src`` + ``test.tgt`` (one cluster per line; pass either file);
* a **folder holding ``<split>.jsonl``** (e.g. ``data/neus`` with ``--split test``);
* a **DUC/TAC-style folder**, in either layout (files are plain text or DUC SGML with ``<TEXT>``):

  - per topic: ``DIR/<topic>/docs/*`` (or ``documents/``) and ``DIR/<topic>/models/*`` (or ``summaries/``,
    ``references/``);
  - DUC distribution: ``DIR/docs/<topic>/*`` and ``DIR/models/<TOPIC>.*``, where a model file belongs to the
    topic whose folder name, lower-cased and without DUC's trailing assessor letter (``d30001t`` → ``d30001``),
    equals the part of the file name before the first dot (``D30001.M.100.T.A``);
* a **hub name** (see :data:`HUB_DATASETS`), loaded with ``datasets.load_dataset`` from the hub when it is
  reachable or from the local cache; offline and uncached, it fails at once with an :class:`InputError`.

``limit`` keeps a seeded random sample of that many clusters, returned in file order (the same ``seed``
always gives the same sample); without ``limit`` every cluster is returned in file order.
"""

from __future__ import annotations

import json
import random
import re
import socket
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from mdsum.errors import InputError
from mdsum.ingest.formats import clean_record
from mdsum.types import Document


@dataclass(frozen=True)
class Cluster:
    """One benchmark item: the documents of one story and its reference summaries."""

    id: str
    documents: tuple[Document, ...]
    references: tuple[str, ...]


@dataclass(frozen=True)
class HubDataset:
    repo: str
    config: str | None = None


# Short names → hub datasets. Both use the ``document``/``summary`` row format handled by :func:`_hub_row`.
HUB_DATASETS: dict[str, HubDataset] = {
    "multinews": HubDataset("alexfabbri/multi_news"),
    "multi_news": HubDataset("alexfabbri/multi_news"),
    "wcep10": HubDataset("ccdv/WCEP-10", "list"),
    "wcep-10": HubDataset("ccdv/WCEP-10", "list"),
}

_DOC_SEPARATORS = re.compile(r"\s*(?:story_separator_special_tag|\|\|\|\|\||</s>)\s*")
_DOC_DIRS = ("docs", "documents")
_REF_DIRS = ("models", "summaries", "references")


def load_benchmark(name_or_path: str, split: str = "test", limit: int | None = None, seed: int = 0) -> list[Cluster]:
    """Clusters of a benchmark given by local path or hub name (see the module docstring)."""
    if limit is not None and limit < 1:
        raise InputError(f"--limit must be a positive number of clusters, got {limit}")
    clusters = list(_load_all(name_or_path, split))
    if not clusters:
        raise InputError(f"{name_or_path}: no clusters found")
    _check_unique(clusters, name_or_path)
    return sample(clusters, limit, seed)


def sample(clusters: list[Cluster], limit: int | None, seed: int) -> list[Cluster]:
    """``limit`` clusters drawn with ``random.Random(seed)``, kept in their original order."""
    if limit is None or limit >= len(clusters):
        return clusters
    keep = sorted(random.Random(seed).sample(range(len(clusters)), limit))
    return [clusters[i] for i in keep]


def _load_all(name_or_path: str, split: str) -> Iterable[Cluster]:
    path = Path(name_or_path).expanduser()
    if path.is_file():
        if path.suffix in (".src", ".tgt"):
            return _read_src_tgt(path)
        return _read_jsonl(path)
    if path.is_dir():
        return _read_folder(path, split)
    if path.suffix in (".jsonl", ".json", ".src", ".tgt") or name_or_path.startswith((".", "/", "~")):
        raise InputError(f"dataset file or folder not found: {path}")
    key = name_or_path.lower()
    if key in HUB_DATASETS:
        return _load_hub(HUB_DATASETS[key], split)
    if name_or_path.count("/") == 1:
        return _load_hub(HubDataset(name_or_path), split)  # "owner/name": any hub dataset in the same row format
    raise InputError(
        f"dataset {name_or_path!r} is neither an existing file or folder nor a known name "
        f"({', '.join(sorted(HUB_DATASETS))}); pass a JSON Lines file in the common schema"
    )


# -- local JSON Lines -------------------------------------------------------------------------------------


def jsonl_rows(path: Path, what: str = "file") -> Iterator[tuple[int, Any]]:
    """(line number, parsed row) for each non-blank line; bad files and lines are errors naming the place."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read {what} {path}: {e}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield n, json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{n}: not valid JSON ({e.msg} at column {e.colno})") from None


def _read_jsonl(path: Path) -> Iterator[Cluster]:
    if path.suffix == ".json" and path.is_file():
        with path.open(encoding="utf-8", errors="replace") as f:
            if f.read(4096).lstrip().startswith("["):
                raise InputError(f"{path} is a JSON array; write one cluster per line (JSON Lines) instead")
    for n, row in jsonl_rows(path):
        try:
            yield row_to_cluster(row, default_id=f"{path.stem}-{n}")
        except ValueError as e:
            raise InputError(f"{path}:{n}: {e}") from None


def row_to_cluster(row: Any, default_id: str) -> Cluster:
    """A common-schema row or a ``document``/``summary`` row → :class:`Cluster`; ValueError says what is wrong."""
    if not isinstance(row, dict):
        raise ValueError(f"expected a JSON object per line, got {type(row).__name__}")
    if "documents" in row:
        return _common_row(row, default_id)
    if "document" in row:
        return _hub_row(row, default_id)
    raise ValueError(f"no 'documents' (common schema) or 'document' (Multi-News style) field; found {sorted(row)}")


def _common_row(row: dict[str, Any], default_id: str) -> Cluster:
    cid = str(row.get("id") or default_id)
    docs_in = row["documents"]
    if not isinstance(docs_in, list):
        raise ValueError(f"cluster {cid!r}: 'documents' must be a list of objects")
    docs = []
    for i, d in enumerate(docs_in):
        if not isinstance(d, dict) or not isinstance(d.get("text"), str):
            raise ValueError(f"cluster {cid!r}: document {i} needs a 'text' string")
        if d["text"].strip():
            fields = clean_record(d)  # the folder reader's cleaning: evaluate scores what summarize would see
            if fields["text"].strip():
                docs.append(Document(id=str(d.get("id") or f"{cid}_{i}"), **fields))
    return _cluster(cid, docs, _references(row.get("summaries", row.get("summary")), cid))


def _hub_row(row: dict[str, Any], default_id: str) -> Cluster:
    cid = str(row.get("id") or default_id)
    raw = row["document"]
    parts = raw if isinstance(raw, list) else _DOC_SEPARATORS.split(str(raw))
    texts = [_clean_multinews(str(p)) for p in parts]
    docs = [Document(id=f"{cid}_{i}", **fields) for i, t in enumerate(texts) if t
            if (fields := clean_record({"text": t}))["text"].strip()]
    return _cluster(cid, docs, _references(row.get("summary"), cid))


def _clean_multinews(text: str) -> str:
    # Multi-News encodes line breaks as NEWLINE_CHAR; its HF summaries start with the Newser dash "– ".
    return text.replace("NEWLINE_CHAR", "\n").strip()


def _references(value: Any, cid: str) -> tuple[str, ...]:
    if value is None:
        raise ValueError(f"cluster {cid!r} has no reference summary (no 'summaries' field)")
    refs = [value] if isinstance(value, str) else value
    if not isinstance(refs, list) or not all(isinstance(r, str) for r in refs):
        raise ValueError(f"cluster {cid!r}: 'summaries' must be a list of strings")
    refs = [_clean_multinews(r).removeprefix("– ").strip() for r in refs]
    return tuple(r for r in refs if r)


def _cluster(cid: str, docs: list[Document], refs: tuple[str, ...]) -> Cluster:
    if not docs:
        raise ValueError(f"cluster {cid!r} has no document with text")
    if not refs:
        raise ValueError(f"cluster {cid!r} has no reference summary")
    return Cluster(id=cid, documents=tuple(docs), references=refs)



def _check_unique(clusters: list[Cluster], where: str) -> None:
    seen: set[str] = set()
    for c in clusters:
        if c.id in seen:
            raise InputError(f"{where}: duplicate cluster id {c.id!r}; give every cluster a unique id")
        seen.add(c.id)
        ids = [d.id for d in c.documents]
        if len(set(ids)) != len(ids):
            raise InputError(f"{where}: cluster {c.id!r} has duplicate document ids")


# -- Multi-News .src/.tgt ---------------------------------------------------------------------------------


def _read_src_tgt(path: Path) -> Iterator[Cluster]:
    src, tgt = path.with_suffix(".src"), path.with_suffix(".tgt")
    for p in (src, tgt):
        if not p.is_file():
            raise InputError(f"Multi-News text format needs both {src.name} and {tgt.name}; {p} is missing")
    sources = src.read_text(encoding="utf-8").splitlines()
    targets = tgt.read_text(encoding="utf-8").splitlines()
    if len(sources) != len(targets):
        raise InputError(f"{src} has {len(sources)} lines but {tgt} has {len(targets)}; they must be parallel")
    for n, (s, t) in enumerate(zip(sources, targets), start=1):
        try:
            yield _hub_row({"id": f"{src.stem}-{n}", "document": s, "summary": t}, f"{src.stem}-{n}")
        except ValueError as e:
            raise InputError(f"{src}:{n}: {e}") from None


# -- folders ----------------------------------------------------------------------------------------------


def _read_folder(path: Path, split: str) -> list[Cluster]:
    for name in (f"{split}.jsonl", f"{split}.json"):
        if (path / name).is_file():
            return list(_read_jsonl(path / name))
    if (path / f"{split}.src").is_file():
        return list(_read_src_tgt(path / f"{split}.src"))
    if any((path / d).is_dir() for d in _DOC_DIRS) and any((path / d).is_dir() for d in _REF_DIRS):
        return _read_duc(path)
    topics = sorted(p for p in path.iterdir() if p.is_dir() and _subdir(p, _DOC_DIRS) and _subdir(p, _REF_DIRS))
    if topics:
        return [_topic_cluster(t.name, _files(_subdir(t, _DOC_DIRS)), _files(_subdir(t, _REF_DIRS))) for t in topics]
    raise InputError(
        f"{path}: no {split}.jsonl, no {split}.src/.tgt, and no DUC/TAC layout (DIR/<topic>/docs + DIR/<topic>/models, "
        f"or DIR/docs/<topic> + DIR/models); see mdsum.evaluation.loaders for the accepted layouts"
    )


def _read_duc(path: Path) -> list[Cluster]:
    docs_root, refs_root = _subdir(path, _DOC_DIRS), _subdir(path, _REF_DIRS)
    assert docs_root is not None and refs_root is not None
    models: dict[str, list[Path]] = {}
    for f in _files(refs_root):
        models.setdefault(f.name.split(".")[0].lower(), []).append(f)
    clusters = []
    for topic in sorted(p for p in docs_root.iterdir() if p.is_dir()):
        key = _duc_topic_key(topic.name)
        if key not in models:
            raise InputError(f"{topic}: no reference summary in {refs_root} whose name starts with {key.upper()}.")
        clusters.append(_topic_cluster(topic.name, _files(topic), models[key]))
    return clusters


def _duc_topic_key(name: str) -> str:
    m = re.fullmatch(r"(d\d+)[a-z]?", name.lower())
    return m.group(1) if m else name.lower()


def _topic_cluster(topic: str, doc_files: list[Path], ref_files: list[Path]) -> Cluster:
    docs = []
    for f in doc_files:
        title, text = _read_doc_file(f)
        fields = clean_record({"text": text, "title": title}) if text else None
        if fields and fields["text"].strip():
            docs.append(Document(id=f"{topic}/{f.name}", path=str(f), **fields))
    refs = tuple(t for t in (_read_doc_file(f)[1] for f in ref_files) if t)
    try:
        return _cluster(topic, docs, refs)
    except ValueError as e:
        raise InputError(f"topic folder {topic}: {e}") from None


def _read_doc_file(f: Path) -> tuple[str | None, str]:
    """(title, text) of a plain-text or DUC SGML file (``<HEADLINE>``, ``<TEXT>`` with ``<P>`` paragraphs)."""
    raw = f.read_text(encoding="utf-8", errors="replace")
    body = re.search(r"<TEXT>(.*?)</TEXT>", raw, flags=re.S | re.I)
    if body is None:
        return None, raw.strip()
    head = re.search(r"<HEADLINE>(.*?)</HEADLINE>", raw, flags=re.S | re.I)
    title = _strip_tags(head.group(1)) if head else None
    paragraphs = re.split(r"</?P>", body.group(1), flags=re.I)
    text = "\n\n".join(p for p in (_strip_tags(x) for x in paragraphs) if p)
    return title or None, text


def _strip_tags(s: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", s).split())


def _subdir(path: Path, names: tuple[str, ...]) -> Path | None:
    for n in names:
        if (path / n).is_dir():
            return path / n
    return None


def _files(folder: Path | None) -> list[Path]:
    if folder is None:
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


# -- hub --------------------------------------------------------------------------------------------------


def _load_hub(spec: HubDataset, split: str) -> list[Cluster]:
    import datasets
    import datasets.config as dconfig
    import huggingface_hub.constants as hconst

    hint = "pass a local JSON Lines file in the common schema instead (see mdsum.evaluation.loaders)"
    offline = bool(dconfig.HF_HUB_OFFLINE or hconst.HF_HUB_OFFLINE) or not _reachable(hconst.ENDPOINT)
    # Unreachable hub: read the local cache only, so a missing dataset fails at once instead of retrying.
    saved = dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE
    if offline:
        dconfig.HF_HUB_OFFLINE = hconst.HF_HUB_OFFLINE = True
    try:
        ds = datasets.load_dataset(spec.repo, spec.config, split=split)
    except Exception as e:  # datasets raises ConnectionError, FileNotFoundError, ValueError, ... for the same cause
        where = "the hub is unreachable (offline) and it is not in the local cache" if offline else str(e)[:200]
        raise InputError(f"cannot load dataset {spec.repo!r} split {split!r}: {where}; {hint}") from None
    finally:
        dconfig.HF_HUB_OFFLINE, hconst.HF_HUB_OFFLINE = saved
    out = []
    for n, row in enumerate(ds):
        try:
            out.append(row_to_cluster(dict(row), default_id=f"{split}-{n}"))
        except ValueError as e:
            raise InputError(f"{spec.repo} {split} row {n}: {e}") from None
    return out


def _reachable(endpoint: str, timeout: float = 3.0) -> bool:
    url = urlparse(endpoint)
    try:
        with socket.create_connection((url.hostname or "", url.port or 443), timeout=timeout):
            return True
    except OSError:
        return False
