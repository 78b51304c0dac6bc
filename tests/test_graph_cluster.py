from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from mdsum.cluster import AgglomerativeClusterer
from mdsum.cluster_graph import (
    GraphClusterer,
    approximate_neighbours,
    day_number,
    exact_neighbours,
    graph_edges,
    lexical_vectors,
    merge_edges,
    pair_similarity,
)
from mdsum.config import ComponentSpec, build
from mdsum.errors import ConfigError
from mdsum.types import Document, Embeddings, Sentence, title_id


def no_lexical(n: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((n, 1))


def unit(rows: list[list[float]]) -> np.ndarray:
    m = np.asarray(rows, dtype=np.float64)
    return m / np.linalg.norm(m, axis=1, keepdims=True)


def test_exact_neighbours_adds_dense_and_lexical_parts() -> None:
    dense = np.array([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]])
    lexical = sparse.csr_matrix(np.array([[0.0], [0.0], [0.5]]))
    idx, sim = exact_neighbours(dense, lexical, k=2, chunk=2)  # chunk 2: rows cross a chunk border
    # row 0: to 1 → 0.8, to 2 → 0; row 1: to 2 → 0.6 + 0 (row 1 has no lexical part) = 0.6, to 0 → 0.8
    assert idx.tolist() == [[1, 2], [0, 2], [1, 0]]
    assert sim == pytest.approx(np.array([[0.8, 0.0], [0.8, 0.6], [0.6, 0.0]]))


def test_exact_neighbours_ties_go_to_the_lower_index_and_k_is_capped() -> None:
    idx, sim = exact_neighbours(np.ones((3, 1)), no_lexical(3), k=5)
    assert idx.tolist() == [[1, 2], [0, 2], [0, 1]]
    assert exact_neighbours(np.ones((1, 1)), no_lexical(1), k=3)[0].shape == (1, 0)


def test_pair_similarity() -> None:
    dense = np.array([[1.0, 0.0], [0.6, 0.8]])
    lexical = sparse.csr_matrix(np.array([[0.3, 0.4], [0.0, 0.5]]))
    assert pair_similarity(np.array([0, 1]), np.array([1, 1]), dense, lexical) == pytest.approx([0.6 + 0.2, 1.25])


def test_graph_edges_threshold_and_mutual() -> None:
    # 0's list: 1 (0.9), 2 (0.5); 1's list: 0 (0.9), 2 (0.7); 2's list: 1 (0.7), 0 (0.5).
    idx = np.array([[1, 2], [0, 2], [1, 0]])
    sim = np.array([[0.9, 0.5], [0.9, 0.7], [0.7, 0.5]])
    assert graph_edges(idx, sim, 0.6, mutual=False) == [(0.9, 0, 1), (0.7, 1, 2)]
    assert graph_edges(idx, sim, 0.1, mutual=False) == [(0.9, 0, 1), (0.7, 1, 2), (0.5, 0, 2)]
    # With k = 1, 2 lists 1 but 1 lists 0 only: the 1–2 edge is one-sided and mutual drops it.
    assert graph_edges(idx[:, :1], sim[:, :1], 0.1, mutual=True) == [(0.9, 0, 1)]
    assert graph_edges(idx[:, :1], sim[:, :1], 0.1, mutual=False) == [(0.9, 0, 1), (0.7, 1, 2)]


def test_graph_edges_background_margin() -> None:
    # Background = last listed neighbour's similarity: 0.5 for rows 0 and 2, 0.7 for row 1.
    idx = np.array([[1, 2], [0, 2], [1, 0]])
    sim = np.array([[0.9, 0.5], [0.9, 0.7], [0.7, 0.5]])
    # 0–1: 0.9 >= max(0.5, 0.7) + 0.1; 1–2: 0.7 < 0.8; 0–2: 0.5 < 0.6.
    assert graph_edges(idx, sim, 0.1, mutual=False, margin=0.1) == [(0.9, 0, 1)]
    assert graph_edges(idx, sim, 0.1, mutual=False, margin=0.0) == [(0.9, 0, 1), (0.7, 1, 2), (0.5, 0, 2)]


