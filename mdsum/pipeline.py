"""The only module that knows every stage: wires them in data-flow order, one way.

folder → reader → prepare (segmenter, cluster_embedder: headlines + what clustering reads) → clusterer →
per story: filter → [embedder: the story's sentences] → grouper → ranker → (fuser → attributor → verifier, in
batches, until the budget is full) → budget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mdsum import __version__
from mdsum.config import Config, build, load_config
from mdsum.contracts import (
    Attributor,
    Budget,
    Clusterer,
    Embedder,
    Filter,
    Fuser,
    Grouper,
    Loadable,
    Ranker,
    Reader,
    Segmenter,
    Verifier,
)
from mdsum.errors import InputError
from mdsum.outcome import require_sentences
from mdsum.text import word_count
from mdsum.types import (
    ClaimGroup,
    Corpus,
    Document,
    Embeddings,
    GroupedStory,
    Manifest,
    Result,
    Sentence,
    Story,
    StoryResult,
    Summary,
    SummarySentence,
    title_id,
)

Progress = Callable[[str, int, int], None]  # (stage, done, total)
ENGINES: tuple[str, ...] = ("local", "ray")


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


class Pipeline:
    """One attribute per slot, built (cheaply: no model loads) and validated from a config."""

    reader: Reader
    segmenter: Segmenter
    embedder: Embedder
    clusterer: Clusterer
    filter: Filter
    grouper: Grouper
    ranker: Ranker
    fuser: Fuser
    attributor: Attributor
    verifier: Verifier
    budget: Budget

    def __init__(self, config: Config) -> None:
        self.config = config
        self._cluster_embedder: Embedder | None = None  # None: the embedder itself
        for slot, spec in config.components:
            if slot == "cluster_embedder" and spec == config.spec("embedder"):
                continue  # one embedder, one model: a story reuses the vectors prepare made
            setattr(self, slot, build(slot, spec, seed=config.seed))

    @property
    def cluster_embedder(self) -> Embedder:
        """What ``prepare`` embeds with: ``embedder`` itself (also after it is replaced) unless the config
        gives ``cluster_embedder`` a section of its own."""
        return self.embedder if self._cluster_embedder is None else self._cluster_embedder

    @cluster_embedder.setter
    def cluster_embedder(self, component: Embedder) -> None:
        self._cluster_embedder = component

    @classmethod
    def from_config(cls, config: str | Path | Config | None = None) -> Pipeline:
        """From a YAML path, a :class:`Config`, or ``None`` for the packaged default."""
        return cls(config if isinstance(config, Config) else load_config(config))

    def load(self) -> Pipeline:
        """Load every model now (otherwise each loads on first use)."""
        for slot, _ in self.config.components:
            component = getattr(self, slot)
            if isinstance(component, Loadable):
                component.load()
        return self

    # -- public verbs -------------------------------------------------------------------------------------

    def summarize_folder(self, folder: str | Path, progress: Progress = _no_progress, engine: str = "local",
                         workers: int | None = None, address: str | None = None) -> Result:
        """Read ``folder`` and summarise every story in it (see :meth:`summarize_documents` for ``engine``)."""
        documents, manifest = self.reader.read(Path(folder))
        if not documents:
            reasons = "; ".join(f"{f.path}: {f.reason}" for f in manifest.skipped[:5])
            detail = f" (skipped: {reasons})" if reasons else ""
            raise InputError(f"no readable articles in {folder}{detail}; add .txt, .md, .html, .json or .jsonl files")
        return self.summarize_documents(documents, manifest, progress, engine, workers, address)

    def summarize_documents(self, documents: Sequence[Document], manifest: Manifest | None = None,
                            progress: Progress = _no_progress, engine: str = "local", workers: int | None = None,
                            address: str | None = None) -> Result:
        """Cluster ``documents`` into stories and summarise each.

        ``engine="ray"`` summarises the stories on Ray actors (``workers`` of them; ``address`` of a running
        cluster, or a local Ray when None); the result is the same as the local engine's.
        """
        if engine not in ENGINES:
            raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
        corpus = self.prepare(documents, progress)
        stories = self.clusterer.cluster(corpus.documents, corpus.sentences, corpus.embeddings)
        by_id = {d.id: d for d in corpus.documents}
        jobs = [(story, tuple(by_id[i] for i in story.doc_ids)) for story in stories]
        if engine == "ray":
            from mdsum.ray_engine import summarize_stories

            summaries = summarize_stories(self.config, jobs, corpus, workers, address, progress)
        else:
            summaries = self._summarize_local(jobs, corpus, progress)
        results = [StoryResult(story=s, summary=m) for (s, _), m in zip(jobs, summaries, strict=True)]
        result = Result(stories=tuple(results), documents=corpus.documents, sentences=corpus.sentences,
                        manifest=manifest or Manifest(), config_hash=self.config.hash(), version=__version__)
        require_sentences(result, self.filter)  # an all-empty result is an error that says why
        return result

    def summarize_story(self, documents: Sequence[Document]) -> Summary:
        """Summarise documents known to be one story (evaluation: no clustering)."""
        corpus = self.prepare(documents, cluster=False)
        story = Story(id="story-1", doc_ids=tuple(d.id for d in corpus.documents), title=corpus.documents[0].title)
        return self.summarize_prepared(story, corpus.documents, corpus)

    def prepare(self, documents: Sequence[Document], progress: Progress = _no_progress,
                cluster: bool = True, summaries: bool = True) -> Corpus:
        """Segment every document and embed what clustering reads, with ``cluster_embedder``: each headline
        and the sentences ``clusterer.reads_sentences`` names. A story's other sentences are embedded when
        it is summarised (by ``embedder``). With ``summaries`` false (a route that only clusters) only the
        documents ``clusterer.reads_documents`` names are segmented. Every route (summarize, evaluate,
        evaluate-clustering, scripts) prepares here."""
        documents = tuple(documents)
        _check_ids(documents)
        segmented = documents if summaries else tuple(self.clusterer.reads_documents(documents))
        sentences = _segment(self.segmenter, segmented, progress)
        if not cluster:  # nothing to embed yet: each story embeds its eligible sentences
            return Corpus(documents, sentences, _NO_VECTORS)
        wanted = self.clusterer.reads_sentences(documents, sentences)
        ids = [s.id for s in wanted] + [title_id(d.id) for d in documents if d.title]
        texts = [s.text for s in wanted] + [d.title for d in documents if d.title]
        return Corpus(documents, sentences, _embed(self.cluster_embedder, ids, texts, progress))

    # -- the per-story chain --------------------------------------------------------------------------------

    def _summarize_local(self, jobs: list[tuple[Story, tuple[Document, ...]]], corpus: Corpus,
                         progress: Progress) -> list[Summary]:
        """Batches of ``STORY_BATCH`` stories in order; the next batch's vectors are embedded on a second thread
        while this one is summarised (the chain is mostly one-threaded Python and the checker, so a second core
        sits idle otherwise; the vectors, and so the output, are the same)."""
        batches = [jobs[start:start + STORY_BATCH] for start in range(0, len(jobs), STORY_BATCH)]
        summaries: list[Summary] = []
        if not batches:
            return summaries
        upcoming = _Prefetch(self.embedder, self._to_embed(batches[0], corpus))
        try:
            for k, batch in enumerate(batches):
                ahead = upcoming.result()
                if k + 1 < len(batches):
                    upcoming = _Prefetch(self.embedder, self._to_embed(batches[k + 1], corpus))
                done = k * STORY_BATCH
                summaries += self.summarize_batch(batch, corpus, lambda n, d=done: progress("summarize", d + n,
                                                                                             len(jobs)), ahead)
        finally:  # a Ctrl-C or an error: the thread stops within a chunk, before the interpreter shuts down
            upcoming.stop()
        progress("summarize", len(jobs), len(jobs))
        return summaries

    def summarize_batch(self, jobs: Sequence[tuple[Story, tuple[Document, ...]]], corpus: Corpus,
                        step: Callable[[int], None] = lambda n: None,
                        ahead: Embeddings | None = None) -> list[Summary]:
        """The per-story chain for a batch of stories (each engine's unit of work): their sentence vectors in
        one call (:meth:`story_vectors`, unless given as ``ahead``), then each story; ``step(n)`` before the
        n-th (0-based)."""
        ahead = self.story_vectors(jobs, corpus) if ahead is None else ahead
        out = []
        for n, (story, docs) in enumerate(jobs):
            step(n)
            out.append(self.summarize_prepared(story, docs, corpus, ahead))
        return out

    def summarize_prepared(self, story: Story, docs: tuple[Document, ...], corpus: Corpus,
                           ahead: Embeddings | None = None) -> Summary:
        """The per-story chain on an already prepared corpus (what each engine runs per story); ``ahead``:
        vectors :meth:`story_vectors` embedded for a batch of stories."""
        return self.summarize_grouped(self.group_story(story, docs, corpus, ahead))

    def story_vectors(self, jobs: Sequence[tuple[Story, tuple[Document, ...]]], corpus: Corpus) -> Embeddings:
        """The vectors :meth:`group_story` would embed for each of these stories, in one ``embedder`` call:
        a story of a large folder has a handful of sentences, and one call per story costs ~1.4x the time
        (measured: 99 vs 135 sentences/s). Float32 rows do not depend on their batch-mates, so the vectors are
        the same (tests/test_pipeline.py)."""
        missing = self._to_embed(jobs, corpus)
        if not missing:
            return _NO_VECTORS
        return Embeddings(ids=tuple(s.id for s in missing), matrix=self.embedder.embed([s.text for s in missing]))

    def _to_embed(self, jobs: Sequence[tuple[Story, tuple[Document, ...]]], corpus: Corpus) -> list[Sentence]:
        """The sentences :meth:`group_story` would embed for these stories (each once)."""
        reuse = self.cluster_embedder is self.embedder
        missing = []
        for story, _ in jobs:
            story_sents = corpus.sentences_of(story.doc_ids)
            eligible = self.filter.filter(story_sents)
            if self._reads_vectors(story_sents, eligible):
                missing += [s for s in eligible if not (reuse and s.id in corpus.embeddings)]
        return list({s.id: s for s in missing}.values())  # a document sits in one story, but stay safe

    def group_story(self, story: Story, docs: tuple[Document, ...], corpus: Corpus,
                    ahead: Embeddings | None = None) -> GroupedStory:
        """The chain up to its claim groups: filter, embed the eligible sentences (those not in ``ahead``) if
        the grouper or the ranker reads them, group."""
        story_sents = corpus.sentences_of(story.doc_ids)
        eligible = self.filter.filter(story_sents)
        wanted = eligible if self._reads_vectors(story_sents, eligible) else []
        embeddings = _story_vectors(self.embedder, corpus.embeddings, story_sents, wanted,
                                    reuse=self.cluster_embedder is self.embedder, ahead=ahead)
        groups = tuple(self.grouper.group(eligible, embeddings))
        return GroupedStory(story, docs, story_sents, embeddings, groups)

    def _reads_vectors(self, story_sents: Sequence[Sentence], eligible: Sequence[Sentence]) -> bool:
        """Whether the grouper or the ranker reads the story's sentence vectors; if neither does (a one-article
        story under the default config: 16 % of a 4,700-article folder's sentences) none are embedded."""
        grouper, ranker = (getattr(c, "reads_vectors", None) for c in (self.grouper, self.ranker))
        return grouper is None or ranker is None or grouper(eligible) or ranker(story_sents)

    def summarize_grouped(self, g: GroupedStory) -> Summary:
        """The rest of the chain: rank, then fuse / attribute / verify until the budget is full, then cut.
        (Scripts that compare rankers or budgets on the same groups call this on cached groups.)"""
        budget = self.budget
        ranked = self.ranker.rank(g.groups, g.sentences, g.embeddings, budget.max_words, budget.max_sentences)
        shipped = self._ship(ranked, list(g.sentences), g.documents)
        return Summary(story_id=g.story.id, sentences=tuple(shipped), documents=g.documents)

    def _ship(self, ranked: list[ClaimGroup], story_sents: list[Sentence],
              docs: tuple[Document, ...]) -> list[SummarySentence]:
        """Fuse, attribute and verify the ranked groups a batch at a time until the budget is full; the
        budget's cut of everything verified, in reading order.

        A batch is the next ``max_sentences`` groups: verification can drop a candidate, and a fused
        sentence can be shorter than its sources, so the budget is only known to be full after the fact.
        """
        verified: list[SummarySentence] = []
        kept: list[SummarySentence] = []
        step = self.budget.max_sentences
        for start in range(0, len(ranked), step):
            batch = ranked[start:start + step]
            candidates = self.fuser.fuse(batch, story_sents, docs)
            verified += self.verifier.verify(self.attributor.attribute(candidates, story_sents), story_sents)
            kept = self.budget.cut(verified, ranked, story_sents)
            if _full(kept, self.budget):
                break
        return kept


class _Prefetch:
    """Embeds ``sentences`` on a daemon thread, ``PREFETCH_CHUNK`` at a time, so that :meth:`stop` returns within
    one chunk: a thread still inside ONNX Runtime when the interpreter exits aborts the process (a Ctrl-C must
    exit 130, not 134). Chunks do not change the vectors: a row does not depend on its batch-mates."""

    def __init__(self, embedder: Embedder, sentences: Sequence[Sentence]) -> None:
        self._stopping = threading.Event()
        self._box: dict[str, Any] = {}
        self._thread = threading.Thread(target=self._work, args=(embedder, list(sentences)),
                                        name="mdsum-story-vectors", daemon=True)
        self._thread.start()

    def _work(self, embedder: Embedder, sentences: list[Sentence]) -> None:
        try:
            parts = []
            for start in range(0, len(sentences), PREFETCH_CHUNK):
                if self._stopping.is_set():
                    return
                parts.append(embedder.embed([s.text for s in sentences[start:start + PREFETCH_CHUNK]]))
            self._box["value"] = (Embeddings(ids=tuple(s.id for s in sentences), matrix=np.concatenate(parts))
                                  if parts else _NO_VECTORS)
        except BaseException as e:  # noqa: BLE001 - handed to the caller, who re-raises it
            self._box["error"] = e

    def result(self) -> Embeddings:
        """The vectors (waiting for them), or the error the embedder raised."""
        self._thread.join()
        if "error" in self._box:
            raise self._box["error"]
        return self._box["value"]

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()


def _full(kept: list[SummarySentence], budget: Budget) -> bool:
    """Full when no more sentences are allowed, or under 3 % of the words are left (nothing much fits)."""
    words = sum(word_count(s.text) for s in kept)
    return len(kept) >= budget.max_sentences or words >= 0.97 * budget.max_words


def _segment(segmenter: Segmenter, documents: tuple[Document, ...], progress: Progress) -> tuple[Sentence, ...]:
    """Every document's sentences, in order; a progress step per document (a large folder segments for minutes)."""
    progress("segment", 0, len(documents))
    sentences: list[Sentence] = []
    for n, d in enumerate(documents, 1):
        sentences += segmenter.segment(d)
        progress("segment", n, len(documents))
    return tuple(sentences)


STORY_BATCH = 256  # stories whose sentence vectors are embedded in one call by the local engine
PREFETCH_CHUNK = 128  # texts per embed call on the prefetch thread (at most ~1 s: how long a Ctrl-C waits for it)
_NO_VECTORS = Embeddings(ids=(), matrix=np.zeros((0, 0), dtype=np.float32))
EMBED_CHUNK = 1024  # texts per embed call in prepare: a large folder reports progress (and an ETA) as it goes


def _embed(embedder: Embedder, ids: list[str], texts: list[str], progress: Progress) -> Embeddings:
    progress("embed", 0, len(texts))
    parts = []
    for start in range(0, len(texts), EMBED_CHUNK):
        parts.append(embedder.embed(texts[start:start + EMBED_CHUNK]))
        progress("embed", min(start + EMBED_CHUNK, len(texts)), len(texts))
    matrix = np.concatenate(parts) if parts else embedder.embed([])
    return Embeddings(ids=tuple(ids), matrix=matrix)


def _story_vectors(embedder: Embedder, prepared: Embeddings, story_sents: Sequence[Sentence],
                   eligible: Sequence[Sentence], reuse: bool = True, ahead: Embeddings | None = None) -> Embeddings:
    """The story's own vectors: those ``prepare`` already made for its sentences, those embedded ``ahead`` for
    its batch of stories, plus the eligible sentences still missing. Story-local, so a folder of thousands of
    stories never copies the whole corpus per story. With ``reuse`` False (``prepare`` used another embedder,
    whose vectors live in another space) only the eligible sentences are embedded, as :meth:`summarize_story`
    does (the grouper reads only those)."""
    parts: list[tuple[list[str], np.ndarray]] = []
    if reuse:
        have = [s.id for s in story_sents if s.id in prepared]
        parts.append((have, prepared.of(have) if have else None))
    known = set(parts[0][0]) if parts else set()
    if ahead is not None:
        early = [s.id for s in eligible if s.id not in known and s.id in ahead]
        parts.append((early, ahead.of(early) if early else None))
        known.update(early)
    missing = [s for s in eligible if s.id not in known]
    parts.append(([s.id for s in missing], embedder.embed([s.text for s in missing]) if missing else None))
    parts = [(ids, m) for ids, m in parts if ids]
    if not parts:
        return _NO_VECTORS
    return Embeddings(ids=tuple(i for ids, _ in parts for i in ids),
                      matrix=np.vstack([m for _, m in parts]).astype(np.float32))


def _check_ids(documents: tuple[Document, ...]) -> None:
    if not documents:
        raise InputError("no documents to summarise")
    seen: set[str] = set()
    for d in documents:
        if d.id in seen:
            raise InputError(f"duplicate document id {d.id!r}; give every document a unique id")
        seen.add(d.id)
