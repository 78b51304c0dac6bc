"""Every registered component of every slot honours its slot's contract, and a plug-in package can add one."""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np
import pytest

from mdsum import registry
from mdsum.config import SLOTS, load_config, parse_config
from mdsum.contracts import CONTRACTS, VERBS
from mdsum.pipeline import Pipeline
from mdsum.types import Citation, ClaimGroup, Document, Embeddings, Sentence, SummarySentence

TEXTS = {
    "a": ["The council voted on Monday to close the Harlow bridge for repairs.",
          "Repair crews will start work on the bridge next week, the council said.",
          "The bridge carries about 12,000 vehicles a day."],
    "b": ["On Monday the council voted to close the Harlow bridge for repairs, officials said.",
          "Drivers will be diverted to the northern road while the work goes on.",
          "The mayor said the repairs were long overdue."],
}
SENTS = [Sentence(f"{d}#{i}", d, i, t, 0, len(t)) for d, ts in TEXTS.items() for i, t in enumerate(ts)]
DOCS = [Document(id=d, text=" ".join(ts), title=f"Bridge story {d}", source=f"Outlet {d}") for d, ts in TEXTS.items()]


def _vectors(ids: list[str]) -> Embeddings:
    rng = np.random.default_rng(0)
    m = rng.normal(size=(len(ids), 8)).astype(np.float32)
    return Embeddings(tuple(ids), m / np.linalg.norm(m, axis=1, keepdims=True))


NO_VECTORS = Embeddings((), np.zeros((0, 8), dtype=np.float32))
EMB = _vectors([s.id for s in SENTS] + [f"{d.id}#title" for d in DOCS])
GROUPS = [ClaimGroup("g1", ("a#0", "b#0"), ("a", "b")), ClaimGroup("g2", ("a#1",), ("a",)),
          ClaimGroup("g3", ("b#1",), ("b",)), ClaimGroup("g4", ("a#2",), ("a",)), ClaimGroup("g5", ("b#2",), ("b",))]
CANDIDATES = [SummarySentence(SENTS[0].text, (Citation("a", ("a#0",)), Citation("b", ("b#0",))), "g1"),
              SummarySentence(SENTS[1].text, (Citation("a", ("a#1",)),), "g2")]


def _call(slot: str, component, tmp_path: Path):  # noqa: ANN001, ANN202
    """Run the slot's verb on small real inputs; return the output and the check it must pass."""
    if slot == "reader":
        for d in DOCS:
            (tmp_path / f"{d.id}.txt").write_text(f"{d.title}\n\n{d.text}\n", encoding="utf-8")
        docs, manifest = component.read(tmp_path)
        return len(docs) == 2 and len(manifest.files) == 2
    if slot == "segmenter":
        out = component.segment(DOCS[0])
        return out and all(DOCS[0].text[s.start:s.end] == s.text and s.id == f"a#{s.index}" for s in out)
    if slot == "embedder":
        if type(component).__name__ != "StaticEmbedder":
            pytest.skip("loads the packaged MiniLM: exercised in test_pipeline and test_models")
        out = component.embed([s.text for s in SENTS])
        again = component.embed([s.text for s in SENTS[::-1]])
        return out.dtype == np.float32 and out.shape[0] == len(SENTS) and np.array_equal(again, out[::-1]) \
            and np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    if slot == "clusterer":
        stories = component.cluster(DOCS, SENTS, EMB)
        docs = component.reads_documents(DOCS)  # what a clustering-only route segments: a superset of
        read = component.reads_sentences(DOCS, SENTS)  # the documents of the sentences it embeds
        return sorted(d for s in stories for d in s.doc_ids) == ["a", "b"] and docs == [d for d in DOCS if d in docs] \
            and {s.doc_id for s in read} <= {d.id for d in docs}
    if slot == "filter":
        out = component.filter(SENTS)
        if hasattr(component, "explain"):  # optional; when there, it agrees with the verb
            assert [s for s, why in zip(SENTS, component.explain(SENTS), strict=True) if why is None] == out
        return set(s.id for s in out) <= {s.id for s in SENTS} and out == sorted(out, key=SENTS.index)
    if slot == "grouper":
        out = component.group(SENTS, EMB)
        one_doc = SENTS[:3]  # a component that says it reads no vectors must group without them
        if not component.reads_vectors(one_doc):
            assert len(component.group(one_doc, NO_VECTORS)) >= 1
        return sorted(i for g in out for i in g.sentence_ids) == sorted(s.id for s in SENTS)
    if slot == "ranker":
        out = component.rank(GROUPS, SENTS, EMB, 30, 3)
        if not component.reads_vectors(SENTS):
            assert [g.id for g in component.rank(GROUPS, SENTS, NO_VECTORS, 30, 3)] == [g.id for g in out]
        return sorted(g.id for g in out) <= sorted(g.id for g in GROUPS) and len({g.id for g in out}) == len(out)
    if slot == "fuser":
        out = component.fuse(GROUPS, SENTS, DOCS)
        order = [g.id for g in GROUPS]
        return out and [order.index(s.group_id) for s in out] == sorted(order.index(s.group_id) for s in out) \
            and all(s.citations and s.method in ("quoted", "generated") for s in out)
    if slot == "attributor":
        out = component.attribute(CANDIDATES, SENTS)
        return [s.text for s in out] == [s.text for s in CANDIDATES] and \
            all(set(a.doc_ids) >= set(b.doc_ids) for a, b in zip(out, CANDIDATES, strict=True))
    if slot == "verifier":
        out = component.verify(CANDIDATES, SENTS)
        return all(s.text in {c.text for c in CANDIDATES} and s.citations and s.support is not None for s in out)
    if slot == "budget":
        out = component.cut(CANDIDATES, GROUPS, SENTS)
        return len(out) <= component.max_sentences and sum(len(s.text.split()) for s in out) <= component.max_words
    if slot == "scorer":
        out = component.score(["The bridge closed."], ["The bridge closed."])
        return out.shape == (1,) and 0.0 <= float(out[0]) <= 1.0
    raise AssertionError(f"no contract check for slot {slot!r}")


