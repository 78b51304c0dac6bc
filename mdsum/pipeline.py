"""The only module that knows every stage: wires them in data-flow order.

folder → reader → segmenter → embedder (once) → clusterer → per story: grouper → ranker → fuser → checker
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mdsum import __version__
from mdsum import check as _check  # noqa: F401  (imports register the components)
from mdsum import cluster as _cluster  # noqa: F401
from mdsum import embed as _embed  # noqa: F401
from mdsum import fuse as _fuse  # noqa: F401
from mdsum import group as _group  # noqa: F401
from mdsum import io as _io  # noqa: F401
from mdsum import nli as _nli  # noqa: F401
from mdsum import rank as _rank  # noqa: F401
from mdsum import segment as _segment  # noqa: F401
from mdsum.config import SLOTS, Config, build, load_config
from mdsum.errors import InputError
from mdsum.outcome import require_sentences
from mdsum.types import Document, Embeddings, Manifest, Result, Sentence, Story, StoryResult, Summary, title_id

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _no_progress(stage: str, done: int, total: int) -> None:
    pass


class Pipeline:
    """Cheap to construct; models load lazily on first use (or with :meth:`load`)."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.components: dict[str, Any] = {slot: build(slot, config.spec(slot), seed=config.seed) for slot in SLOTS}

    @classmethod
    def from_config(cls, config: str | Path | Config | None = None) -> Pipeline:
        """From a YAML path, a :class:`Config`, or ``None`` for the packaged default."""
        return cls(config if isinstance(config, Config) else load_config(config))

    def load(self) -> Pipeline:
        for comp in self.components.values():
            if hasattr(comp, "load"):
                comp.load()
        return self

    # -- public verbs -------------------------------------------------------------------------------------

    def summarize_folder(self, folder: str | Path, progress: Progress = _no_progress) -> Result:
        documents, manifest = self.components["reader"].read(Path(folder))
        if not documents:
            reasons = "; ".join(f"{f.path}: {f.reason}" for f in manifest.skipped[:5])
            detail = f" (skipped: {reasons})" if reasons else ""
            raise InputError(f"no readable articles in {folder}{detail}; add .txt, .md, .html, .json or .jsonl files")
        return self.summarize_documents(documents, manifest, progress=progress)

    def summarize_documents(self, documents: Sequence[Document], manifest: Manifest | None = None,
                            progress: Progress = _no_progress) -> Result:
        """Cluster ``documents`` into stories and summarise each."""
        documents = tuple(documents)
        _check_ids(documents)
        sentences = self._segment(documents)
        embeddings = self._embed(sentences, progress, titles=documents)
        stories = self.components["clusterer"].cluster(documents, sentences, embeddings)
        results = []
        for n, story in enumerate(stories):
            progress("summarize", n, len(stories))
            docs = tuple(d for d in documents if d.id in set(story.doc_ids))
            summary = self._summarize(story, docs, sentences, embeddings)
            results.append(StoryResult(story=story, summary=summary))
        progress("summarize", len(stories), len(stories))
        result = Result(stories=tuple(results), documents=documents, sentences=tuple(sentences),
                        manifest=manifest or Manifest(), config_hash=self.config.hash(), version=__version__)
        require_sentences(result, self.components)  # an all-empty result is an error that says why
        return result

    def summarize_story(self, documents: Sequence[Document]) -> Summary:
        """Summarise documents known to be one story (evaluation: no clustering)."""
        documents = tuple(documents)
        _check_ids(documents)
        sentences = self._segment(documents)
        embeddings = self._embed(sentences, _no_progress)
        story = Story(id="story-1", doc_ids=tuple(d.id for d in documents), title=documents[0].title)
        return self._summarize(story, documents, sentences, embeddings)

    # -- steps --------------------------------------------------------------------------------------------

    def _segment(self, documents: Sequence[Document]) -> list[Sentence]:
        seg = self.components["segmenter"]
        return [s for d in documents for s in seg.segment(d)]

    def _embed(self, sentences: Sequence[Sentence], progress: Progress,
               titles: Sequence[Document] = ()) -> Embeddings:
        """Every sentence, plus each titled document's headline as ``"<doc id>#title"`` (for clustering)."""
        ids = [s.id for s in sentences] + [title_id(d.id) for d in titles if d.title]
        texts = [s.text for s in sentences] + [d.title for d in titles if d.title]
        progress("embed", 0, len(texts))
        matrix = self.components["embedder"].embed(texts)
        progress("embed", len(texts), len(texts))
        return Embeddings(ids=tuple(ids), matrix=matrix)

    def _summarize(self, story: Story, docs: tuple[Document, ...], sentences: Sequence[Sentence],
                   embeddings: Embeddings) -> Summary:
        ids = set(story.doc_ids)
        story_sents = [s for s in sentences if s.doc_id in ids]
        groups = self.components["grouper"].group(story_sents, embeddings)
        ranked = self.components["ranker"].rank(groups, story_sents, embeddings)
        fused = self.components["fuser"].fuse(ranked, story_sents, docs)
        checked = self.components["checker"].check(fused, ranked, story_sents)
        return Summary(story_id=story.id, sentences=tuple(checked), documents=docs)


def _check_ids(documents: tuple[Document, ...]) -> None:
    if not documents:
        raise InputError("no documents to summarise")
    seen: set[str] = set()
    for d in documents:
        if d.id in seen:
            raise InputError(f"duplicate document id {d.id!r}; give every document a unique id")
        seen.add(d.id)
