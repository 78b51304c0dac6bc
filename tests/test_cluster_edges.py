"""The graph clusterer's learned edge test: features, model file, probabilities, and the clusterer using it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from mdsum.cluster_edges import (
    FEATURES,
    BoostedEdgeModel,
    EdgeModel,
    document_terms,
    learned_edges,
    load_edge_model,
    pair_features,
)
from mdsum.cluster_graph import GraphClusterer
from mdsum.errors import ModelError
from mdsum.types import Document, Embeddings, title_id


def test_document_terms_are_capitalised_words_without_stop_words_and_numbers() -> None:
    docs = [Document(id="a", text="said 36 civilians died in Homs on 2.5 km", title="The Kremlin"),
            Document(id="b", text="no names here")]
    names, numbers = document_terms(docs)
    assert names[0] == {"kremlin", "homs"}  # "The" is a stop word once lower-cased
    assert numbers[0] == {"36", "2.5"}
    assert names[1] == frozenset() and numbers[1] == frozenset()


def test_pair_features_by_hand() -> None:
    # three documents, k = 2; rows already scaled so dense·dense + lexical·lexical is the similarity
    dense = np.array([[0.6, 0.0], [0.6, 0.0], [0.0, 0.5]])
    lexical = sparse.csr_matrix(np.array([[0.8, 0.0], [0.4, 0.0], [0.0, 0.5]]))
    neighbours = np.array([[1, 2], [0, 2], [0, 1]])
    similarities = np.array([[0.68, 0.0], [0.68, 0.0], [0.0, 0.0]])
    names = [frozenset({"a", "b"}), frozenset({"b"}), frozenset()]
    numbers = [frozenset({"3"}), frozenset({"3"}), frozenset({"4"})]
    lo, hi, x = pair_features(neighbours, similarities, dense, lexical, names, numbers)
    assert list(zip(lo, hi)) == [(0, 1), (0, 2), (1, 2)] and x.shape == (3, len(FEATURES))
    row = dict(zip(FEATURES, x[0]))
    assert row["dense"] == pytest.approx(0.36) and row["lexical"] == pytest.approx(0.32)
    assert row["similarity"] == pytest.approx(0.68)
    assert row["background_high"] == 0.0 and row["above_background"] == pytest.approx(0.68)
    assert row["rank_ij"] == 0 and row["rank_ji"] == 0  # each is the other's first neighbour
    assert row["names"] == pytest.approx(0.5) and row["numbers"] == 1.0
    row = dict(zip(FEATURES, x[1]))  # (0, 2): 2 is 0's second neighbour, 0 is 2's first
    assert (row["rank_ij"], row["rank_ji"], row["names"], row["numbers"]) == (1, 0, 0.0, 0.0)


def test_pair_features_rank_of_a_one_way_neighbour_is_k() -> None:
    dense = np.eye(3)
    lexical = sparse.csr_matrix((3, 1))
    neighbours = np.array([[1], [2], [1]])  # 0 lists 1, 1 does not list 0
    lo, hi, x = pair_features(neighbours, np.zeros((3, 1)), dense, lexical, [frozenset()] * 3, [frozenset()] * 3)
    ranks = {(int(a), int(b)): (r1, r2) for a, b, r1, r2 in zip(lo, hi, x[:, 6], x[:, 7])}
    assert ranks == {(0, 1): (0, 1), (1, 2): (0, 0)}


def test_pair_features_skip_the_empty_slots_of_a_short_neighbour_list() -> None:
    dense = np.eye(3)
    lexical = sparse.csr_matrix((3, 1))
    neighbours = np.array([[1, 3], [0, 2], [1, 3]])  # index 3 = n: no neighbour found for that slot
    similarities = np.array([[0.5, -np.inf], [0.5, 0.2], [0.2, -np.inf]])
    lo, hi, x = pair_features(neighbours, similarities, dense, lexical, [frozenset()] * 3, [frozenset()] * 3)
    assert list(zip(lo.tolist(), hi.tolist())) == [(0, 1), (1, 2)] and np.isfinite(x).all()
    assert x[0, 3] == pytest.approx(0.2)  # larger background: 1's last similarity; 0's empty slot counts 0


def test_learned_edges_threshold_and_order() -> None:
    edges = learned_edges(np.array([0, 0, 1, 2]), np.array([1, 2, 2, 3]), np.array([0.4, 0.9, 0.9, 0.6]), 0.5)
    assert edges == [(0.9, 0, 2), (0.9, 1, 2), (0.6, 2, 3)]


def model(coef: dict[str, float], intercept: float, **fitted: float) -> EdgeModel:
    settings = {"lexical_weight": 0.7, "title_weight": 1.0, "neighbours": 10, **fitted}
    return EdgeModel(mean=(0.0,) * len(FEATURES), scale=(1.0,) * len(FEATURES),
                     coef=tuple(coef.get(f, 0.0) for f in FEATURES), intercept=intercept, **settings)


def test_probability_is_the_standardised_logistic() -> None:
    m = EdgeModel(mean=(1.0,) * 10, scale=(2.0,) * 10, coef=(0.5,) + (0.0,) * 9, intercept=-1.0,
                  lexical_weight=0.7, title_weight=1.0, neighbours=10)
    x = np.zeros((1, 10))
    x[0, 0] = 5.0  # z = (5 - 1) / 2 * 0.5 - 1 = 0
    assert m.probability(x)[0] == pytest.approx(0.5)
    x[0, 0] = 9.0  # z = 1
    assert m.probability(x)[0] == pytest.approx(1 / (1 + math.exp(-1)))


def write(tmp_path: Path, m: EdgeModel) -> str:
    path = tmp_path / "edges.json"
    path.write_text(json.dumps(m.to_json()), encoding="utf-8")
    return str(path)


def test_model_file_round_trip_and_clear_errors(tmp_path: Path) -> None:
    m = model({"names": 2.0}, -1.0)
    assert load_edge_model(write(tmp_path, m)) == m
    with pytest.raises(ModelError, match="cannot read edge model .*missing.json"):
        load_edge_model(str(tmp_path / "missing.json"))
    bad = m.to_json() | {"features": ["similarity"]}
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(ModelError, match="its features are not similarity, dense"):
        load_edge_model(str(tmp_path / "bad.json"))


@pytest.mark.parametrize("name", ["mdsum-edges-neus", "mdsum-edges-neus-boosted"])
def test_packaged_models_fit_the_default_graph_settings(name: str) -> None:
    m = load_edge_model(name)
    g = GraphClusterer()
    assert (m.lexical_weight, m.title_weight, m.neighbours) == (g.lexical_weight, g.title_weight, g.neighbours)
    assert GraphClusterer(edge_model=name).edge_model == m


def test_both_packaged_models_rank_a_story_mate_above_a_stranger() -> None:
    # the same pair features through both models: a close, top-ranked pair sharing names and numbers vs a
    # distant pair at the bottom of both lists that shares nothing
    mate = [0.45, 0.15, 0.30, 0.20, 0.15, 0.25, 0, 0, 0.6, 0.5]
    stranger = [0.12, 0.08, 0.04, 0.20, 0.15, -0.08, 9, 10, 0.0, 0.0]
    for name in ("mdsum-edges-neus", "mdsum-edges-neus-boosted"):
        p = load_edge_model(name).probability(np.array([mate, stranger], dtype=np.float64))
        assert p[0] > 0.5 > p[1], name


def test_the_default_large_clusterer_uses_the_boosted_model() -> None:
    from mdsum.config import load_config

    large = dict(dict(load_config(None).components)["clusterer"].params)["large"]
    assert large["edge_model"] == "mdsum-edges-neus-boosted"
    assert isinstance(load_edge_model(large["edge_model"]), BoostedEdgeModel)


def test_clusterer_refuses_a_model_fitted_with_other_settings(tmp_path: Path) -> None:
    path = write(tmp_path, model({}, 0.0, lexical_weight=0.5))
    with pytest.raises(ValueError, match="was fitted with .*'lexical_weight': 0.5.*this clusterer has"):
        GraphClusterer(edge_model=path)
    with pytest.raises(ValueError, match="edge_probability must be a number in"):
        GraphClusterer(edge_probability=1.5)


@pytest.mark.parametrize("kind", ["logistic", "boosted"])
def test_clusterer_edges_follow_the_model_not_the_threshold(tmp_path: Path, kind: str) -> None:
    # Unrelated headline vectors and disjoint words: no pair reaches the similarity threshold, but a model that
    # reads shared names joins the documents that share them (the merge check is off: threshold ~0).
    names = ["Hariri Beirut", "Hariri Beirut", "Lavrov Moscow", "Lavrov Moscow", "Merkel Berlin"]
    docs = [Document(id=f"d{i}", text=f"{n} text{i}", title=f"t{i}") for i, n in enumerate(names)]
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(5, 8)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    emb = Embeddings(ids=tuple(title_id(d.id) for d in docs), matrix=vecs)
    plain = GraphClusterer(threshold=0.9, lexical_weight=0.7, neighbours=3)
    assert len(plain.cluster(docs, [], emb)) == 5
    if kind == "logistic":
        path = write(tmp_path, model({"names": 10.0}, -5.0, neighbours=3))  # p >= 0.5 iff names Jaccard >= 0.5
    else:
        path = boosted_file(tmp_path, neighbours=3)[0]  # taught the same rule from examples
    learned = GraphClusterer(threshold=1e-9, link_margin=None, neighbours=3, edge_model=path)
    stories = {frozenset(s.doc_ids) for s in learned.cluster(docs, [], emb)}
    assert stories == {frozenset({"d0", "d1"}), frozenset({"d2", "d3"}), frozenset({"d4"})}


def test_clusterer_link_probability_stops_a_chain_of_edges(tmp_path: Path) -> None:
    # Names chain d0–d1–d2 (Jaccard 1/3 each: p 0.70), d0–d2 share none (p 0.08): every edge clears τ 0.5, but
    # {d0, d1} + d2 has a mean cross-pair probability of (0.70 + 0.08) / 2 = 0.39.
    names = ["Alpha Beta", "Beta Gamma", "Gamma Delta"]
    docs = [Document(id=f"d{i}", text=f"{n} text", title=f"t{i}") for i, n in enumerate(names)]
    vecs = np.ones((3, 4), dtype=np.float32) / 2.0  # identical headlines: the similarity check always passes
    emb = Embeddings(ids=tuple(title_id(d.id) for d in docs), matrix=vecs)
    path = write(tmp_path, model({"names": 10.0}, -2.5, neighbours=2))
    kw = {"threshold": 1e-9, "link_margin": None, "neighbours": 2, "edge_model": path}
    chained = {frozenset(s.doc_ids) for s in GraphClusterer(**kw).cluster(docs, [], emb)}
    assert chained == {frozenset({"d0", "d1", "d2"})}
    checked = {frozenset(s.doc_ids) for s in GraphClusterer(link_probability=0.5, **kw).cluster(docs, [], emb)}
    assert checked == {frozenset({"d0", "d1"}), frozenset({"d2"})}


def boosted_file(tmp_path: Path, neighbours: int = 10) -> tuple[str, np.ndarray, np.ndarray]:
    """An ONNX edge model written by the training script's own export, taught "same story iff the names
    Jaccard is >= 0.5" on synthetic pairs; with those pairs."""
    import sys

    pytest.importorskip("skl2onnx")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
    from train_edge_model import fit_boosted

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(400, 10))
    y = x[:, 8] >= 0.5
    path = tmp_path / "edges.onnx"
    path.write_bytes(fit_boosted(x, y, GraphClusterer(neighbours=neighbours)))
    return str(path), x, y


