from __future__ import annotations

import pytest

from mdsum.filter import EligibilityFilter, is_eligible
from mdsum.types import Sentence


def test_eligibility_filters():
    ok = "The committee approved the new budget on Tuesday."
    assert is_eligible(ok, 6, 60)
    assert not is_eligible("Officials met.", 6, 60)  # too short
    assert not is_eligible("Will the committee approve the new budget on Tuesday?", 6, 60)
    assert not is_eligible('"We will rebuild every single house in this town."', 6, 60)  # quote only
    assert not is_eligible('We will rebuild every single house in this town," he said.', 6, 60)  # quote fragment
    assert not is_eligible("He approved the new budget on Tuesday after a debate.", 6, 60)  # dangling pronoun
    assert not is_eligible("But he approved the new budget on Tuesday after a debate.", 6, 60)
    assert not is_eligible("In January 2005, a United States Army court martial found Army Spc.", 6, 60)
    assert is_eligible("The court martial found him guilty on all charges in Texas.", 6, 60)
    assert not is_eligible("County officials describe the two as missing in the floods.", 6, 60)  # who?
    assert not is_eligible("Police said the pair were last seen near the river bank.", 6, 60)
    assert is_eligible("County officials describe the two residents as missing in the floods.", 6, 60)
    assert not is_eligible("Now it wants its money back from the relief fund.", 6, 60)
    assert not is_eligible("We are already hearing about forced early marriages in the camps.", 6, 60)
    assert not is_eligible('"Everywhere we had instruments, we could see motions," Ammon continued.', 6, 60)
    assert is_eligible("The company added 300 jobs in the region last year.", 6, 60)
    assert not is_eligible("Committee approves new budget after long debate", 6, 60)  # headline
    assert not is_eligible(" ".join(["word"] * 70) + ".", 6, 60)


@pytest.mark.parametrize("text", [
    "Two more residents were still listed as missing on Sunday evening.",
    "Many said the city's alerts came far too late for them.",
    "That decision drew criticism from residents of the Eastbank district.",
    "These shelters were full by Sunday night, officials said.",
    "That is the highest crest recorded on the Tessel River since 1952.",
    "The county puts the number closer to 1,800, volunteers say.",
])
def test_sentences_that_point_back_are_not_eligible(text):
    assert not is_eligible(text, 6, 60)


@pytest.mark.parametrize("text", [
    "Three deaths have been confirmed by the Ardell County coroner.",
    "Many residents said the sirens sounded after 2 a.m. on Saturday.",
    "Thatcher's government fell in 1990, the archive shows.",
    "The number of evacuees rose to 2,300 by Sunday, the mayor said.",
])
def test_self_contained_sentences_stay_eligible(text):
    assert is_eligible(text, 6, 60)


def test_filter_keeps_eligible_sentences_in_order():
    texts = ["Three deaths have been confirmed by the Ardell County coroner.", "Too short.",
             "He approved the new budget on Tuesday after a debate.",
             "The company added 300 jobs in the region last year."]
    sents = [Sentence(f"a#{i}", "a", i, t, 0, len(t)) for i, t in enumerate(texts)]
    assert [s.id for s in EligibilityFilter().filter(sents)] == ["a#0", "a#3"]
    assert [s.id for s in EligibilityFilter(min_words=11).filter(sents)] == []  # both have 10 words


@pytest.mark.parametrize("kwargs", [{"min_words": 0}, {"max_words": True}, {"min_words": 10, "max_words": 5}])
def test_filter_bad_params_name_the_value(kwargs):
    with pytest.raises(ValueError) as e:
        EligibilityFilter(**kwargs)
    assert str(list(kwargs.values())[-1]) in str(e.value)


def test_each_rule_says_why_it_leaves_a_sentence_out():
    from mdsum.filter import ineligibility

    cases = {
        "Officials met.": "shorter than 6 words",
        "Will the committee approve the new budget on Tuesday?": "without a closing '.' or '!'",
        "He approved the new budget on Tuesday after a debate.": "opening on a pronoun",
        "That decision was taken by the council on Monday night.": "pointing back to an earlier sentence",
        "THE COUNCIL APPROVED THE NEW BUDGET ON TUESDAY NIGHT.": "all capitals",
        'Every single house in this town will be rebuilt," the mayor said.': "a fragment of a quotation",
        "In January 2005, a United States Army court martial found Army Spc.": "cut at a title abbreviation",
    }
    for text, why in cases.items():
        assert (ineligibility(text, 6, 60) or "").startswith(why), text
    ok = "The council approved the new budget on Tuesday after a long debate."
    assert ineligibility(ok, 6, 60) is None
    sents = [Sentence(f"d#{i}", "d", i, t, 0, len(t)) for i, t in enumerate([ok, *cases])]
    f = EligibilityFilter()
    assert [s.id for s in f.filter(sents)] == [s.id for s, why in zip(sents, f.explain(sents)) if why is None]