CASES = [(slot, name) for slot in (*SLOTS, "scorer") for name in registry.names(slot)]
# Components that need an argument: a generator that cannot be reached (loopback, nothing listening), so the
# generative fuser must fall back to quoted sentences rather than raise.
ARGS = {"mdsum.generative_fuser.v1": {"generator": {"backend": "openai_compatible", "model": "none",
                                                   "base_url": "http://127.0.0.1:9/v1", "retries": 0,
                                                   "timeout": 5}}}


@pytest.mark.parametrize("slot, name", CASES, ids=[n for _, n in CASES])
def test_every_registered_component_honours_its_contract(slot: str, name: str, tmp_path: Path,
                                                         tiny_static_model) -> None:  # noqa: ANN001
    cls = registry.get(slot, name)
    assert cls.registered_name == name  # the entry point and the class agree on the name
    assert callable(getattr(cls, VERBS[slot], None)), f"{name} lacks the {slot} verb {VERBS[slot]!r}"
    contract = inspect.signature(getattr(CONTRACTS[slot], VERBS[slot]))
    assert list(inspect.signature(getattr(cls, VERBS[slot])).parameters) == list(contract.parameters)
    if name == "mdsum.nli_scorer.v1" or name == "mdsum.embedding_scorer.v1":
        pytest.skip("loads a model: exercised in test_nli")
    args = ARGS.get(name, {})
    if name == "mdsum.static_embedder.v1":  # a tiny model built here: the alias is distilled on first use
        args = {"model": str(tiny_static_model(tmp_path / "static"))}
    assert _call(slot, cls(**args), tmp_path)


def test_a_plugin_package_registers_a_fuser_through_an_entry_point(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """The "add a fuser" recipe of docs/architecture.md, as an installed distribution would ship it."""
    pkg = tmp_path / "toy_fuser"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "from mdsum.types import Citation, SummarySentence\n\n"
        "class ShoutingFuser:\n"
        "    def __init__(self, suffix: str = '!') -> None:\n"
        "        self.suffix = suffix\n\n"
        "    def fuse(self, groups, sentences, documents):\n"
        "        by_id = {s.id: s for s in sentences}\n"
        "        return [SummarySentence(by_id[g.sentence_ids[0]].text.upper(),\n"
        "                                (Citation(g.doc_ids[0], g.sentence_ids[:1]),), g.id) for g in groups]\n",
        encoding="utf-8")
    dist = tmp_path / "toy_fuser-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: toy-fuser\nVersion: 0.1\n", encoding="utf-8")
    (dist / "entry_points.txt").write_text("[mdsum.fuser]\ntoy.shouting_fuser.v1 = toy_fuser:ShoutingFuser\n",
                                           encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "toy.shouting_fuser.v1" in registry.names("fuser")
    cfg = parse_config({"fuser": {"name": "toy.shouting_fuser.v1", "suffix": "?"},
                        "verifier": {"scorer": "mdsum.overlap_scorer.v1", "threshold": 0.0}})
    assert cfg.spec("fuser").kwargs == {"suffix": "?"}
    pipeline = Pipeline(cfg)
    assert type(pipeline.fuser).__name__ == "ShoutingFuser"
    pipeline.embedder = _StubEmbedder()  # the fuser is what is under test; skip loading MiniLM
    summary = pipeline.summarize_story(DOCS)
    assert summary.sentences and all(s.text.isupper() for s in summary.sentences)
    sys.modules.pop("toy_fuser", None)


class _StubEmbedder:
    def embed(self, texts):  # noqa: ANN001, ANN201
        return _vectors([str(i) for i in range(len(texts))]).matrix


def test_the_default_pipeline_is_built_without_loading_a_model() -> None:
    pipeline = Pipeline(load_config())
    assert getattr(pipeline.embedder, "_model", None) is None
    assert getattr(pipeline.verifier.scorer, "_model", None) is None


def test_every_built_in_component_is_listed_as_an_entry_point() -> None:
    """A class decorated with @register but missing from pyproject.toml would be unknown to a fresh process."""
    import re
    from importlib.metadata import entry_points

    root = Path(__file__).resolve().parents[1] / "mdsum"
    decorated = {(m.group(1), m.group(2)) for f in root.rglob("*.py")
                 for m in re.finditer(r'@register\("(\w+)", "([\w.]+)"\)', f.read_text(encoding="utf-8"))}
    listed = {(slot, ep.name) for slot in {s for s, _ in decorated} for ep in entry_points(group=f"mdsum.{slot}")}
    assert decorated and decorated <= listed, f"add to pyproject.toml entry points: {sorted(decorated - listed)}"
