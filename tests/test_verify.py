from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mdsum.attribute import CorroboratingAttributor
from mdsum.errors import ConfigError
from mdsum.types import Citation, Sentence, SummarySentence
from mdsum.verify import SupportVerifier, is_verbatim, numbers, numbers_agree

SENTS = [
    Sentence("a#0", "a", 0, "The bridge will reopen on Monday after repairs.", 0, 1),
    Sentence("b#0", "b", 0, "Officials said the bridge reopens on Monday once repairs are done.", 0, 1),
    Sentence("c#0", "c", 0, "The mayor criticised the city budget during the meeting.", 0, 1),
    Sentence("c#1", "c", 1, "Repair crews worked through the weekend.", 0, 1),
    Sentence("c#2", "c", 2, "Traffic was diverted to the northern road.", 0, 1),
]


def _cite(*ids: str) -> tuple[Citation, ...]:
    return tuple(Citation(i.split("#")[0], (i,)) for i in ids)


def verifier(**kwargs) -> SupportVerifier:  # noqa: ANN003
    return SupportVerifier(**{"scorer": "mdsum.overlap_scorer.v1", "threshold": 0.6, **kwargs})


def corroborated(s: SummarySentence, sents: list[Sentence], threshold: float, min_overlap: float = 0.5,
                 enabled: bool = True) -> list[SummarySentence]:
    """The attributor proposes, the verifier decides: the chain's order."""
    proposed = CorroboratingAttributor(enabled=enabled, min_overlap=min_overlap).attribute([s], sents)
    return verifier(threshold=threshold).verify(proposed, sents)


def test_unsupported_citation_is_dropped_supported_kept():
    s = SummarySentence("The bridge will reopen on Monday after repairs.", _cite("a#0", "b#0", "c#0"), "g1")
    (out,) = verifier().verify([s], SENTS)
    assert out.doc_ids == ("a", "b")
    assert out.text == s.text
    assert out.support == pytest.approx(1.0)


def test_extractive_sentence_keeps_its_own_doc_even_below_threshold():
    # A threshold of 1.0 passes only exact support; the own (verbatim) source stays regardless.
    s = SummarySentence("The bridge will reopen on Monday after repairs.", _cite("a#0", "b#0"), "g1")
    (out,) = verifier(threshold=1.0).verify([s], SENTS)
    assert out.doc_ids == ("a",)


def test_a_generated_copy_is_not_its_own_source():
    # Only a quoted sentence is confirmed by being a copy; a generated one is always scored.
    s = SummarySentence("The bridge will reopen on Monday after repairs.", _cite("a#0"), "g1", method="generated")
    assert verifier(threshold=1.0).verify([s], SENTS)[0].support == pytest.approx(1.0)
    s = SummarySentence("The bridge will reopen on Monday after repairs, officials said.", _cite("a#0"), "g1",
                        method="generated")
    assert verifier(threshold=1.0).verify([s], SENTS) == []


def test_never_zero_citations_and_text_never_rewritten():
    lost = SummarySentence("Aliens landed in Paris yesterday evening.", _cite("c#0"), "g2", method="generated")
    empty = SummarySentence("The bridge will reopen on Monday after repairs.", (), "g3")
    kept = SummarySentence("Repair crews worked through the weekend.", _cite("c#1"), "g4")
    assert verifier().verify([lost, empty, kept], SENTS) == [dataclasses.replace(kept, support=1.0)]


def test_window_lets_a_claim_span_neighbouring_sentences():
    claim = "Repair crews worked through the weekend and traffic was diverted to the northern road."
    s = SummarySentence(claim, _cite("c#1"), "g9", method="generated")
    assert verifier(window=0).verify([s], SENTS) == []
    (out,) = verifier(window=1).verify([s], SENTS)
    assert out.citations == _cite("c#1") and out.method == "generated"


def test_is_verbatim_folds_case_quotes_and_space():
    assert is_verbatim('The minister called it "a fair deal".', "But the minister called it “a fair deal”.")
    assert not is_verbatim("The minister called it unfair.", "The minister called it a fair deal.")


def test_scorer_spec_as_mapping_and_errors():
    SupportVerifier(scorer={"name": "mdsum.overlap_scorer.v1"}).load()
    with pytest.raises(ConfigError, match="Known scorer names"):
        SupportVerifier(scorer="mdsum.nope.v1")  # at construction, before any work
    with pytest.raises(ValueError, match="scorer"):
        SupportVerifier(scorer=3)
    with pytest.raises(ValueError, match="threshold"):
        verifier(threshold=2)


def test_numbers_must_agree_whatever_the_scorer_says():
    assert numbers("About 2,300 people and three dogs; 24.6 feet") == {"2300", "3", "24.6"}
    assert numbers_agree("Three people died.", "The coroner confirmed 3 deaths.")
    assert not numbers_agree("The river crested at 24.9 feet.", "The river crested at 24.6 feet on Saturday.")
    sents = [Sentence("a#0", "a", 0, "The river crested at 24.9 feet on Saturday, the city said.", 0, 1),
             Sentence("b#0", "b", 0, "The river crested at 24.6 feet on Saturday, the city said.", 0, 1)]
    s = SummarySentence(sents[0].text, _cite("a#0", "b#0"), "g1")
    # word overlap alone would keep b (all words but the figure match); the figure rule drops it
    (out,) = verifier(threshold=0.5).verify([s], sents)
    assert out.doc_ids == ("a",)


