from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mdsum.cluster import AgglomerativeClusterer, cluster_labels
from mdsum.cluster_common import document_vectors
from mdsum.config import ComponentSpec, build
from mdsum.errors import ConfigError
from mdsum.types import Document, Embeddings, Sentence, title_id

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "multiling2011_en"


def folder(spec: dict[str, list[list[float]]], titles: dict[str, str] | None = None):
    """Documents whose sentences have the given (unnormalised) vectors; text is neutral filler."""
    docs, sents, ids, rows = [], [], [], []
    for doc_id, vecs in spec.items():
        docs.append(Document(id=doc_id, text="x", title=(titles or {}).get(doc_id)))
        for i, v in enumerate(vecs):
            sid = f"{doc_id}#{i}"
            sents.append(Sentence(id=sid, doc_id=doc_id, index=i, text=f"sentence {i}", start=0, end=1))
            ids.append(sid)
            rows.append(np.asarray(v, dtype=np.float32) / np.linalg.norm(v))
    dim = len(rows[0]) if rows else 3
    matrix = np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
    return docs, sents, Embeddings(ids=tuple(ids), matrix=matrix)


def emb_only(threshold: float = 0.5, **kw) -> AgglomerativeClusterer:
    return AgglomerativeClusterer(distance_threshold=threshold, lexical_weight=0.0, **kw)


TWO_GROUPS = {
    "a1": [[1, 0.1, 0], [1, 0, 0.1]],
    "b1": [[0, 1, 0.1]],
    "a2": [[1, 0.2, 0]],
    "b2": [[0.1, 1, 0], [0, 1, 0]],
    "a3": [[0.9, 0, 0.2]],
}


def partition(stories) -> set[frozenset[str]]:
    return {frozenset(s.doc_ids) for s in stories}


def test_two_obvious_groups_split_and_ids_follow_input_order() -> None:
    docs, sents, emb = folder(TWO_GROUPS)
    stories = emb_only().cluster(docs, sents, emb)
    assert partition(stories) == {frozenset({"a1", "a2", "a3"}), frozenset({"b1", "b2"})}
    # s1 holds the first input document (a1), s2 the next story's first document (b1); members keep input order.
    assert [s.id for s in stories] == ["s1", "s2"]
    assert stories[0].doc_ids == ("a1", "a2", "a3")
    assert stories[1].doc_ids == ("b1", "b2")


def test_one_group_stays_one() -> None:
    docs, sents, emb = folder({"a": [[1, 0.1, 0]], "b": [[1, 0, 0.1]], "c": [[0.9, 0.1, 0.1]]})
    stories = emb_only().cluster(docs, sents, emb)
    assert partition(stories) == {frozenset({"a", "b", "c"})}


def test_single_document_and_empty_input() -> None:
    docs, sents, emb = folder({"only": [[0, 0, 1]]}, titles={"only": "The one story"})
    stories = AgglomerativeClusterer().cluster(docs, sents, emb)
    assert len(stories) == 1 and stories[0].id == "s1" and stories[0].doc_ids == ("only",)
    assert stories[0].title == "The one story"
    assert AgglomerativeClusterer().cluster([], [], emb) == []


def test_partition_independent_of_input_order() -> None:
    docs, sents, emb = folder(TWO_GROUPS)
    base = partition(emb_only().cluster(docs, sents, emb))
    for seed in range(5):
        order = np.random.default_rng(seed).permutation(len(docs))
        shuffled = [docs[i] for i in order]
        stories = emb_only().cluster(shuffled, sents[::-1], emb)
        assert partition(stories) == base
        assert stories[0].doc_ids[0] == shuffled[0].id  # s1 = story of the first input document


def test_threshold_controls_granularity() -> None:
    # Cosine between the groups' vectors is ~0.1-0.3, so distance ~0.7-0.9: a threshold of 1.5 merges all.
    docs, sents, emb = folder(TWO_GROUPS)
    assert len(emb_only(threshold=1.5).cluster(docs, sents, emb)) == 1
    assert len(emb_only(threshold=0.001).cluster(docs, sents, emb)) == 5  # closest pair: distance ~0.006