def test_merge_edges_average_link_check_stops_chaining() -> None:
    # A chain a–b–c–d of unit vectors 36.87° apart: each neighbour pair has cosine 0.8, but a and c only 0.28.
    angles = np.deg2rad([0, 36.87, 73.74, 110.61])
    dense = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    edges = [(0.8, 0, 1), (0.8, 1, 2), (0.8, 2, 3)]
    # Single link would join all four; {a,b} + c has average link (0.28 + 0.8) / 2 = 0.54.
    assert merge_edges(4, edges, dense, no_lexical(4), link_threshold=0.0).tolist() == [0, 0, 0, 0]
    assert merge_edges(4, edges, dense, no_lexical(4), link_threshold=0.6).tolist() == [0, 0, 1, 1]
    assert merge_edges(4, edges, dense, no_lexical(4), link_threshold=0.5).tolist() == [0, 0, 0, 1]  # then 0.35


def test_merge_edges_average_link_counts_the_lexical_part() -> None:
    dense = np.zeros((3, 1))
    lexical = sparse.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]]))
    edges = [(0.8, 0, 1), (0.8, 1, 2)]  # a–c similarity 0: average link of {a,b} to c = (0 + 0.8) / 2 = 0.4
    assert merge_edges(3, edges, dense, lexical, link_threshold=0.41).tolist() == [0, 0, 1]
    assert merge_edges(3, edges, dense, lexical, link_threshold=0.39).tolist() == [0, 0, 0]


def test_merge_edges_probability_average_link() -> None:
    # Edges a–b 0.9, b–c 0.8, c–d 0.5; a–c also scored (0.4), the other pairs are not in the graph.
    dense = np.ones((4, 1))  # the similarity check always passes: only the probability check decides
    edges = [(0.9, 0, 1), (0.8, 1, 2), (0.5, 2, 3)]
    scored = (np.array([0, 1, 2, 0]), np.array([1, 2, 3, 2]), np.array([0.9, 0.8, 0.5, 0.4]))
    kw = {"probabilities": scored}
    # {a,b} + c: scored cross pairs b–c, a–c: (0.8 + 0.4) / 2 = 0.6; {a,b,c} + d: only c–d is scored: 0.5
    assert merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.61, **kw).tolist() == [0, 0, 1, 1]
    assert merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.55, **kw).tolist() == [0, 0, 0, 1]
    assert merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.5, **kw).tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="go together"):
        merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.5)


def test_merge_edges_probability_sums_follow_merges_and_skip_unscored_pairs() -> None:
    # {a,b} and {c,d} form first; their scored cross pairs are a–c 0.6 and b–d 0.5 (a–d, b–c are not in the
    # graph and do not count, so the check does not fall with story size): mean 0.55.
    dense = np.ones((4, 1))
    edges = [(0.9, 0, 1), (0.9, 2, 3), (0.6, 0, 2)]
    scored = (np.array([0, 2, 0, 1]), np.array([1, 3, 2, 3]), np.array([0.9, 0.9, 0.6, 0.5]))
    kw = {"probabilities": scored}
    assert merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.56, **kw).tolist() == [0, 0, 1, 1]
    assert merge_edges(4, edges, dense, no_lexical(4), 0.0, link_probability=0.55, **kw).tolist() == [0, 0, 0, 0]


def test_link_probability_needs_an_edge_model() -> None:
    with pytest.raises(ValueError, match="needs an edge_model"):
        GraphClusterer(link_probability=0.3)
    with pytest.raises(ValueError, match="link_probability"):
        GraphClusterer(edge_model="mdsum-edges-neus", link_probability=1.5)


