"""The per-story chain on Ray: the same stages, one pipeline per actor, stories in parallel.

Reading, preparing and clustering stay global (they need every document); each story is then summarised by a
pool of actors, each holding its own models (built from the same config, so loaded once per actor). The
prepared corpus is put in Ray's object store once and shared; results come back in story order, so the output
is the same as the local engine's. An actor is sent a batch of stories, as the local engine runs them
(``Pipeline.summarize_batch``: one embedder call for the batch's sentences). Install with
``pip install mdsum[ray]``; ``address`` joins a running cluster (``ray start --head`` on a machine, or
``"auto"``); ``None`` starts a local Ray for this run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from mdsum.config import Config
from mdsum.errors import ConfigError
from mdsum.types import Corpus, Document, Story, Summary


def summarize_stories(config: Config, jobs: Sequence[tuple[Story, tuple[Document, ...]]], corpus: Corpus,
                      workers: int | None = None, address: str | None = None,
                      progress: Callable[[str, int, int], None] | None = None) -> list[Summary]:
    """One summary per (story, documents) job, in job order."""
    ray = _ray()
    started = not ray.is_initialized()
    if started:
        ray.init(address=address, num_cpus=None if address else workers, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        n = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1)(_StoryWorker)
        pool = ray.util.ActorPool([actor.remote(config) for _ in range(min(n, max(len(jobs), 1)))])
        corpus_ref = ray.put(corpus)
        out: list[Summary] = []
        for summaries in pool.map(lambda a, batch: a.run.remote(batch, corpus_ref), batches(list(jobs), n)):
            out += summaries
            if progress is not None:
                progress("summarize", len(out), len(jobs))
        return out
    finally:
        if started:
            ray.shutdown()


def batches(jobs: list[Any], workers: int) -> list[list[Any]]:
    """Consecutive batches of at most the local engine's ``STORY_BATCH`` stories, at least one per worker."""
    from mdsum.pipeline import STORY_BATCH

    size = max(1, min(STORY_BATCH, -(-len(jobs) // max(workers, 1))))
    return [jobs[i:i + size] for i in range(0, len(jobs), size)]


class _StoryWorker:
    """A Ray actor: builds the pipeline once, then summarises the batches of stories it is sent."""

    def __init__(self, config: Config) -> None:
        from mdsum.pipeline import Pipeline

        self.pipeline = Pipeline(config)

    def run(self, batch: list[tuple[Story, tuple[Document, ...]]], corpus: Corpus) -> list[Summary]:
        return self.pipeline.summarize_batch(batch, corpus)


def _ray() -> Any:
    try:
        import ray
        import ray.util  # noqa: F401  (ActorPool)
    except ImportError:
        raise ConfigError("the ray engine needs Ray: pip install 'mdsum[ray]' (or pip install ray)") from None
    return ray
