from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mdsum.errors import OutputError
from mdsum.render import to_html, to_json, to_markdown, write_atomic
from mdsum.types import (
    Citation,
    Document,
    FileRecord,
    Manifest,
    Result,
    Sentence,
    Story,
    StoryResult,
    Summary,
    SummarySentence,
)

T1 = "Rain fell all night. The river rose two metres by dawn. Roads were closed. Schools stayed shut."
T2 = "Officials warned residents. <script>alert('x')</script> was posted. The river rose two metres overnight."


def _sentences(doc_id: str, text: str) -> list[Sentence]:
    out, start = [], 0
    for i, part in enumerate(re.findall(r"[^.]+\.", text)):
        s = text.index(part.strip(), start)
        out.append(Sentence(f"{doc_id}#{i}", doc_id, i, part.strip(), s, s + len(part.strip())))
        start = s + len(part.strip())
    return out


@pytest.fixture
def result() -> Result:
    docs = (Document("d1", T1, title="Floods", source="Daily", path="d1.txt", url="https://example.org/1"),
            Document("d2", T2, title="Flood <b>warning</b>", source="Herald", path="d2.txt", url="javascript:alert(1)"))
    sents = tuple(_sentences("d1", T1) + _sentences("d2", T2))
    assert all(docs[0 if s.doc_id == "d1" else 1].text[s.start:s.end] == s.text for s in sents)
    summary = Summary("story-1", (
        SummarySentence("The river rose two metres by dawn.", (Citation("d1", ("d1#1",)), Citation("d2", ("d2#2",))),
                        "g1", support=0.912345678),
        SummarySentence("Roads were closed.", (Citation("d1", ("d1#2",)),), "g2", support=1.0),
    ), docs)
    manifest = Manifest((FileRecord("d1.txt", "read", doc_ids=("d1",)), FileRecord("d2.txt", "read", doc_ids=("d2",)),
                         FileRecord("photo.png", "skipped", reason="not a text format")))
    story = Story("story-1", ("d1", "d2"), title="River floods")
    return Result((StoryResult(story, summary),), docs, sents, manifest, "abc123", "0.1.0")


def test_markdown_markers_resolve_to_listed_sources(result):
    md = to_markdown(result)
    assert md.startswith("## River floods")
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", md)}
    listed = {int(n) for n in re.findall(r"^(\d+)\. ", md, flags=re.M)}
    assert markers == {1, 2} and markers <= listed
    assert "1. Daily — Floods — d1.txt" in md
    assert "`photo.png`: not a text format" in md and "2 file(s) read, 1 skipped." in md


def test_json_is_deterministic_and_citations_resolve(result):
    text = to_json(result)
    assert text == to_json(result)
    data = json.loads(text)
    assert list(data) == sorted(data)
    ids = {s["id"]: s for s in data["sentences"]}
    for story in data["stories"]:
        for sent in story["summary"]:
            assert sent["citations"]
            for c in sent["citations"]:
                assert story["sources"][c["n"] - 1] == c["doc_id"]
                for sid, (start, end) in zip(c["sentence_ids"], c["spans"]):
                    doc = next(d for d in result.documents if d.id == ids[sid]["doc_id"])
                    assert doc.text[start:end] == ids[sid]["text"]
    assert set(ids) == {"d1#1", "d1#2", "d2#2"}  # only sentences used by citations
    assert data["stories"][0]["summary"][0]["support"] == 0.9123
    assert data["config_hash"] == "abc123" and data["mdsum_version"] == "0.1.0"
    assert data["manifest"]["files"][2]["reason"] == "not a text format"


def test_html_escapes_article_text_and_links_citations(result):
    page = to_html(result)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>warning</b>" not in page
    assert 'href="javascript:' not in page and 'href="https://example.org/1"' in page
    targets = set(re.findall(r'href="#([^"]+)"', page))
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert targets and targets <= ids  # every [n] opens a context block (or the story)
    block = page[page.index('id="s1-1-2"'):]
    block = block.split('<div class="ctx"')[0]
    assert "<mark>The river rose two metres overnight.</mark>" in block  # cited sentence highlighted
    assert "Officials warned residents." in block  # with its context
    assert page == to_html(result)


def test_write_atomic_writes_and_replaces(tmp_path: Path):
    target = tmp_path / "out.md"
    write_atomic(target, "one")
    write_atomic(target, "two ü")
    assert target.read_text(encoding="utf-8") == "two ü"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]  # no temp file left behind


def test_write_atomic_unwritable_target_names_the_path(tmp_path: Path):
    with pytest.raises(OutputError, match=r"missing.*create it"):
        write_atomic(tmp_path / "missing" / "out.md", "x")
    (tmp_path / "adir").mkdir()
    with pytest.raises(OutputError, match="adir"):
        write_atomic(tmp_path / "adir", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["adir"]


def test_a_generated_sentence_is_marked_and_opens_its_source_sentences(result):
    import dataclasses

    s = result.stories[0].summary
    gen = dataclasses.replace(s.sentences[0], text="Rivers rose two metres overnight and by dawn.",
                              method="generated", fused_from=("d1#1", "d2#2"))
    summary = dataclasses.replace(s, sentences=(gen, s.sentences[1]))
    res = dataclasses.replace(result, stories=(dataclasses.replace(result.stories[0], summary=summary),))
    md = to_markdown(res)
    assert "Rivers rose two metres overnight and by dawn. [1][2]†" in md and "Roads were closed. [1]\n" in md
    assert "† written by the generator" in md
    page = to_html(res)
    fused = page.split('<div class="ctx" id="s1-1-fused">')[1].split('<div class="ctx"')[0]
    assert "[1] The river rose two metres by dawn." in fused and "[2] The river rose two metres overnight." in fused
    assert 'href="#s1-1-fused"' in page and "s1-2-fused" not in page  # only the generated sentence has one
    data = json.loads(to_json(res))["stories"][0]["summary"]
    assert data[0]["method"] == "generated" and data[0]["fused_from"] == ["d1#1", "d2#2"]


def test_framing_per_sentence_and_summary_next_to_its_sources(result):
    from mdsum.evaluation.metrics.core.framing_bias import DEFAULT_LEXICON, load_lexicon
    from mdsum.render import framing

    lexicon = load_lexicon(DEFAULT_LEXICON)
    loaded = sorted((w for w, (v, a) in lexicon.entries.items() if v < 0.35 and a > 0.5))[0]
    assert framing("Roads were closed.") == 0.0
    assert framing(f"Roads were {loaded}.") == round(lexicon.entries[loaded][1], 4)  # its arousal, counted once
    assert framing(f"{loaded} roads were {loaded}.") == framing(f"Roads were {loaded}.")
    story = json.loads(to_json(result))["stories"][0]
    texts = [s["text"] for s in story["summary"]]
    assert [s["framing"] for s in story["summary"]] == [framing(t) for t in texts]
    src = [s.text for s in result.sentences]
    assert story["framing"] == {"summary": round(sum(map(framing, texts)) / len(texts), 4),
                                "sources": round(sum(map(framing, src)) / len(src), 4)}
    assert "Framing (arousal of loaded words per sentence" in to_html(result)