def test_merge_edges_time_window() -> None:
    dense = np.ones((3, 1))
    edges = [(1.0, 0, 1), (1.0, 1, 2)]
    days = [0, 20, 45]  # 0–1 span 20 days; adding 2 spans 45
    assert merge_edges(3, edges, dense, no_lexical(3), 0.5, days, max_days=30).tolist() == [0, 0, 1]
    assert merge_edges(3, edges, dense, no_lexical(3), 0.5, days, max_days=45).tolist() == [0, 0, 0]
    assert merge_edges(3, edges, dense, no_lexical(3), 0.5, [0, None, 45], max_days=30).tolist() == [0, 0, 1]
    assert merge_edges(3, edges, dense, no_lexical(3), 0.5, days, max_days=None).tolist() == [0, 0, 0]


def test_day_number() -> None:
    assert day_number("2024-03-01") - day_number("2024-02-28") == 2  # leap year
    assert day_number("2024-03-01T10:00:00Z") == day_number("2024-03-01")
    assert day_number(None) is None and day_number("yesterday") is None and day_number("") is None


def test_lexical_vectors_unit_rows_and_empty_input() -> None:
    m = lexical_vectors(["Brackenford levee breaks", "levee holds", "the and of"])
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    assert norms == pytest.approx([1.0, 1.0, 0.0])  # a text of stop words only is a zero row
    assert lexical_vectors(["the", "a"]).nnz == 0


def test_approximate_neighbours_match_exact_on_separated_data() -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(20, 16))
    dense = unit((centres[np.arange(200) % 20] + 0.2 * rng.normal(size=(200, 16))).tolist()) * np.sqrt(0.5)
    lexical = lexical_vectors([f"topic{i % 20} item{i}" for i in range(200)]) * np.sqrt(0.5)
    ex_idx, ex_sim = exact_neighbours(dense, lexical, k=5)
    ap_idx, ap_sim = approximate_neighbours(dense, lexical, k=5, candidates=15)
    assert ap_sim == pytest.approx(ex_sim)  # re-scored exactly: same similarities
    assert (ap_idx == ex_idx).mean() > 0.95