def test_a_premise_missing_a_figure_is_never_scored():
    """It supports nothing whatever the model says, so the model is not asked (the chain's costliest call)."""
    sents = [Sentence("a#0", "a", 0, "The river crested at 24.9 feet on Saturday, the city said.", 0, 1),
             Sentence("b#0", "b", 0, "The river crested at 24.6 feet on Saturday, the city said.", 0, 1),
             Sentence("c#0", "c", 0, "On Saturday the river reached a crest of 24.9 feet, the city said.", 0, 1)]
    s = SummarySentence("The river crested at 24.9 feet on Saturday.", _cite("a#0", "b#0", "c#0"), "g1")
    v = verifier(threshold=0.5, window=0)
    asked: list[str] = []
    score = v.scorer.score
    v.scorer.score = lambda premises, hypotheses: asked.extend(premises) or score(premises, hypotheses)
    (out,) = v.verify([s], sents)
    assert out.doc_ids == ("a", "c")
    assert asked and all("24.9" in p for p in asked)  # b's sentence never reached the scorer


def test_a_quoted_sentence_windows_only_citations_its_sentence_alone_fails():
    """Its own sentence gives it support 1.0, so another citation needs only a verdict: the window of a
    sentence that already passes alone is never scored, and one that fails alone still gets its window."""
    sents = [Sentence("a#0", "a", 0, "Repair crews worked through the weekend on the bridge.", 0, 1),
             Sentence("b#0", "b", 0, "Repair crews worked on the bridge through the weekend, officials said.", 0, 1),
             Sentence("b#1", "b", 1, "Traffic was diverted to the northern road.", 0, 1),
             Sentence("c#0", "c", 0, "Crews were busy.", 0, 1),
             Sentence("c#1", "c", 1, "They repaired the bridge through the weekend, working on it.", 0, 1)]
    quoted = SummarySentence(sents[0].text, _cite("a#0", "b#0", "c#0"), "g1")
    v = verifier(threshold=0.5)
    asked: list[str] = []
    score = v.scorer.score
    v.scorer.score = lambda premises, hypotheses: asked.extend(premises) or score(premises, hypotheses)
    (out,) = v.verify([quoted], sents)
    assert out.doc_ids == ("a", "b", "c") and out.support == 1.0  # c is kept through its window
    assert sents[1].text in asked and f"{sents[1].text} {sents[2].text}" not in asked  # b passed alone
    assert f"{sents[3].text} {sents[4].text}" in asked  # c failed alone, so its window was tried
    generated = dataclasses.replace(quoted, text="Repair crews worked on the bridge through the weekend.",
                                    method="generated")
    asked.clear()
    v.verify([generated], sents)
    assert f"{sents[1].text} {sents[2].text}" in asked  # no own sentence: every window is scored


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
    (out,) = corroborated(s, CORROB, threshold=0.9)
    # b words it differently but supports it; c adds a figure (fine: the claim states none); d does not.
    assert out.citations == _cite("a#0", "b#1", "c#0")
    (plain,) = corroborated(s, CORROB, threshold=0.9, enabled=False)
    assert plain.citations == _cite("a#0")


def test_corroboration_needs_figures_to_agree_and_enough_shared_words():
    claim = "The council voted 7-2 to close the Harlow bridge for repairs."
    s = SummarySentence(claim, _cite("c#0"), "g1")
    (out,) = corroborated(s, CORROB, threshold=0.5)
    assert out.doc_ids == ("c",)  # a and b never give the 7-2 figure, however many words they share
    (out,) = corroborated(SummarySentence(CORROB[0].text, _cite("a#0"), "g1"), CORROB, threshold=0.0,
                          min_overlap=1.0)
    assert out.doc_ids == ("a", "b", "c")  # d lacks "council"/"voted"/"repairs": not a candidate at all


def test_attributor_only_proposes_and_keeps_text_and_order():
    s = SummarySentence(CORROB[0].text, _cite("a#0"), "g1")
    (out,) = CorroboratingAttributor(min_overlap=0.5).attribute([s], CORROB)
    assert out.text == s.text
    # every outlet whose best sentence holds half the claim's content words is proposed, in document order
    assert out.citations == _cite("a#0", "b#1", "c#0", "d#0")


@pytest.mark.parametrize("kwargs", [{"enabled": "yes"}, {"min_overlap": 0.0}, {"min_overlap": 1.5}])
def test_attributor_settings_are_validated(kwargs):
    with pytest.raises(ValueError, match="enabled|min_overlap"):
        CorroboratingAttributor(**kwargs)


