"""Documents → stories with the clusterer that suits the folder's size (``mdsum.size_aware_clusterer.v1``).

The agglomerative clusterer's average-linkage threshold holds on folders of a few dozen stories and reads
every sentence, but costs O(N²) and chains unrelated stories once a folder holds hundreds of them; the graph
clusterer grows ~N log N and keeps more of its precision as N grows, but splits broad topics on small
folders. Below ``switch_at`` documents the ``small`` clusterer runs, from there the ``large`` one (measured
crossover in docs/clustering.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mdsum.config import build, component_spec
from mdsum.registry import register
from mdsum.types import Document, Embeddings, Sentence, Story


@register("clusterer", "mdsum.size_aware_clusterer.v1")
class SizeAwareClusterer:
    """``small`` for folders of fewer than ``switch_at`` documents, ``large`` from there (each a registered
    clusterer, by name or ``{name: ..., <its arguments>}``)."""

    def __init__(self, switch_at: int = 500, small: str | dict[str, Any] = "mdsum.agglomerative_clusterer.v1",
                 large: str | dict[str, Any] = "mdsum.graph_clusterer.v1") -> None:
        if isinstance(switch_at, bool) or not isinstance(switch_at, int) or switch_at < 0:
            raise ValueError(f"switch_at must be an integer >= 0 (documents), got {switch_at!r}")
        self.switch_at = switch_at
        self.small = build("clusterer", component_spec(small, "small", "clusterer"))
        self.large = build("clusterer", component_spec(large, "large", "clusterer"))

    def _for(self, n_documents: int) -> Any:
        return self.small if n_documents < self.switch_at else self.large

    def reads_documents(self, documents: Sequence[Document]) -> list[Document]:
        return self._for(len(documents)).reads_documents(documents)

    def reads_sentences(self, documents: Sequence[Document], sentences: Sequence[Sentence]) -> list[Sentence]:
        return self._for(len(documents)).reads_sentences(documents, sentences)

    def cluster(self, documents: Sequence[Document], sentences: Sequence[Sentence],
                embeddings: Embeddings) -> list[Story]:
        return self._for(len(documents)).cluster(documents, sentences, embeddings)