def synthetic(n_stories: int, per_story: int, seed: int = 0):
    """Documents in ``n_stories`` groups: sentence vectors near a group centre, titles sharing a group name."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_stories, 16))
    docs, sents, rows = [], [], []
    for i in range(n_stories * per_story):
        g, doc_id = i % n_stories, f"d{i:04d}"
        docs.append(Document(id=doc_id, text=f"Story{g} latest", title=f"Story{g} update"))
        for j in range(4):
            sents.append(Sentence(id=f"{doc_id}#{j}", doc_id=doc_id, index=j, text=f"s {j}", start=0, end=1))
            rows.append(centres[g] + 0.3 * rng.normal(size=16) if j < 3 else rng.normal(size=16))
    m = unit([list(r) for r in rows]).astype(np.float32)
    return docs, sents, Embeddings(ids=tuple(s.id for s in sents), matrix=m)


def test_merge_edges_link_margin_raises_the_bar_where_neighbours_are_close() -> None:
    # Pairs {0,1} and {2,3} (cosine 1) with cross cosine 0.6 between them; the bridging edge 1–2 is 0.6.
    dense = unit([[1.0, 0.0], [1.0, 0.0], [0.6, 0.8], [0.6, 0.8]])
    edges = [(1.0, 0, 1), (1.0, 2, 3), (0.6, 1, 2)]
    quiet = np.array([0.1, 0.1, 0.1, 0.1])  # each document's 10th-neighbour similarity
    crowd = np.array([0.5, 0.6, 0.6, 0.7])  # mean 0.6
    # average link {0,1}-{2,3} = 0.6: enough for the fixed check (0.5) and a quiet background + 0.05 (0.15)
    assert merge_edges(4, edges, dense, no_lexical(4), 0.5).tolist() == [0, 0, 0, 0]
    assert merge_edges(4, edges, dense, no_lexical(4), 0.5, background=quiet, link_margin=0.05).tolist() == [0] * 4
    # in a crowd the union must beat its mean background 0.6 + 0.05: it does not
    assert merge_edges(4, edges, dense, no_lexical(4), 0.5, background=crowd,
                       link_margin=0.05).tolist() == [0, 0, 1, 1]
    assert merge_edges(4, edges, dense, no_lexical(4), 0.5, background=crowd,
                       link_margin=0.0).tolist() == [0] * 4  # 0.6 >= 0.6 + 0
    # two single documents: the edge itself decides (the margin test on edges is graph_edges' job)
    assert merge_edges(2, [(0.6, 0, 1)], dense[1:3], no_lexical(2), 0.5, background=crowd[:2],
                       link_margin=0.3).tolist() == [0, 0]


def partition(stories) -> set[frozenset[str]]:
    return {frozenset(s.doc_ids) for s in stories}


def gold(n_stories: int, per_story: int) -> set[frozenset[str]]:
    return {frozenset(f"d{i:04d}" for i in range(n_stories * per_story) if i % n_stories == g)
            for g in range(n_stories)}


def test_graph_clusterer_recovers_groups_on_both_neighbour_paths() -> None:
    docs, sents, emb = synthetic(30, 4)
    exact = GraphClusterer(threshold=0.55, lexical_weight=0.5).cluster(docs, sents, emb)
    approx = GraphClusterer(threshold=0.55, lexical_weight=0.5, exact_below=0).cluster(docs, sents, emb)
    assert partition(exact) == gold(30, 4) == partition(approx)
    assert exact[0].doc_ids[0] == "d0000" and exact[0].title == "Story0 update"


def test_graph_clusterer_reads_only_the_lead() -> None:
    # Sentence 3 of each document is random noise; a lead of 3 ignores it, a lead of 4 has to average it in.
    docs, sents, emb = synthetic(30, 4)
    lead3 = GraphClusterer(threshold=0.6, lexical_weight=0.0, lead_sentences=3, title_weight=0.0)
    lead4 = GraphClusterer(threshold=0.6, lexical_weight=0.0, lead_sentences=4, title_weight=0.0)
    dense3 = lead3.features(docs, sents, emb)[0]
    dense4 = lead4.features(docs, sents, emb)[0]
    assert (dense3[0] @ dense3[30]) > (dense4[0] @ dense4[30])  # same story, tighter without the noise
    sent0 = [s for s in sents if s.index == 0]
    lead1_vec = GraphClusterer(lead_sentences=1, title_weight=0.0, lexical_weight=0.0).features(docs, sent0, emb)[0]
    assert lead1_vec[0] == pytest.approx(emb.of(["d0000#0"])[0], abs=1e-6)


def test_graph_clusterer_embeds_no_sentence_of_a_titled_document_at_title_weight_1() -> None:
    docs, sents, emb = synthetic(10, 3)
    docs[0] = Document(id=docs[0].id, text=docs[0].text)  # untitled: its vector is its lead's
    read = GraphClusterer(lead_sentences=2, title_weight=1.0).reads_sentences(docs, sents)
    assert [s.id for s in read] == ["d0000#0", "d0000#1"]
    mixed = GraphClusterer(lead_sentences=2, title_weight=0.5).reads_sentences(docs, sents)
    assert len(mixed) == 2 * len(docs) and all(s.index < 2 for s in mixed)
    # what it skips is what it never reads: the same stories with or without those vectors
    heads = np.vstack([emb.of([f"{d.id}#0", f"{d.id}#1"]).mean(axis=0) for d in docs]).astype(np.float32)
    head_ids = tuple(title_id(d.id) for d in docs if d.title)
    heads = heads[[bool(d.title) for d in docs]]
    every = Embeddings(ids=emb.ids + head_ids, matrix=np.vstack([emb.matrix, heads]))
    read_only = Embeddings(ids=tuple(s.id for s in read) + head_ids,
                           matrix=np.vstack([emb.of([s.id for s in read]), heads]))
    clusterer = GraphClusterer(threshold=0.4, lead_sentences=2)
    stories = partition(clusterer.cluster(docs, sents, every))
    assert stories == partition(clusterer.cluster(docs, read, read_only)) and len(stories) < len(docs)
    # a route that only clusters segments only the documents it reads: the untitled one
    assert [d.id for d in clusterer.reads_documents(docs)] == [docs[0].id]
    assert len(GraphClusterer(title_weight=0.5).reads_documents(docs)) == len(docs)
    segmented = [s for s in sents if s.doc_id == docs[0].id]
    assert stories == partition(clusterer.cluster(docs, segmented, read_only))


def test_agglomerative_clusterer_embeds_every_lead_sentence() -> None:
    docs, sents, _ = synthetic(3, 2)
    assert len(AgglomerativeClusterer(lead_sentences=0).reads_sentences(docs, sents)) == len(sents)
    assert len(AgglomerativeClusterer(lead_sentences=1).reads_sentences(docs, sents)) == len(docs)
    assert AgglomerativeClusterer().reads_documents(docs) == docs


def test_graph_clusterer_partition_independent_of_input_order_and_small_inputs() -> None:
    docs, sents, emb = synthetic(10, 3)
    base = partition(GraphClusterer(threshold=0.4).cluster(docs, sents, emb))
    shuffled = [docs[i] for i in np.random.default_rng(1).permutation(len(docs))]
    stories = GraphClusterer(threshold=0.4).cluster(shuffled, sents[::-1], emb)
    assert partition(stories) == base and stories[0].doc_ids[0] == shuffled[0].id
    assert GraphClusterer().cluster([], [], emb) == []
    assert partition(GraphClusterer().cluster(docs[:1], sents, emb)) == {frozenset({"d0000"})}


def test_graph_clusterer_time_window_splits_a_story_months_apart() -> None:
    docs, sents, emb = synthetic(2, 4)
    dated = [Document(id=d.id, text=d.text, title=d.title, date="2024-01-01" if i < 4 else "2024-06-01")
             for i, d in enumerate(docs)]
    assert len(GraphClusterer(threshold=0.4).cluster(dated, sents, emb)) == 2
    assert len(GraphClusterer(threshold=0.4, max_days=30).cluster(dated, sents, emb)) == 4


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"threshold": 0}, "threshold must be a number in (0, 1], got 0"),
    ({"link_ratio": 1.5}, "link_ratio must be a number in [0, 1], got 1.5"),
    ({"neighbours": 0}, "neighbours must be an integer >= 1, got 0"),
    ({"mutual": "yes"}, "mutual must be true or false, got 'yes'"),
    ({"lead_sentences": 0}, "lead_sentences must be an integer >= 1, got 0"),
    ({"max_days": -1}, "max_days must be an integer >= 0, got -1"),
    ({"margin": -0.1}, "margin must be a number in [0, 1], got -0.1"),
    ({"link_margin": 2}, "link_margin must be a number in [0, 1], got 2"),
    ({"exact_below": 1.5}, "exact_below must be an integer >= 0, got 1.5"),
])
def test_graph_param_validation_names_the_bad_value(kwargs, message) -> None:
    with pytest.raises(ValueError) as err:
        GraphClusterer(**kwargs)
    assert message in str(err.value)


def test_graph_clusterer_built_from_config() -> None:
    comp = build("clusterer", ComponentSpec("mdsum.graph_clusterer.v1", (("threshold", 0.4), ("lead_sentences", 2))))
    assert isinstance(comp, GraphClusterer) and comp.threshold == 0.4 and comp.lead_sentences == 2
    with pytest.raises(ConfigError, match="neighbours"):
        build("clusterer", ComponentSpec("mdsum.graph_clusterer.v1", (("neighbours", 0),)))
