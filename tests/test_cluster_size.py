"""The size-aware clusterer: which clusterer runs, what it reads, how it is configured."""

from __future__ import annotations

import numpy as np
import pytest

from mdsum.cluster import AgglomerativeClusterer
from mdsum.cluster_graph import GraphClusterer
from mdsum.cluster_size import SizeAwareClusterer
from mdsum.config import ComponentSpec, build, load_config
from mdsum.errors import ConfigError
from mdsum.types import Document, Embeddings, Sentence


class Recording:
    """A clusterer stand-in that records the folders it was given."""

    def __init__(self, lead: int) -> None:
        self.lead, self.calls = lead, []

    def reads_documents(self, documents):
        return list(documents)[:self.lead]

    def reads_sentences(self, documents, sentences):
        return [s for s in sentences if s.index < self.lead]

    def cluster(self, documents, sentences, embeddings):
        self.calls.append(len(documents))
        return []


def docs(n: int) -> list[Document]:
    return [Document(id=f"d{i}", text="x") for i in range(n)]


def test_small_folders_go_to_small_and_large_ones_to_large() -> None:
    c = SizeAwareClusterer(switch_at=3)
    c.small, c.large = Recording(0), Recording(3)
    empty = Embeddings(ids=(), matrix=np.zeros((0, 2), dtype=np.float32))
    for n in (1, 2, 3, 4):
        c.cluster(docs(n), [], empty)
    assert c.small.calls == [1, 2] and c.large.calls == [3, 4]
    sents = [Sentence(id=f"d0#{i}", doc_id="d0", index=i, text="x", start=0, end=1) for i in range(5)]
    # what the pipeline embeds before clustering: the part that will cluster the folder decides
    assert [len(c.reads_sentences(docs(n), sents)) for n in (2, 3)] == [0, 3]
    assert [len(c.reads_documents(docs(n))) for n in (2, 4)] == [0, 3]


def test_default_parts_and_nested_arguments() -> None:
    c = SizeAwareClusterer()
    assert isinstance(c.small, AgglomerativeClusterer) and isinstance(c.large, GraphClusterer)
    c = SizeAwareClusterer(large={"name": "mdsum.graph_clusterer.v1", "threshold": 0.3})
    assert c.large.threshold == 0.3
    with pytest.raises(ValueError, match="small must be a registered clusterer name or a mapping with 'name'"):
        SizeAwareClusterer(small=3)
    with pytest.raises(ValueError, match="switch_at must be an integer >= 0"):
        SizeAwareClusterer(switch_at=2.5)


def test_config_fills_and_checks_the_nested_clusterers(tmp_path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("clusterer:\n  large:\n    threshold: 0.2\n", encoding="utf-8")
    spec = dict(load_config(cfg).components)["clusterer"]
    params = dict(spec.params)
    assert params["large"]["threshold"] == 0.2 and params["large"]["neighbours"] == 10  # merged over the default
    assert params["small"]["name"] == "mdsum.agglomerative_clusterer.v1"
    cfg.write_text("clusterer:\n  large:\n    treshold: 0.2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="treshold"):
        load_config(cfg)
    built = build("clusterer", spec)
    assert built.large.threshold == 0.2
    assert build("clusterer", ComponentSpec("mdsum.size_aware_clusterer.v1", (("switch_at", 7),))).switch_at == 7