# -- generated sentences: clause-level support and role checks (issue 15) ----------------------------------------

ROLE_SENTS = [
    Sentence("r#0", "r", 0, "Russia said the coalition strikes were a further escalation of the conflict.", 0, 1),
    Sentence("w#0", "w", 0, "The White House accused Russia of carrying out indiscriminate military operations in "
                            "Syria.", 0, 1),
]


def test_clauses_split_joined_claims_only() -> None:
    from mdsum.verify import clauses

    assert clauses("Russia said the strikes were an escalation, while the White House accused Russia of "
                   "bombing civilians.") == ["Russia said the strikes were an escalation",
                                             "the White House accused Russia of bombing civilians."]
    assert clauses("The bridge reopened on Monday; traffic returned to the northern road.") == [
        "The bridge reopened on Monday", "traffic returned to the northern road."]
    assert clauses("The bridge reopened, but slowly.") == ["The bridge reopened, but slowly."]  # a piece < 5 words
    assert clauses("Officials said the bridge reopened, and traffic resumed.") == [
        "Officials said the bridge reopened, and traffic resumed."]  # ", and" + lower case: one clause


def test_a_generated_merge_is_supported_clause_by_clause() -> None:
    text = ("Russia said the coalition strikes were a further escalation, while the White House accused Russia of "
            "indiscriminate military operations in Syria.")
    merged = SummarySentence(text, _cite("r#0", "w#0"), "g", method="generated")
    (out,) = verifier(threshold=0.8).verify([merged], ROLE_SENTS)
    assert out.doc_ids == ("r", "w") and out.support >= 0.8
    assert verifier(threshold=0.8, clauses=False).verify([merged], ROLE_SENTS) == []  # neither states it all
    one_source = SummarySentence(text, _cite("r#0"), "g", method="generated")
    assert verifier(threshold=0.8).verify([one_source], ROLE_SENTS) == []  # the White House clause is unsupported


def test_a_generated_speaker_or_agent_swap_fails_whatever_the_scorer_says() -> None:
    swaps = ["The White House said the coalition strikes were a further escalation of the conflict.",
             "The White House is carrying out indiscriminate military operations in Syria, Russia said."]
    for text in swaps:
        s = SummarySentence(text, _cite("r#0", "w#0"), "g", method="generated")
        assert verifier(threshold=0.5, roles=False).verify([s], ROLE_SENTS), text  # word overlap passes it
        assert verifier(threshold=0.5).verify([s], ROLE_SENTS) == [], text
    faithful = SummarySentence("Russia is carrying out indiscriminate military operations in Syria, the White House "
                               "said.", _cite("w#0"), "g", method="generated")
    assert verifier(threshold=0.5).verify([faithful], ROLE_SENTS)


def test_quoted_sentences_are_not_role_checked_or_split() -> None:
    quoted = SummarySentence(ROLE_SENTS[1].text, _cite("w#0"), "g")
    (out,) = verifier(threshold=0.99).verify([quoted], ROLE_SENTS)
    assert out.support == 1.0
    with pytest.raises(ValueError, match="roles must be true or false"):
        verifier(roles="yes")


SHIPPED_CHECKER = Path(__file__).resolve().parents[1] / "mdsum" / "resources" / "checker" / "model.safetensors"


@pytest.mark.skipif(not SHIPPED_CHECKER.is_file(), reason="shipped checker weights missing")
def test_shipped_verifier_on_generator_errors_written_in_source_words() -> None:
    """Issue 15's cases with the default verifier (shipped checker): swaps fail, a faithful two-outlet merge ships."""
    v = SupportVerifier()
    cases = {
        "The White House said the coalition strikes were a further escalation of the conflict.": False,
        "The White House is carrying out indiscriminate military operations in Syria, Russia said.": False,
        "Russia said the coalition strikes were a further escalation, while the White House accused Russia of "
        "indiscriminate military operations in Syria.": True,
    }
    for text, ships in cases.items():
        s = SummarySentence(text, _cite("r#0", "w#0"), "g", method="generated")
        assert bool(v.verify([s], ROLE_SENTS)) is ships, text


def test_generated_sentences_can_have_a_stricter_threshold_than_quoted_ones() -> None:
    generated = SummarySentence("The bridge will reopen on Monday after repairs are done, officials said.",
                                _cite("b#0"), "g", method="generated")
    quoted = SummarySentence(SENTS[1].text, _cite("b#0"), "q")
    (score,) = [s.support for s in verifier(threshold=0.1).verify([generated], SENTS)]
    assert 0.6 < score < 1.0  # the overlap scorer: most of its words, not all
    assert verifier().verify([generated], SENTS)  # threshold 0.6 keeps it
    strict = verifier(generated_threshold=min(1.0, score + 0.01))
    assert strict.verify([generated], SENTS) == []  # the generated bar is higher
    assert strict.verify([quoted], SENTS)  # quoted sentences keep the plain threshold
    with pytest.raises(ValueError, match="generated_threshold"):
        verifier(generated_threshold=1.5)
