from __future__ import annotations

import pytest

from mdsum import nli  # noqa: F401  (registers the overlap scorer)
from mdsum.check import SupportChecker, is_verbatim
from mdsum.errors import ConfigError
from mdsum.types import Citation, ClaimGroup, Sentence, SummarySentence

SENTS = [
    Sentence("a#0", "a", 0, "The bridge will reopen on Monday after repairs.", 0, 1),
    Sentence("b#0", "b", 0, "Officials said the bridge reopens on Monday once repairs are done.", 0, 1),
    Sentence("c#0", "c", 0, "The mayor criticised the city budget during the meeting.", 0, 1),
    Sentence("c#1", "c", 1, "Repair crews worked through the weekend.", 0, 1),
    Sentence("c#2", "c", 2, "Traffic was diverted to the northern road.", 0, 1),
]
GROUP = ClaimGroup("g1", ("a#0", "b#0", "c#0"), ("a", "b", "c"))


def _cite(*ids: str) -> tuple[Citation, ...]:
    return tuple(Citation(i.split("#")[0], (i,)) for i in ids)


def test_unsupported_citation_is_dropped_supported_kept():
    s = SummarySentence("The bridge will reopen on Monday after repairs.", _cite("a#0", "b#0", "c#0"), "g1")
    (out,) = SupportChecker().check([s], [GROUP], SENTS)
    assert out.doc_ids == ("a", "b")
    assert out.support == pytest.approx(1.0)


def test_extractive_sentence_keeps_its_own_doc_even_below_threshold():
    # A threshold of 1.0 passes only exact support; the own (verbatim) source stays regardless.
    s = SummarySentence("The bridge will reopen on Monday after repairs.", _cite("a#0", "b#0"), "g1")
    (out,) = SupportChecker(threshold=1.0).check([s], [GROUP], SENTS)
    assert out.doc_ids == ("a",)


def test_unsupported_abstractive_sentence_falls_back_to_extractive_member():
    s = SummarySentence("Aliens landed in Paris yesterday evening.", _cite("b#0", "c#0"), "g1", method="generated")
    (out,) = SupportChecker(corroborate=False).check([s], [GROUP], SENTS)
    assert out.method == "quoted"
    assert out.text == SENTS[0].text and out.citations == _cite("a#0")


def test_never_zero_citations():
    lost = SummarySentence("Aliens landed in Paris yesterday evening.", _cite("c#0"), "missing-group",
                           method="generated")
    empty = SummarySentence("The bridge will reopen on Monday after repairs.", (), "missing-group")
    assert SupportChecker().check([lost, empty], [GROUP], SENTS) == []


def test_window_lets_a_claim_span_neighbouring_sentences():
    claim = "Repair crews worked through the weekend and traffic was diverted to the northern road."
    s = SummarySentence(claim, _cite("c#1"), "g9", method="generated")
    assert SupportChecker(window=0).check([s], [], SENTS) == []
    (out,) = SupportChecker(window=1).check([s], [], SENTS)
    assert out.citations == _cite("c#1") and out.method == "generated"


def test_is_verbatim_folds_case_quotes_and_space():
    assert is_verbatim('The minister called it "a fair deal".', "But the minister called it “a fair deal”.")
    assert not is_verbatim("The minister called it unfair.", "The minister called it a fair deal.")


def test_scorer_spec_as_mapping_and_errors():
    SupportChecker(scorer={"name": "mdsum.overlap_scorer.v1"}).load()
    with pytest.raises(ConfigError, match="Known scorer names"):
        SupportChecker(scorer="mdsum.nope.v1").load()
    with pytest.raises(ValueError, match="scorer"):
        SupportChecker(scorer=3)
    with pytest.raises(ValueError, match="threshold"):
        SupportChecker(threshold=2)


def test_numbers_must_agree_whatever_the_scorer_says():
    from mdsum.check import numbers, numbers_agree

    assert numbers("About 2,300 people and three dogs; 24.6 feet") == {"2300", "3", "24.6"}
    assert numbers_agree("Three people died.", "The coroner confirmed 3 deaths.")
    assert not numbers_agree("The river crested at 24.9 feet.", "The river crested at 24.6 feet on Saturday.")
    sents = [Sentence("a#0", "a", 0, "The river crested at 24.9 feet on Saturday, the city said.", 0, 1),
             Sentence("b#0", "b", 0, "The river crested at 24.6 feet on Saturday, the city said.", 0, 1)]
    s = SummarySentence(sents[0].text, _cite("a#0", "b#0"), "g1")
    # word overlap alone would keep b (all words but the figure match); the figure rule drops it
    (out,) = SupportChecker(threshold=0.5).check([s], [ClaimGroup("g1", ("a#0", "b#0"), ("a", "b"))], sents)
    assert out.doc_ids == ("a",)


CORROB = [
    Sentence("a#0", "a", 0, "The council voted to close the Harlow bridge for repairs.", 0, 1),
    Sentence("b#0", "b", 0, "Rain fell across the region on Sunday.", 0, 1),
    Sentence("b#1", "b", 1, "On Monday the council voted to close the Harlow bridge for repairs, officials said.",
             0, 1),
    Sentence("c#0", "c", 0, "The council voted 7-2 to close the Harlow bridge for repairs.", 0, 1),
    Sentence("d#0", "d", 0, "The mayor opposed the plan to close the Harlow bridge.", 0, 1),
]


def test_corroboration_cites_other_outlets_that_support_the_claim():
    s = SummarySentence(CORROB[0].text, _cite("a#0"), "g1")
    (out,) = SupportChecker(threshold=0.9).check([s], [], CORROB)
    # b words it differently but supports it; c adds a figure (fine: the claim states none); d does not.
    assert out.citations == _cite("a#0", "b#1", "c#0")
    (plain,) = SupportChecker(threshold=0.9, corroborate=False).check([s], [], CORROB)
    assert plain.citations == _cite("a#0")


def test_corroboration_needs_figures_to_agree_and_enough_shared_words():
    claim = "The council voted 7-2 to close the Harlow bridge for repairs."
    s = SummarySentence(claim, _cite("c#0"), "g1")
    (out,) = SupportChecker(threshold=0.5).check([s], [], CORROB)
    assert out.doc_ids == ("c",)  # a and b never give the 7-2 figure, however many words they share
    strict = SupportChecker(threshold=0.0, corroborate_min_overlap=1.0)
    (out,) = strict.check([SummarySentence(CORROB[0].text, _cite("a#0"), "g1")], [], CORROB)
    assert out.doc_ids == ("a", "b", "c")  # d lacks "council"/"voted"/"repairs": not a candidate at all


@pytest.mark.parametrize("kwargs", [{"corroborate": "yes"}, {"corroborate_min_overlap": 0.0},
                                    {"corroborate_min_overlap": 1.5}])
def test_corroboration_settings_are_validated(kwargs):
    with pytest.raises(ValueError, match="corroborate"):
        SupportChecker(**kwargs)
