"""NeuS framing bias on a toy lexicon with hand-computed sums, and the shipped VADER proxy."""

from __future__ import annotations

from pathlib import Path

import pytest

from mdsum.evaluation.metrics.core.framing_bias import (
    DEFAULT_LEXICON,
    Lexicon,
    framing_bias,
    load_lexicon,
    preprocess,
    vader_proxy,
)

TOY = """Word\tValence\tArousal\tDominance
brutal\t0.1\t0.9\t0.5
attack\t0.2\t0.8\t0.5
victory\t0.9\t0.7\t0.5
calm\t0.5\t0.1\t0.5
great\t0.65\t0.6\t0.5
bad\t0.35\t0.5\t0.5
usa\t0.7\t0.2\t0.5
"""


@pytest.fixture
def toy(tmp_path: Path) -> Lexicon:
    path = tmp_path / "toy-vad.txt"
    path.write_text(TOY, encoding="utf-8")
    return load_lexicon(path)


def test_loads_nrc_style_file_with_header(toy: Lexicon):
    assert toy.name == "toy-vad"
    assert toy.entries["brutal"] == (0.1, 0.9)
    assert len(toy.entries) == 7


def test_arousal_of_novel_words_split_by_valence(toy: Lexicon):
    gen = "The brutal, brutal attack was a great victory; calm U.S. officials said it was bad."
    r = framing_bias(gen, "The attack happened.", toy)
    # novel lexicon words: brutal (neg, once although repeated), victory (pos), usa (pos), calm/great/bad neither
    # ("great" = 0.65 and "bad" = 0.35 sit on the cut-offs, which are strict); "attack" is in the reference
    assert r.negative_words == ("brutal",)
    assert r.positive_words == ("usa", "victory")
    assert r.arousal_neg == pytest.approx(0.9)
    assert r.arousal_pos == pytest.approx(0.7 + 0.2)
    assert r.arousal_sum == pytest.approx(1.8)


def test_identical_texts_have_no_framing(toy: Lexicon):
    assert framing_bias("A brutal attack.", "a brutal attack", toy).arousal_sum == 0.0


def test_lemmatizer_is_applied_to_both_texts(toy: Lexicon):
    def lemma(t: str) -> str:
        return t.removesuffix("s")

    assert framing_bias("attacks", "calm", toy).arousal_neg == 0.0  # "attacks" is not in the lexicon
    assert framing_bias("attacks", "calm", toy, lemma).arousal_neg == pytest.approx(0.8)
    assert framing_bias("attacks", "attack", toy, lemma).arousal_neg == 0.0


def test_preprocess_as_neus():
    assert preprocess("The U.S. isn't calm!") == ["the", "usa", "isnt", "calm"]


def test_bad_lexicon_lines_are_reported(tmp_path: Path):
    bad = tmp_path / "bad.tsv"
    bad.write_text("good\t0.5\t0.5\nbroken line\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.tsv:2"):
        load_lexicon(bad)
    bad.write_text("loud\t0.5\t7\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        load_lexicon(bad)


def test_vader_proxy_mapping():
    assert vader_proxy(2.0) == (0.75, 0.5)
    assert vader_proxy(-4.0) == (0.0, 1.0)
    assert vader_proxy(0.0) == (0.5, 0.0)
    with pytest.raises(ValueError):
        vader_proxy(4.5)


def test_shipped_lexicon_is_the_vader_proxy():
    lex = load_lexicon(DEFAULT_LEXICON)
    assert lex.name == "vader_proxy"
    assert len(lex.entries) > 7000
    assert lex.entries["kill"] == pytest.approx(vader_proxy(-3.7))  # VADER rates "kill" -3.7
    assert framing_bias("They kill.", "They left.", lex).negative_words == ("kill",)
