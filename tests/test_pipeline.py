"""End to end on the real packaged embedder: seeds/ in, one cited summary out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mdsum import render
from mdsum.errors import InputError
from mdsum.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "brackenford"  # the fictional set: contested figures, every format
MULTILING = ROOT / "examples" / "multiling2011_en"


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.from_config(None).load()


@pytest.fixture(scope="module")
def seeds_result(pipeline):
    return pipeline.summarize_folder(SEEDS)


def test_seeds_are_one_story_with_a_cited_summary(seeds_result):
    assert len(seeds_result.documents) == 5
    assert len(seeds_result.stories) == 1
    summary = seeds_result.stories[0].summary
    assert 3 <= len(summary.sentences) <= 10
    assert sum(len(s.text.split()) for s in summary.sentences) <= 250


def test_every_summary_sentence_cites_real_source_sentences(seeds_result):
    by_id = {s.id: s for s in seeds_result.sentences}
    docs = {d.id: d for d in seeds_result.documents}
    for story in seeds_result.stories:
        for sent in story.summary.sentences:
            assert sent.citations, sent.text
            for c in sent.citations:
                assert c.doc_id in story.story.doc_ids
                assert c.sentence_ids
                for sid in c.sentence_ids:
                    src = by_id[sid]
                    assert src.doc_id == c.doc_id
                    assert docs[c.doc_id].text[src.start:src.end] == src.text


def test_summary_has_no_scraping_debris(seeds_result):
    text = seeds_result.stories[0].summary.text().lower()
    for debris in ("listen here", "local weather", "all rights reserved", "bookmark", "advertisement"):
        assert debris not in text


def test_manifest_accounts_for_every_file(seeds_result):
    files = sorted(p.relative_to(SEEDS).as_posix() for p in SEEDS.rglob("*") if p.is_file())
    assert sorted(f.path for f in seeds_result.manifest.files) == files


def test_json_output_is_deterministic_across_pipelines(seeds_result):
    again = Pipeline.from_config(None).summarize_folder(SEEDS)
    assert render.to_json(again) == render.to_json(seeds_result)


def test_api_documents_path_matches_folder_path(pipeline, seeds_result):
    direct = pipeline.summarize_documents(seeds_result.documents, seeds_result.manifest)
    assert render.to_json(direct) == render.to_json(seeds_result)


def test_mixed_folder_splits_by_story(pipeline, tmp_path):
    """seeds/ + ten MultiLing topics: B-cubed F1 >= 0.95 against the known stories (issue 2's bar)."""
    from mdsum.evaluation.clustering import bcubed

    if not MULTILING.is_dir():
        pytest.skip("examples/multiling2011_en not present")
    shutil.copytree(SEEDS, tmp_path / "seeds")
    shutil.copytree(MULTILING, tmp_path / "ml")
    result = pipeline.summarize_folder(tmp_path)
    seed_ids = {d.id for d in result.documents if d.path and d.path.startswith("seeds/")}
    assert len(seed_ids) == 5 and len(result.documents) == 105
    # the five seed articles form exactly one story of their own
    holding = [s.story for s in result.stories if seed_ids & set(s.story.doc_ids)]
    assert len(holding) == 1 and set(holding[0].doc_ids) == seed_ids
    gold = {d.id: "seeds" if d.id in seed_ids else Path(d.path).name.split("_")[0] for d in result.documents}
    pred = {doc: s.story.id for s in result.stories for doc in s.story.doc_ids}
    ids = sorted(gold)
    precision, recall, f1 = bcubed([gold[i] for i in ids], [pred[i] for i in ids])
    assert f1 >= 0.95, (precision, recall, f1, len(result.stories))
    data = json.loads(render.to_json(result))
    assert len(data["stories"]) == len(result.stories)


def test_empty_folder_is_an_input_error(pipeline, tmp_path):
    with pytest.raises(InputError, match="no readable articles"):
        pipeline.summarize_folder(tmp_path)


def _story_embedding_pipeline(tmp_path: Path, files: list[Path]) -> Pipeline:
    """``files`` copied into ``tmp_path``, and a pipeline that clusters on its own embedder section: prepare's
    vectors are not reused, so the story embedder is called for story sentences only (a small folder's clusterer
    reads every sentence)."""
    from mdsum.config import load_config

    if not MULTILING.is_dir():
        pytest.skip("examples/multiling2011_en not present")
    for f in files:
        shutil.copy(f, tmp_path / f.name)
    config = load_config().with_overrides({"cluster_embedder": {"name": "mdsum.sentence_transformer_embedder.v1",
                                                                "max_seq_length": 128}})
    return Pipeline(config).load()


def test_local_engine_embeds_a_batch_of_stories_at_once_with_the_same_result(tmp_path, monkeypatch):
    """Story sentences embedded per batch of stories (one call), or in chunks, give the output of one call per
    story."""
    import mdsum.pipeline as pipeline_module

    pipe = _story_embedding_pipeline(tmp_path, sorted(MULTILING.glob("M00[0-2]_*.txt")))  # 3 topics × 10 articles
    calls = []
    embed = pipe.embedder.embed
    monkeypatch.setattr(pipe.embedder, "embed", lambda texts: calls.append(len(texts)) or embed(texts))
    monkeypatch.setattr(pipeline_module, "PREFETCH_CHUNK", 10_000)  # a batch's sentences in one call
    monkeypatch.setattr(pipeline_module, "STORY_BATCH", 1)
    one_by_one = pipe.summarize_folder(tmp_path)
    per_story, calls[:] = list(calls), []
    monkeypatch.setattr(pipeline_module, "STORY_BATCH", 256)
    batched = pipe.summarize_folder(tmp_path)
    several = [sr for sr in batched.stories if len(sr.story.doc_ids) > 1]  # a one-article story embeds nothing
    assert len(several) >= 3 and len(per_story) == len(several)
    assert render.to_json(batched) == render.to_json(one_by_one)
    assert calls == [sum(per_story)]  # one call for every story's sentences
    monkeypatch.setattr(pipeline_module, "PREFETCH_CHUNK", 7)  # the prefetch thread's chunks: the same vectors
    calls[:] = []
    assert render.to_json(pipe.summarize_folder(tmp_path)) == render.to_json(one_by_one)
    assert max(calls) == 7 and sum(calls) == sum(per_story)


def test_a_one_article_story_embeds_no_sentence_when_nothing_reads_its_vectors(tmp_path, monkeypatch):
    """The default grouper and ranker read no vectors of a one-article story, so none are embedded; the
    summary is the one a pipeline that embeds them writes."""
    pipe = _story_embedding_pipeline(tmp_path, [*sorted(MULTILING.glob("M000_0[1-3].txt")),
                                                MULTILING / "M004_01.txt"])
    embedded: list[str] = []
    embed = pipe.embedder.embed
    monkeypatch.setattr(pipe.embedder, "embed", lambda texts: embedded.extend(texts) or embed(texts))
    lean = pipe.summarize_folder(tmp_path)
    lone = [sr for sr in lean.stories if len(sr.story.doc_ids) == 1]
    assert lone and len(lone) < len(lean.stories) and all(sr.summary.sentences for sr in lone)
    lone_texts = {s.text for sr in lone for s in lean.sentences_of(sr.story.doc_ids)}
    assert not lone_texts & set(embedded)
    monkeypatch.setattr(type(pipe.grouper), "reads_vectors", lambda self, sentences: True)
    embedded.clear()
    full = pipe.summarize_folder(tmp_path)
    assert lone_texts & set(embedded)  # the check above can fail: this pipeline does embed them
    assert render.to_json(full) == render.to_json(lean)


def test_prefetch_gives_the_vectors_of_one_call_and_stops_within_a_chunk(monkeypatch):
    """The prefetch thread embeds in chunks (the same rows as one call) and, told to stop, ends after its chunk."""
    import threading
    import time

    import numpy as np

    import mdsum.pipeline as pipeline_module
    from mdsum.pipeline import _Prefetch
    from mdsum.types import Sentence

    class Slow:  # an embedder whose rows depend on the text alone, 0.05 s per call
        calls = 0

        def embed(self, texts):
            Slow.calls += 1
            time.sleep(0.05)
            return np.array([[len(t), t.count("a"), 1.0] for t in texts], dtype=np.float32)

    monkeypatch.setattr(pipeline_module, "PREFETCH_CHUNK", 2)
    sents = [Sentence(f"d#{i}", "d", i, "a" * i + " sentence", 0, 1) for i in range(7)]
    got = _Prefetch(Slow(), sents).result()
    assert got.ids == tuple(s.id for s in sents) and Slow.calls == 4
    assert np.array_equal(got.matrix, Slow().embed([s.text for s in sents]))
    Slow.calls = 0
    many = _Prefetch(Slow(), sents * 40)  # 140 chunks, 7 s if it ran to the end
    time.sleep(0.12)
    start = time.perf_counter()
    many.stop()
    assert time.perf_counter() - start < 0.5 and Slow.calls < 10
    assert not any(t.name == "mdsum-story-vectors" for t in threading.enumerate())

    class Broken:
        def embed(self, texts):
            raise ValueError("embedder failed")

    with pytest.raises(ValueError, match="embedder failed"):
        _Prefetch(Broken(), sents).result()


def test_an_interrupt_in_the_chain_joins_the_prefetch_thread_before_it_propagates(tmp_path, monkeypatch):
    """A Ctrl-C while a batch is summarised must not leave the next batch's embedding running (at interpreter
    exit a thread inside ONNX Runtime aborts the process: exit 134, not 130)."""
    import threading
    import time

    import mdsum.pipeline as pipeline_module

    pipe = _story_embedding_pipeline(tmp_path, sorted(MULTILING.glob("M00[0-2]_0[1-3].txt")))  # 3 stories × 3
    monkeypatch.setattr(pipeline_module, "STORY_BATCH", 1)
    real = pipe.summarize_prepared

    def interrupted(story, docs, corpus, ahead=None):
        if story.id == "s2":
            raise KeyboardInterrupt
        return real(story, docs, corpus, ahead)

    monkeypatch.setattr(pipe, "summarize_prepared", interrupted)
    embed = pipe.embedder.embed
    monkeypatch.setattr(pipe.embedder, "embed", lambda texts: time.sleep(0.5) or embed(texts))  # still running
    with pytest.raises(KeyboardInterrupt):
        pipe.summarize_folder(tmp_path)
    assert not any(t.name == "mdsum-story-vectors" for t in threading.enumerate())