def test_lead_sentences_uses_only_the_lead() -> None:
    # Doc "x" starts like "a" but its tail is about "b": with lead 1 it joins "a", with all sentences neither.
    spec = {"a": [[1, 0, 0]], "b": [[0, 1, 0]], "x": [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 1, 0]]}
    docs, sents, emb = folder(spec)
    assert frozenset({"a", "x"}) in partition(emb_only(threshold=0.2, lead_sentences=1).cluster(docs, sents, emb))
    vec = document_vectors(docs, sents, emb, lead_sentences=0)[2]
    assert vec == pytest.approx(np.array([1, 3, 0]) / np.sqrt(10))  # mean of the four, renormalised


def test_document_without_sentences_is_its_own_story() -> None:
    docs, sents, emb = folder({"a": [[1, 0, 0]], "b": [[1, 0, 0]]})
    docs.append(Document(id="empty", text=""))
    stories = emb_only().cluster(docs, sents, emb)
    assert partition(stories) == {frozenset({"a", "b"}), frozenset({"empty"})}


def test_lexical_weight_merges_documents_sharing_names() -> None:
    # Orthogonal embeddings, but the same distinctive title: TF-IDF cosine 1 with weight 1 merges them.
    docs, sents, emb = folder({"p": [[1, 0, 0]], "q": [[0, 1, 0]], "r": [[0, 0, 1]]},
                              titles={"p": "Brackenford levee breaks", "q": "Brackenford levee breaks",
                                      "r": "Olympic torch reaches London"})
    assert len(emb_only().cluster(docs, sents, emb)) == 3
    lexical = AgglomerativeClusterer(distance_threshold=0.5, lexical_weight=1.0).cluster(docs, sents, emb)
    assert partition(lexical) == {frozenset({"p", "q"}), frozenset({"r"})}


def test_title_is_most_central_documents() -> None:
    # "mid" lies between the two others, so it has the highest mean similarity.
    docs, sents, emb = folder({"left": [[1, 0.6, 0]], "mid": [[1, 1, 0]], "right": [[0.6, 1, 0]]},
                              titles={"left": "Left", "mid": "Middle", "right": "Right"})
    stories = emb_only(threshold=0.9).cluster(docs, sents, emb)
    assert len(stories) == 1 and stories[0].title == "Middle"


def test_title_tie_goes_to_the_first_id_not_to_float_noise() -> None:
    from mdsum.cluster_common import _title

    docs = [Document(id="b", text="x", title="B title"), Document(id="a", text="y", title="A title")]
    for noise in (1e-9, -1e-9):  # a pair is equally central up to rounding, which runtimes do differently
        sim = np.array([[1.0, 0.5 + noise], [0.5, 1.0]])
        assert _title(docs, sim, []) == "A title"


def test_untitled_story_falls_back_to_first_sentence() -> None:
    docs, sents, emb = folder({"a": [[1, 0, 0], [1, 0.1, 0]]})
    assert emb_only().cluster(docs, sents, emb)[0].title == "sentence 0"


def with_titles(docs, sents, emb, vectors: dict[str, list[float]]):
    """Add headline rows under title_id(doc id), as the pipeline embeds them."""
    ids = emb.ids + tuple(title_id(d) for d in vectors)
    rows = [np.asarray(v, dtype=np.float32) / np.linalg.norm(v) for v in vectors.values()]
    return docs, sents, Embeddings(ids=ids, matrix=np.vstack([emb.matrix, *rows]))


def test_title_weight_mixes_headline_vector() -> None:
    docs, sents, emb = with_titles(*folder({"a": [[1, 0, 0]], "b": [[0, 0, 1]]}), {"a": [0, 1, 0]})
    vecs = document_vectors(docs, sents, emb, lead_sentences=0, title_weight=0.5)
    assert vecs[0] == pytest.approx(np.array([1, 1, 0]) / np.sqrt(2))  # 0.5 body + 0.5 title, renormalised
    assert vecs[1] == pytest.approx([0, 0, 1])  # no title: body alone
    assert document_vectors(docs, sents, emb, 0, title_weight=1.0)[0] == pytest.approx([0, 1, 0])
    assert document_vectors(docs, sents, emb, 0, title_weight=0.0)[0] == pytest.approx([1, 0, 0])


