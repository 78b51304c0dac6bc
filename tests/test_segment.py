"""Sentence segmentation: exact spans, abbreviations and quotes, headlines, fragments, ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdsum import registry
from mdsum.ingest.reader import read_folder
from mdsum.segment import PysbdSegmenter, line_spans, merge_slips
from mdsum.types import Document

SEEDS = Path(__file__).resolve().parents[1] / "examples" / "brackenford"


def texts(text: str, **params) -> list[str]:
    return [s.text for s in PysbdSegmenter(**params).segment(Document(id="d1", text=text))]


def test_spans_round_trip_on_seeds():
    seg = PysbdSegmenter()
    docs, _ = read_folder(SEEDS)
    for doc in docs:
        sents = seg.segment(doc)
        assert len(sents) >= 10
        for i, s in enumerate(sents):
            assert doc.text[s.start:s.end] == s.text
            assert (s.id, s.doc_id, s.index) == (f"{doc.id}#{i}", doc.id, i)
            assert s.text == s.text.strip() and "\n" not in s.text
        assert all(a.end <= b.start for a, b in zip(sents, sents[1:]))


def test_abbreviations_do_not_split():
    text = ("The U.S. Army Corps of Engineers will inspect the levee. Dr. Paul Okafor said the county would "
            "review the logs. Gov. Miriam Castell pledged $4 million on Monday.")
    assert texts(text) == ["The U.S. Army Corps of Engineers will inspect the levee.",
                           "Dr. Paul Okafor said the county would review the logs.",
                           "Gov. Miriam Castell pledged $4 million on Monday."]


def test_quotes_stay_with_their_attribution():
    text = ('"We are ready," he said. "These families did nothing wrong. They went to sleep," Castell said. '
            'Residents said the siren was “far too late.” The mayor disagreed.')
    assert texts(text) == ['"We are ready," he said.',
                           '"These families did nothing wrong. They went to sleep," Castell said.',
                           "Residents said the siren was “far too late.”",
                           "The mayor disagreed."]


def test_time_abbreviation_before_weekday_is_not_a_boundary():
    text = ("The office issued a warning at 11:40 p.m. Friday, officials said. The siren sounded at 2 a.m. "
            "It was far too late.")
    assert texts(text) == ["The office issued a warning at 11:40 p.m. Friday, officials said.",
                           "The siren sounded at 2 a.m.", "It was far too late."]


def test_headline_on_its_own_line_never_merges_with_body():
    text = "Flood hits Brackenford overnight\nThe river rose ten feet on Saturday.\n\nCrews worked through the night."
    assert texts(text) == ["The river rose ten feet on Saturday.", "Crews worked through the night."]  # a heading
    kept = PysbdSegmenter(heading_max_words=0).segment(Document(id="d", text=text))
    assert [s.text for s in kept] == ["Flood hits Brackenford overnight", "The river rose ten feet on Saturday.",
                                      "Crews worked through the night."]


def test_short_and_letterless_fragments_are_dropped_and_ids_stay_consecutive():
    doc = Document(id="d7", text="Updated.\n\n***\n\n12,345,678 / 9,876,543\n\nThe council voted on Monday.\n\n"
                                 "Three people died, the coroner said.")
    sents = PysbdSegmenter().segment(doc)
    assert [(s.id, s.text) for s in sents] == [("d7#0", "The council voted on Monday."),
                                              ("d7#1", "Three people died, the coroner said.")]
    assert [s.text for s in PysbdSegmenter(min_chars=0).segment(doc)][0] == "Updated."


def test_empty_document_has_no_sentences():
    assert PysbdSegmenter().segment(Document(id="d1", text="")) == []
    assert PysbdSegmenter().segment(Document(id="d1", text=" \n\n ")) == []


def test_line_spans_and_merge_slips():
    text = "  first line \n\n second\n"
    assert [text[a:b] for a, b in line_spans(text)] == ["first line", "second"]
    t = "Sirens at 2 a.m. Saturday woke them. and then more."
    assert merge_slips(t, [(0, 16), (17, 36), (37, 51)]) == [(0, 51)]
    t2 = "It was 3 p.m. The end came."
    assert merge_slips(t2, [(0, 13), (14, 27)]) == [(0, 13), (14, 27)]


def test_sentences_are_placed_where_pysbd_places_them():
    """Spans come from ``str.find`` after a cursor, not from pysbd's regex per sentence: the same spans."""
    import pysbd

    ref = pysbd.Segmenter(language="en", clean=False, char_span=True)
    seg = PysbdSegmenter()
    seg.load()
    docs, _ = read_folder(SEEDS)
    lines = [(doc.text, a, b) for doc in docs for a, b in line_spans(doc.text)]
    repeats = "He said. He said. \u201cHe said.\u201d He said."  # a repeated sentence must not reuse a span
    lines.append((repeats, 0, len(repeats)))
    for text, a, b in lines:
        theirs = [(a + p.start + len(p.sent) - len(p.sent.lstrip()), a + p.start + len(p.sent.rstrip()))
                  for p in ref.segment(text[a:b])]
        assert seg._split_line(text, a, b) == [(x, y) for x, y in theirs if y > x]


def test_a_sentence_pysbd_cannot_place_keeps_the_rest_of_its_line():
    seg = PysbdSegmenter()
    seg.load()
    seg._pysbd.processor = lambda line: type("P", (), {"process": lambda self: ["First one.", "Not in the line."]})()
    text = "First one.  Second part here. Third part here."
    pieces = [text[a:b] for a, b in seg._split_line(text, 0, len(text))]
    assert pieces == ["First one.", "Second part here. Third part here."]


def test_pysbd_is_built_lazily_once():
    seg = PysbdSegmenter()
    assert seg._pysbd is None
    seg.segment(Document(id="d1", text="One sentence here. Another sentence here."))
    built = seg._pysbd
    seg.segment(Document(id="d2", text="A third sentence appears."))
    assert built is not None and seg._pysbd is built


def test_segmenter_is_registered_and_validates_params():
    assert registry.get("segmenter", "mdsum.pysbd_segmenter.v1") is PysbdSegmenter
    with pytest.raises(ValueError, match="min_chars must be a non-negative integer, got -1"):
        PysbdSegmenter(min_chars=-1)
    with pytest.raises(ValueError, match="pysbd has no rules for language 'xx'"):
        PysbdSegmenter(language="xx").segment(Document(id="d1", text="Hello there, world."))
