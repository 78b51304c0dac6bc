"""Renderers: pure functions from a :class:`~mdsum.types.Result` to Markdown, JSON or one HTML page.

Every output is deterministic (no timestamps, sorted keys) so the same inputs and config give the same bytes.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from mdsum.errors import OutputError
from mdsum.ingest import lang
from mdsum.types import Document, Result, Sentence, StoryResult, Summary

CONTEXT = 2  # sentences shown on each side of a cited sentence in the HTML page
LEAD_WORDS = 8  # words of the lead that name a source with neither outlet nor headline
# Article HTML must not pass into Markdown raw (a viewer would run ``<script>`` or ``<img onerror>``): tag-like
# runs are removed, and any "<" left that could still open a tag is escaped. "3 < 5" is kept as written.
_TAG = re.compile(r"<!--.*?-->|</?[A-Za-z][^<>]*>?", re.DOTALL)
_OPENER = re.compile(r"<(?=[A-Za-z/!?])")


def md_safe(text: str) -> str:
    """Text from an article, safe to embed in Markdown: no raw HTML tags."""
    return _OPENER.sub("&lt;", _TAG.sub("", text))


def source_label(d: Document) -> str:
    """Outlet — headline — file; a source with neither outlet nor headline is named by its lead's first words."""
    if d.source or d.title:
        return d.label
    words = d.text.split()
    if not words:
        return d.label
    lead = " ".join(words[:LEAD_WORDS]) + ("…" if len(words) > LEAD_WORDS else "")
    return f"“{lead}” — {d.path}" if d.path else f"“{lead}”"


def _safe_url(url: str | None) -> str | None:
    """Only web links become hrefs (a ``javascript:`` URL in an article's metadata must not run)."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


def _title(sr: StoryResult, n: int) -> str:
    return md_safe(sr.story.title) if sr.story.title else f"Story {n}"


def _markers(summary: Summary, doc_ids: tuple[str, ...]) -> str:
    return "".join(f"[{summary.number(d)}]" for d in doc_ids)


GENERATED_MARK = "†"


def summary_markdown(s: Summary) -> str:
    """One story's summary: sentences with [n] markers (a generated sentence also with †), then its sources."""
    body = " ".join(f"{md_safe(x.text)} {_markers(s, x.doc_ids)}"
                    f"{GENERATED_MARK if x.method == 'generated' else ''}".rstrip() for x in s.sentences)
    out = [(body or "_No summary: no sentence of this story could be used or verified against its sources._") + "\n"]
    if any(x.method == "generated" for x in s.sentences):
        out.append(f"{GENERATED_MARK} written by the generator from the cited sentences, and checked against them.\n")
    out.append("Sources:\n")
    out.extend(f"{k}. {md_safe(source_label(d))}" for k, d in enumerate(s.documents, start=1))
    return "\n".join(out)


def to_markdown(result: Result) -> str:
    """Per story: heading, summary with [n] markers, numbered sources; then the inputs that were skipped."""
    out: list[str] = []
    for n, sr in enumerate(result.stories, start=1):
        out.append(f"## {_title(sr, n)}\n")
        out.append(summary_markdown(sr.summary))
        out.append("")
    m = result.manifest
    out.append("## Inputs\n")
    out.append(f"{len(m.read)} file(s) read, {len(m.skipped)} skipped.")
    if m.skipped:
        out.append("")
        out.extend(f"- `{f.path.replace('`', '')}`: {md_safe(f.reason or 'skipped')}" for f in m.skipped)
    return "\n".join(out).rstrip() + "\n"


def _doc_json(d: Document) -> dict[str, Any]:
    return {"id": d.id, "title": d.title, "source": d.source, "date": d.date, "url": d.url, "path": d.path}