def test_document_with_only_a_title_uses_it() -> None:
    docs, sents, emb = with_titles(*folder({"a": [[1, 0, 0]]}), {"t": [1, 0.1, 0]})
    docs.append(Document(id="t", text=""))
    assert document_vectors(docs, sents, emb, 0, title_weight=0.3)[1] == pytest.approx(
        np.array([1, 0.1, 0]) / np.linalg.norm([1, 0.1, 0]))
    stories = emb_only(title_weight=0.3).cluster(docs, sents, emb)
    assert partition(stories) == {frozenset({"a", "t"})}


def test_cluster_labels_small_inputs() -> None:
    assert list(cluster_labels(np.ones((1, 1)), 0.5, "average")) == [0]
    labels = cluster_labels(np.array([[1.0, 0.9], [0.9, 1.0]]), 0.5, "complete")
    assert labels[0] == labels[1]
    # Merge while distance < threshold: a pair at distance exactly 0.5 stays apart at threshold 0.5.
    assert len(set(cluster_labels(np.array([[1.0, 0.5], [0.5, 1.0]]), 0.5, "average"))) == 2
    assert len(set(cluster_labels(np.array([[1.0, 0.5], [0.5, 1.0]]), 0.5001, "weighted"))) == 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"distance_threshold": 0}, "distance_threshold must be a number in (0, 2]"),
    ({"distance_threshold": "0.5"}, "got '0.5'"),
    ({"distance_threshold": True}, "distance_threshold"),
    ({"linkage": "ward"}, "linkage must be one of average, complete, single, weighted, got 'ward'"),
    ({"lead_sentences": -1}, "lead_sentences must be an integer >= 0"),
    ({"lead_sentences": 2.5}, "got 2.5"),
    ({"lexical_weight": 1.5}, "lexical_weight must be a number in [0, 1], got 1.5"),
    ({"title_weight": -0.1}, "title_weight must be a number in [0, 1], got -0.1"),
])
def test_param_validation_names_the_bad_value(kwargs, message) -> None:
    with pytest.raises(ValueError) as err:
        AgglomerativeClusterer(**kwargs)
    assert message in str(err.value)


def test_built_from_config_by_registered_name() -> None:
    comp = build("clusterer", ComponentSpec("mdsum.agglomerative_clusterer.v1", (("distance_threshold", 0.4),)))
    assert isinstance(comp, AgglomerativeClusterer) and comp.distance_threshold == 0.4
    with pytest.raises(ConfigError, match="distance_threshold"):
        build("clusterer", ComponentSpec("mdsum.agglomerative_clusterer.v1", (("distance_threshold", -1),)))


@pytest.mark.slow
@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="examples/multiling2011_en not present")
def test_real_minilm_splits_two_multiling_stories() -> None:
    """Real segmenter + packaged MiniLM on 3 articles on Iran's seizure of British sailors and 3 on the missing
    Air France 447 (WikiNews, CC BY 2.5; see examples/multiling2011_en/ATTRIBUTION.md)."""
    from mdsum.embed import SentenceTransformerEmbedder
    from mdsum.segment import PysbdSegmenter

    docs = []
    for name in ["M002_01.txt", "M008_01.txt", "M002_02.txt", "M008_04.txt", "M002_03.txt", "M008_06.txt"]:
        title, body = (EXAMPLES / name).read_text(encoding="utf-8").split("\n", 1)
        docs.append(Document(id=name[:4] + name[5:7], text=body.strip(), title=title.strip()))
    seg = PysbdSegmenter()
    sents = [s for d in docs for s in seg.segment(d)[:6]]  # the lead keeps the test fast
    matrix = SentenceTransformerEmbedder(device="cpu").embed([s.text for s in sents])
    emb = Embeddings(ids=tuple(s.id for s in sents), matrix=matrix)
    stories = AgglomerativeClusterer().cluster(docs, sents, emb)
    assert partition(stories) == {frozenset({"M00201", "M00202", "M00203"}),
                                  frozenset({"M00801", "M00804", "M00806"})}
    assert stories[0].title in {d.title for d in docs[0::2]}  # s1 is the sailors' story, titled by a member
    assert "Air France" in stories[1].title
