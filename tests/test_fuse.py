from __future__ import annotations

import pytest

from mdsum.fuse import ExtractiveFuser, clean_sentence, load_lexicon, loadedness, pick_member
from mdsum.types import ClaimGroup, Document, Sentence

LEX = load_lexicon()


@pytest.mark.parametrize("raw, clean", [
    ("But the police arrived at the scene within minutes.", "The police arrived at the scene within minutes."),
    ("However, officials expect the bridge to reopen on Monday.", "Officials expect the bridge to reopen on Monday."),
    ("And the storm moved north overnight.", "The storm moved north overnight."),
    ("WASHINGTON (Reuters) - The Senate passed the bill on Tuesday.", "The Senate passed the bill on Tuesday."),
    ("LONDON — Trains resumed service after the strike.", "Trains resumed service after the strike."),
    ("The  vote \n was   held on Friday.", "The vote was held on Friday."),
    ("The minister called it “a fair deal” on Monday.", 'The minister called it "a fair deal" on Monday.'),
    ('The talks will continue next week in Geneva."', "The talks will continue next week in Geneva."),
    ("He said the bridge would reopen on Monday.", "The bridge would reopen on Monday."),
    ("Tuesday, January 18, 2005Through a telethon, Romanians raised 15 billion lei.",
     "Through a telethon, Romanians raised 15 billion lei."),
    ("But not yet.", "But not yet."),  # stripping would leave a fragment
])
def test_clean_sentence(raw, clean):
    assert clean_sentence(raw, LEX) == clean


def test_attribution_kept_for_loaded_claims():
    s = "He said the brutal regime was disgraceful and evil."
    assert loadedness("the brutal regime was disgraceful and evil.", LEX) > 0.05
    assert clean_sentence(s, LEX) == s


def test_lexicon_scores_loaded_words_higher():
    assert LEX["brutal"] > 0.5 and LEX.get("bridge", 0.0) == 0.0
    assert loadedness("The massive, horrific blast destroyed the building.", LEX) > loadedness(
        "The blast destroyed the building.", LEX)


def test_pick_member_prefers_neutral_wording():
    texts = ["The horrific, shocking blast destroyed the old building.", "The blast destroyed the old building."]
    assert pick_member(texts, LEX, neutrality_weight=4.0) == 1
    # Without the neutrality term the more central (here: first of equal) member wins.
    assert pick_member(["a b c d", "a b c d"], LEX, 0.0) == 0


def _story():
    docs = [Document(id=d, text="", title=f"T{d}") for d in ("d1", "d2", "d3")]
    sents = [
        Sentence("d1#0", "d1", 0, "But the shocking, horrific blast destroyed the old town hall.", 0, 1),
        Sentence("d2#0", "d2", 0, "The blast destroyed the old town hall on Sunday.", 0, 1),
        Sentence("d3#0", "d3", 0, "By John Smith", 0, 1),
        Sentence("d3#1", "d3", 1, "Firefighters reached the town hall within an hour.", 0, 1),
    ]
    groups = [ClaimGroup("g1", ("d1#0", "d2#0"), ("d1", "d2")), ClaimGroup("g2", ("d3#0",), ("d3",)),
              ClaimGroup("g3", ("d3#1",), ("d3",))]
    return docs, sents, groups


def test_fuse_chooses_neutral_member_and_cites_every_group_doc():
    docs, sents, groups = _story()
    out = ExtractiveFuser().fuse(groups, sents, docs)
    assert [s.group_id for s in out] == ["g1", "g3"]  # the byline-only group is dropped
    first = out[0]
    assert first.text == "The blast destroyed the old town hall on Sunday."
    assert first.method == "quoted"
    assert [c.doc_id for c in first.citations] == ["d1", "d2"]  # source-list order, own doc d2 included
    assert {c.sentence_ids for c in first.citations} == {("d1#0",), ("d2#0",)}
    assert out[1].citations[0].sentence_ids == ("d3#1",)


def test_bad_params_and_missing_lexicon(tmp_path):
    with pytest.raises(ValueError, match="neutrality_weight"):
        ExtractiveFuser(neutrality_weight=-1)
    with pytest.raises(ValueError, match="not found"):
        ExtractiveFuser(lexicon=str(tmp_path / "nope.tsv")).load()
    bad = tmp_path / "bad.tsv"
    bad.write_text("word-without-score\n")
    with pytest.raises(ValueError, match="line 1"):
        ExtractiveFuser(lexicon=str(bad)).load()