def _support(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


@lru_cache(maxsize=1)
def _lexicon():  # noqa: ANN202 - the evaluation's framing lexicon (NeuS arousal, VADER proxy), loaded once
    from mdsum.evaluation.metrics.core.framing_bias import DEFAULT_LEXICON, load_lexicon

    return load_lexicon(DEFAULT_LEXICON, name="vader_proxy")


def framing(text: str) -> float:
    """NeuS-style arousal of a sentence's loaded word types, reference-free (0 = no loaded word; lower = more
    neutral), with the evaluation's lexicon: the same words ``mdsum evaluate``'s framing metric counts."""
    from mdsum.evaluation.metrics.core.framing_bias import arousal_split, preprocess

    return round(float(arousal_split(preprocess(text), _lexicon()).arousal_sum), 4)


def _mean_framing(texts: list[str]) -> float | None:
    return round(sum(framing(t) for t in texts) / len(texts), 4) if texts else None


def to_json(result: Result) -> str:
    """Stable JSON: sorted keys, indent 2, only the sentences that citations point at."""
    by_id = {s.id: s for s in result.sentences}
    used: set[str] = set()
    stories = []
    for sr in result.stories:
        s = sr.summary
        sents = []
        for x in s.sentences:
            cites = []
            for c in x.citations:
                used.update(c.sentence_ids)
                spans = [[by_id[i].start, by_id[i].end] for i in c.sentence_ids if i in by_id]
                cites.append({"n": s.number(c.doc_id), "doc_id": c.doc_id, "sentence_ids": list(c.sentence_ids),
                              "spans": spans})
            sents.append({"text": x.text, "group_id": x.group_id, "method": x.method,
                          "support": _support(x.support), "citations": cites,
                          "fused_from": list(x.fused_from), "fallback": x.fallback, "framing": framing(x.text)})
        story_sents = result.sentences_of(sr.story.doc_ids)
        mean = _mean_framing([x.text for x in s.sentences]), _mean_framing([x.text for x in story_sents])
        stories.append({"id": sr.story.id, "title": sr.story.title, "doc_ids": list(sr.story.doc_ids),
                        "framing": {"summary": mean[0], "sources": mean[1]},
                        "sources": [d.id for d in s.documents], "summary": sents})
    order = {s.id: n for n, s in enumerate(result.sentences)}
    sentences = [{"id": i, "doc_id": by_id[i].doc_id, "text": by_id[i].text, "start": by_id[i].start,
                  "end": by_id[i].end} for i in sorted((i for i in used if i in by_id), key=order.__getitem__)]
    texts = {d.id: d.text for d in result.documents}
    manifest = [{"path": f.path, "status": f.status, "reason": f.reason, "doc_ids": list(f.doc_ids),
                 "languages": [lang.detect(texts[i]) for i in f.doc_ids if i in texts]}
                for f in result.manifest.files]
    data = {"mdsum_version": result.version, "config_hash": result.config_hash, "stories": stories,
            "documents": [_doc_json(d) for d in result.documents], "sentences": sentences,
            "manifest": {"files": manifest}}
    return json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _context(sent: Sentence, doc_sents: Sequence[Sentence], cited: set[str]) -> list[dict[str, Any]]:
    lo, hi = max(0, sent.index - CONTEXT), sent.index + CONTEXT + 1
    return [{"text": t.text, "cited": t.id in cited} for t in doc_sents if lo <= t.index < hi]


def _html_story(sr: StoryResult, n: int, result: Result, by_id: dict[str, Sentence]) -> dict[str, Any]:
    s = sr.summary
    sentences = []
    for k, x in enumerate(s.sentences, start=1):
        cites = []
        for c in x.citations:
            num = s.number(c.doc_id)
            cited, own = set(c.sentence_ids), result.sentences_of([c.doc_id])
            contexts = [_context(by_id[i], own, cited) for i in c.sentence_ids if i in by_id]
            doc = s.documents[num - 1]
            cites.append({"n": num, "anchor": f"s{n}-{k}-{num}", "label": source_label(doc), "url": _safe_url(doc.url),
                          "contexts": contexts})
        # A generated sentence's † opens the source sentences it was written from, each with its outlet.
        fused = [{"n": s.number(by_id[i].doc_id), "text": by_id[i].text} for i in x.fused_from if i in by_id]
        sentences.append({"text": x.text, "cites": cites, "support": _support(x.support), "method": x.method,
                          "fused": fused, "fused_anchor": f"s{n}-{k}-fused", "framing": framing(x.text)})
    sources = [{"n": k, "label": source_label(d), "url": _safe_url(d.url), "anchor": f"s{n}-src-{k}"}
               for k, d in enumerate(s.documents, start=1)]
    story_sents = [x.text for x in result.sentences_of(d.id for d in s.documents)]
    framing_line = {"summary": _mean_framing([x.text for x in s.sentences]), "sources": _mean_framing(story_sents)}
    return {"n": n, "title": _title(sr, n), "sentences": sentences, "sources": sources, "framing": framing_line}


def to_html(result: Result) -> str:
    """One self-contained page; each [n] opens the cited sentence highlighted in its context (pure CSS)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("mdsum", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    by_id = {s.id: s for s in result.sentences}
    stories = [_html_story(sr, n, result, by_id) for n, sr in enumerate(result.stories, start=1)]
    return env.get_template("report.html.j2").render(
        stories=stories, skipped=result.manifest.skipped, n_read=len(result.manifest.read),
        version=result.version, config_hash=result.config_hash)


def write_atomic(path: Path, text: str) -> None:
    """Write via a temp file in the same folder and ``os.replace``: readers never see half a file."""
    path = Path(path)
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist; create it or choose another path")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp makes the file private (0600); an output file should get ordinary permissions.
        os.chmod(tmp, (path.stat().st_mode & 0o777) if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException as e:  # Ctrl-C too: a half-written temp file is never left behind
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise OutputError(f"cannot write {path}: {e.strerror or e}; check permissions or choose a writable "
                              f"path") from None
        raise