def test_boosted_model_runs_the_exported_ensemble(tmp_path: Path) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    path, x, y = boosted_file(tmp_path)
    m = load_edge_model(path)
    g = GraphClusterer()
    assert (m.lexical_weight, m.title_weight, m.neighbours) == (g.lexical_weight, g.title_weight, g.neighbours)
    same = HistGradientBoostingClassifier(early_stopping=False, random_state=0).fit(x, y)
    p = m.probability(x)
    assert p.dtype == np.float64 and p.shape == (400,)
    np.testing.assert_allclose(p, same.predict_proba(x)[:, 1], atol=1e-4)  # float32 trees vs float64
    assert ((p >= 0.5) == y).mean() > 0.97


def test_boosted_model_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "junk.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelError, match="cannot read edge model .*junk.onnx"):
        load_edge_model(str(tmp_path / "junk.onnx"))
    with pytest.raises(ModelError, match="cannot read edge model .*missing.onnx"):
        load_edge_model(str(tmp_path / "missing.onnx"))
    path, _, _ = boosted_file(tmp_path, neighbours=3)
    with pytest.raises(ValueError, match="was fitted with .*'neighbours': 3.*this clusterer has"):
        GraphClusterer(edge_model=path)


def test_boosted_model_without_its_metadata_is_refused(tmp_path: Path) -> None:
    import onnx

    path, _, _ = boosted_file(tmp_path)
    proto = onnx.load(path)
    del proto.metadata_props[:]
    onnx.save(proto, str(tmp_path / "bare.onnx"))
    with pytest.raises(ModelError, match="its features are not similarity, dense"):
        load_edge_model(str(tmp_path / "bare.onnx"))
