"""The generator gate: each structural check alone, then errors injected into faithful fusions of real claim
groups (the repo's seeds/ articles, grouped by the default pipeline) must be rejected."""

from __future__ import annotations

import pytest

from mdsum.gate import CHECKS, gate
from mdsum.gate_roles import (
    agent_triples,
    attributions,
    check_agents,
    check_attribution,
    check_conflation,
    check_figure_sources,
    check_figure_verbs,
    check_heads,
    check_made_two,
    check_negation,
    check_opening,
    check_speakers,
    check_subjects,
)
from mdsum.gate_text import (
    check_approximators,
    check_comparatives,
    check_english,
    check_entities,
    check_leak,
    check_nonempty,
    check_novel_words,
    check_numbers,
    check_one_sentence,
    check_quotes,
    check_relations,
    check_repeats,
    check_tense,
    entity_spans,
    same_word,
    tokens,
)

# Claim groups the default pipeline builds from seeds/ (members verbatim).
RIVER = ["The river crested at 24.6 feet on Saturday afternoon, more than six feet above flood stage, according to "
         "the Regional Hydrological Office.",
         "The river crested at about 24.9 feet Saturday, residents' gauges and the city said; flood stage is 18 feet."]
POWER = ["Ardell Power said about 9,000 customers lost electricity at the peak of the flood.",
         "Ardell Power said electricity had been restored to all but about 1,200 of the 9,000 customers who lost "
         "service at the height of the flood."]
DEATHS = ["Three deaths have been confirmed by the Ardell County coroner.",
          "The Ardell County coroner has confirmed three deaths.",
          "Three people have died, according to the Ardell County coroner."]
RESIDENTS = ["Residents at the meeting said at least five people died, including two neighbors who have not been "
             "found.",
             "But members of the Eastbank Neighbors Association say at least five people are dead, counting two "
             "residents of Mill Street who have not been seen since early Saturday."]
LEVEE = ["The U.S. Army Corps of Engineers is expected to inspect the damaged levee this week, according to the office "
         "of U.S. Rep. Dana Whitcomb.",
         "U.S. Rep. Dana Whitcomb, whose district includes Brackenford, said the U.S. Army Corps of Engineers would "
         "begin inspecting the breached levee on Wednesday."]
EVACUATED = ["According to the Ardell County emergency management office, about 1,800 people were evacuated, a lower "
             "figure than the city's estimate.",
             "City officials estimate more than 2,000 people were evacuated."]
WATER = ["A boil-water notice is in effect for Eastbank after the pumping station on Ferry Lane flooded.",
         "Eastbank residents are under a boil-water notice because the Ferry Lane pumping station flooded."]

# (sources, a faithful fusion) — each must pass the whole gate.
FAITHFUL = [
    (RIVER, "The river crested at 24.6 feet on Saturday, according to the Regional Hydrological Office, while the "
            "city put it at about 24.9 feet."),
    (POWER, "Ardell Power said about 9,000 customers lost electricity at the peak of the flood and all but about "
            "1,200 have had it restored."),
    (DEATHS, "The Ardell County coroner has confirmed three deaths."),
    (RESIDENTS, "Eastbank residents say at least five people died, including two who have not been found."),
    (LEVEE, "U.S. Rep. Dana Whitcomb said the U.S. Army Corps of Engineers would begin inspecting the breached levee "
            "on Wednesday."),
    (EVACUATED, "About 1,800 people were evacuated, according to the Ardell County emergency management office, while "
                "city officials estimate more than 2,000."),
    (WATER, "A boil-water notice is in effect for Eastbank after the Ferry Lane pumping station flooded."),
    # a phrase said once in each of two clauses, each restating a different source
    (EVACUATED, "City officials estimated more than 2,000 people were evacuated, while the Ardell County emergency "
                "management office reported about 1,800 people were evacuated."),
]

# (sources, unfaithful variant of a fusion, the reason's prefix).
INJECTED = [
    (RIVER, "The river crested at 25.1 feet on Saturday, according to the Regional Hydrological Office.",
     "unsupported number '25.1'"),
    (POWER, "Ardell Power said about 9,000 customers lost electricity and all but about 1,500 have it back.",
     "unsupported number '1500'"),
    (DEATHS, "The Ardell County coroner has confirmed four deaths.", "unsupported number '4'"),
    (POWER, "The Pentagon said about 9,000 customers lost electricity at the peak of the flood.",
     "new entity 'Pentagon'"),
    (LEVEE, "FEMA said the U.S. Army Corps of Engineers would begin inspecting the breached levee on Wednesday.",
     "new entity 'FEMA'"),
    (DEATHS, "The Ardell County coroner has not confirmed three deaths.", "invented negation"),
    (RESIDENTS, "Residents said at least five people died, including two neighbors who have been found.",
     "dropped negation of 'found'"),
    (RESIDENTS, "At least five people died, including two neighbors who have not been found.",
     "dropped attribution"),
    (EVACUATED, "About 1,800 people were evacuated, a lower figure than the city's estimate.", "dropped attribution"),
    (LEVEE, "The U.S. Army Corps of Engineers said Dana Whitcomb would begin inspecting the breached levee on "
            "Wednesday.", "speaker swap"),  # Whitcomb says it; the Corps is the agent of the inspection
    (EVACUATED, "City officials said about 1,800 people were evacuated.", "speaker swap"),
    (EVACUATED, "The Ardell County emergency management office estimates more than 2,000 people were evacuated.",
     "speaker swap"),
    (WATER, "Eastbank residents are under a boil-water notice, and the Ferry Lane pumping station is under a "
            "boil-water notice.", "repeated phrase"),
    (DEATHS, "The Ardell County coroner has confirmed three deaths. Two people are missing.",
     "more than one sentence"),
    (DEATHS, "The Ardell County coroner has confirmed three deaths and", "unfinished sentence"),
    (DEATHS, "", "empty output"),
    (DEATHS, "El forense del condado de Ardell ha confirmado tres muertes en total.", "not English"),
    (RIVER, 'The city said the river was "far above any level we have seen".', "quote not verbatim"),
    (WATER, "A boil-water notice is in effect for Eastbank after sabotage flooded the pumping station, officials "
            "fear.", "novel words"),
    (RIVER, "The river crested at 24.9 feet Saturday, residents' gauges and the city said.",
     "dropped approximator 'about' before '24.9'"),
    (EVACUATED, "City officials estimate more than 2,000 people were evacuated, a lower figure than the city's "
                "estimate.", "comparison moved: 'lower figure than' after '2000'"),
    (POWER, "He said about 9,000 customers lost electricity at the peak of the flood.", "opens with the pronoun 'He'"),
]


@pytest.mark.parametrize("sources, text", FAITHFUL)
def test_faithful_fusions_pass(sources, text):
    assert gate(text, sources) is None


@pytest.mark.parametrize("sources, text, reason", INJECTED)
def test_injected_errors_are_rejected_with_the_reason(sources, text, reason):
    why = gate(text, sources)
    assert why is not None and why.startswith(reason), why


def test_every_check_can_be_skipped():
    text = "The Pentagon said about 9,000 customers lost electricity at the peak of the flood."
    assert gate(text, POWER, skip=["entities"]) is not None  # the speaker check still sees the swap
    assert gate(text, POWER, skip=["entities", "speakers"]) is None
    assert set(CHECKS) >= {"numbers", "entities", "negation", "attribution", "speakers", "agents"}


def test_numbers():
    assert check_numbers("About 2,300 people left.", ["roughly 2,300 people"]) is None
    assert check_numbers("Three people died.", ["3 people died"]) is None  # number words are canonical
    assert check_numbers("At least 36 civilians died.", ["civilians died"]) == "unsupported number '36'"
    assert check_numbers("The 15 sailors were freed.", ["The fifteen sailors were freed."]) is None
    # a figure inside an outlet's name is part of the name, one outside it still counts
    missing = ["Two people are still missing."]
    radio = "Two people remain missing, as reported by KBRK Community Radio 91.3."
    assert check_numbers(radio, missing) == "unsupported number '91.3'"
    assert check_numbers(radio, missing, names=["KBRK Community Radio 91.3"]) is None
    assert check_numbers("Four people are missing, Source 4 said.", missing, names=["Source 4"]) == \
        "unsupported number '4'"


def test_tense():
    assert check_tense("The conference in Bali began next week.") == "tense clash: 'began … next'"
    assert check_tense("The conference in Bali begins next week.") is None


def test_entities_and_outlet_names():
    spans = entity_spans("The U.S. Army Corps of Engineers met Mayor Elena Marsh.")
    assert [s[2] for s in spans] == ["U.S. Army Corps of Engineers", "Mayor Elena Marsh"]
    assert check_entities("Russia's jets hit Syrian towns.", ["Russian jets hit towns in Syria."]) is None
    assert check_entities("KBRK reported the flood.", ["The flood."]) == "new entity 'KBRK'"
    assert check_entities("KBRK reported the flood.", ["The flood."], names=["KBRK Community Radio"]) is None
    assert same_word("Russia", "Russian") and same_word("attacked", "attacks") and not same_word("Iran", "Iraq")
    assert same_word("Iraq", "Iraqi") and same_word("Iran", "Iranian") and not same_word("Iran", "Iranic")


def test_spaced_initials_are_the_abbreviation():
    # A generator wrote "the U. S." for the source's "the U.S." (Multi-News, session 18).
    src = ["A solar event could cause $2 trillion in damage in the U.S. alone."]
    assert check_entities("A solar event could cause $2 trillion in damage in the U. S. alone.", src) is None
    assert check_entities("A solar event could cause damage in the U. K. alone.", src) == "new entity 'U.K.'"
    assert tokens("J. K. Rowling and J.K. Rowling") == ["J.K.", "Rowling", "and", "J.K.", "Rowling"]


def test_negation():
    assert check_negation("Strikes did not target rebels.", ["The strikes did not target the rebels."]) is None
    assert check_negation("The strikes targeted rebels.", ["The strikes did not target the rebels."]) \
        == "dropped negation of 'target'"
    assert check_negation("The Kremlin denied that its strikes killed civilians.",
                          ["The Kremlin has denied reports that its strikes killed civilians."]) is None
    assert check_negation("The Kremlin said its strikes killed civilians.",
                          ["The Kremlin has denied reports that its strikes killed civilians."]) \
        == "dropped negation 'denied'"
    assert check_negation("Nobody was hurt.", ["Two people were hurt."]) == "invented negation"


def test_negation_moved_off_its_head_but_kept_on_what_it_negates():
    law = ["The amendments make possession a petty offence that would not result in a criminal record."]
    kept = "The amendments make possession a petty offense that could result in a ticket but not in a criminal record."
    assert check_negation(kept, law) is None
    # the scope words are there, un-negated: still a dropped negation
    assert check_negation("The amendments make possession a petty offence that would result in a criminal record.",
                          law) == "dropped negation of 'result'"


def test_attribution_and_hedges():
    assert check_attribution("Jets reportedly hit a camp.", ["They reportedly hit a camp."]) is None
    assert check_attribution("Jets hit a camp.", ["They reportedly hit a camp."]) == "dropped hedge 'reportedly'"
    assert check_attribution("The quake was likely an aftershock.",
                             ["The survey reported it was likely an aftershock."]) == "dropped attribution 'reported'"
    assert check_attribution("The river crested at 24.6 feet.", ["The river crested at 24.6 feet."]) is None


def test_attribution_words_used_as_nouns_attribute_nothing():
    law = ["Emboldened by changes to drug laws in U.S. states, Jamaica's Parliament approved the act."]
    assert check_attribution("Jamaica's Parliament approved the act.", law) is None
    assert check_attribution("Jamaica's Parliament approved the act.", ["Changes in 50 states emboldened it."]) is None
    assert check_attribution("Trump declared that the peak is near.", ["Trump said the peak is near."]) is None
    # nor does the output's own "United States" attribute anything
    assert check_attribution("The United States blocked the plan.", ["The plan was blocked, officials said."]) \
        == "dropped attribution 'said'"
    # the verb still attributes, in the source and in the output
    assert check_attribution("The act is lawful.", ["The minister states that the act is lawful."]) \
        == "dropped attribution 'states'"
    assert check_attribution("The act is lawful, the minister claims.", ["The minister said the act is lawful."]) \
        is None
    assert check_attribution("Sizemore rejected the actress's claim.", ["Officials said Sizemore rejected it."]) \
        == "dropped attribution 'said'"


def test_conflation_one_person_made_two():
    shoot = ["The photo session required the child, who had a small role in the film, to be seated on his lap.",
             "The session required the young actress, who had a small role in the production, to be seated on his lap."]
    assert check_conflation("The photo session required the child and the young actress to be seated on his lap.",
                            shoot) == "one thing made two: 'child' and 'young actress'"
    assert check_conflation("The photo session required the child, who had a small role, to be seated on his lap.",
                            shoot) is None
    # two named things in one slot are usually two things: "Homs and Idlib" is a merge, not a conflation
    strikes = ["Russian jets struck Homs on Wednesday.", "Russian jets struck Idlib on Wednesday."]
    assert check_conflation("Russian jets struck Homs and Idlib on Wednesday.", strikes) is None


def test_made_two_one_event_brought_in_twice():
    order = ["A federal judge in Texas issued an order Wednesday blocking the state's six-week abortion ban.",
             "A federal judge on Wednesday issued an order temporarily blocking the enforcement of the law."]
    assert check_made_two("A federal judge in Texas issued an order blocking the ban, while a federal judge on "
                          "Wednesday issued an order temporarily blocking the law.", order) \
        == "one thing made two: 'A federal judge' and 'a federal judge'"
    crash = ["Woods sustained the injuries in a one-car crash in Rancho Palos Verdes on Tuesday morning.",
             "Woods was in Los Angeles on Tuesday when he was involved in a single-car crash."]
    assert check_made_two("Woods sustained injuries in a one-car crash in Rancho Palos Verdes on Tuesday morning, and "
                          "was in Los Angeles when he was involved in a single-car crash.", crash) \
        == "one thing made two: 'a one-car crash' and 'a single-car crash'"
    # the judge named once, and a merge that brings in different things, are fusions
    assert check_made_two("A federal judge in Texas on Wednesday issued an order temporarily blocking the ban.",
                          order) is None
    assert check_made_two("A federal judge blocked the ban on Wednesday, while a spokesman for the governor said "
                          "the state would appeal.", order) is None
    # a member that brings in two judges itself makes two judges a fair copy
    two = ["A federal judge in Maryland and a federal judge in Hawaii blocked the ban."]
    assert check_made_two("A federal judge in Maryland blocked the ban, while a federal judge in Hawaii blocked it "
                          "too.", two) is None


def test_attribution_patterns():
    assert attributions("Moscow says it carried out 18 attacks in Syria.") == \
        [("Moscow", "it carried out 18 attacks in Syria.")]
    assert attributions('"Carrying out operations is dangerous for Russia," said spokesman Josh Earnest in '
                        "Washington.")[0][0] == "spokesman Josh Earnest"
    assert attributions("About 1,800 people left, according to the county office.")[0][0] == "the county office"
    # auxiliaries and floating words between speaker and verb are not the speaker's name
    assert attributions("The levee held, Vox has reported.") == [("Vox", "The levee held")]
    assert attributions("Vox and NPR have both reported that the levee held.") == [("Vox and NPR", "the levee held.")]
    assert attributions("Vox also said the levee held.") == [("Vox", "the levee held.")]


def test_speakers():
    src = ["Moscow says its jets are attacking IS forces.", "The coalition said the strikes killed civilians."]
    assert check_speakers("Moscow says its jets are attacking IS forces.", src) is None
    assert check_speakers("The coalition says its jets are attacking IS forces.", src).startswith("speaker swap")
    assert check_speakers("Moscow said the strikes killed civilians.", src).startswith("speaker swap")
    # a merge puts one speaker's name on a part only another source gives
    merge = ["Gordon Brown said the task of Bali sounds quite specific.",
             '"The U.S. is committed to advancing negotiations," he said.']
    assert check_speakers("Gordon Brown said the task of Bali sounds quite specific and the U.S. is committed to "
                          "advancing negotiations.", merge) == \
        "speaker 'Gordon Brown' not given for this part of the claim"
    # a claim no source attributes, given a speaker the claim's sources never name
    assert check_speakers("Turkey said the actions will fuel extremism.",
                          ['"These actions will fuel extremism."']).startswith("speaker 'Turkey' not given")
    # a speaker "named" in the source only by a word of the claim itself ("Seattle") is not given there
    soda = ["Seattle's soda tax is particularly burdensome.",
            "Seattle leaders say the tax is a good way to discourage people from drinking soda."]
    assert check_speakers("Seattle's soda tax is particularly burdensome, according to Seattle leaders.", soda) \
        == "speaker 'Seattle leaders' not given for this claim"
    assert check_speakers("The tax is a good way to discourage people from drinking soda, Seattle leaders say.",
                          soda) is None
    # "A and B both reported …": each coordinated speaker must give the claim
    daca = ["Judge Hanen ruled the program was unlawful because Congress never gave the executive that power.",
            "Judge Hanen concluded the program is unlawful because it evaded the notice and comment process."]
    outlets = ["Wall Street Journal", "Vox"]
    claim = "Judge Hanen ruled the program was unlawful because Congress never gave the executive that power."
    assert check_speakers(f"The Wall Street Journal reported that {claim[0].lower()}{claim[1:]}", daca, outlets) \
        is None
    assert check_speakers(f"Vox and the Wall Street Journal both reported that {claim[0].lower()}{claim[1:]}", daca,
                          outlets) == "speaker 'Vox' not given for this claim"
    assert check_speakers(f"The Wall Street Journal and Vox both reported that {claim[0].lower()}{claim[1:]}", daca,
                          outlets) == "speaker 'Vox' not given for this claim"  # not 'Vox both'
    assert check_speakers(f"The Wall Street Journal and Vox have both reported that {claim[0].lower()}{claim[1:]}",
                          daca, outlets) == "speaker 'Vox' not given for this claim"


def test_an_outlet_may_be_cited_for_what_it_printed():
    src = ["The levee on the east bank held overnight.", "Police said the levee on the east bank held overnight."]
    outlets = ["Harbor Herald", "Metro Daily"]
    said = "The levee on the east bank held overnight, the Harbor Herald reported."
    assert check_speakers(said, src[:1], outlets[:1]) is None  # its own unattributed sentence
    assert check_speakers(said, src[:1]).startswith("speaker 'Harbor Herald' not given")  # without outlets
    assert check_speakers(said, src[:1], ["Source 1"]).startswith("speaker 'Harbor Herald' not given")
    # where the sentence names who says it, the outlet does not replace the speaker
    assert check_speakers("The levee on the east bank held overnight, Metro Daily said.", src[1:], outlets[1:]) \
        .startswith("speaker swap: 'Metro Daily' for 'Police'")
    # the gate passes outlets as the members' names
    assert gate(said, src[:1], names=outlets[:1]) is None
    assert gate(said, src[:1], names=["Metro Daily"]) is not None


def test_agents():
    assert ("Russia", "attack", "Turkey") in agent_triples("Russia attacked Turkey on Friday.")
    assert check_agents("Turkey attacked Russia on Friday.", ["Russia attacked Turkey on Friday."]).startswith(
        "agent swap: 'Turkey' attack")
    assert check_agents("Russia attacked Turkey.", ["On Friday Russia attacked Turkey, officials said."]) is None


def test_agents_a_date_is_no_agent_but_a_moved_date_is_caught():
    memo = ["President Trump on Friday blocked the release of a classified memo."]
    assert check_agents("President Trump blocked the release of a classified memo.", memo) is None
    assert check_agents("Congress blocked the release of a classified memo.", memo) \
        == "agent swap: 'Congress' block (sources: 'President Trump')"
    meals = ["The Red Cross was sheltering 350 people on Sunday night and had served 4,000 meals since Saturday."]
    assert check_agents("The Red Cross was sheltering 350 people on Saturday night and had served 4,000 meals.",
                        meals) == "agent swap: 'Saturday' serv (sources: 'Sunday')"


def test_form_checks():
    assert check_nonempty("  ") == "empty output"
    assert check_one_sentence("U.S. Rep. Dana Whitcomb said the levee held.") is None  # abbreviations are not ends
    assert check_one_sentence("The plane crossed the border about 2:20 p.m. PDT Saturday, officials said.") is None
    assert check_one_sentence("New York Lt. Gov. Kathy Hochul vowed to uphold integrity in her administration.") is None
    assert check_one_sentence("Gov. Andrew Cuomo resigned. Capt. Ana Ruiz took command of the ship.") \
        == "more than one sentence"
    assert check_one_sentence("Too short.").startswith("too short")
    assert check_english("the the the the the the the the the the") == "repetitive output"
    assert check_english("Россия нанесла удары по Сирии третий день подряд.") == "not English"
    # names and figures are no evidence of another language; the function words around them are
    assert check_english("Ana Ruiz received $20,000, while Tomas Berg Halvorsen received $15,000.") is None
    assert check_english("Ana Ruiz recibió 20.000 dólares, mientras Tomas Berg recibió quince mil.") == "not English"
    assert check_quotes('He called it "a fair deal".', ["He called it “a fair deal” on Monday."]) is None


def test_novel_words_and_prompt_leaks():
    src = ["The council voted to repair the bridge."]
    assert check_novel_words("The council voted to repair the bridge, officials said.", src) is None
    assert check_novel_words("The council voted to demolish and rebuild the bridge.", src) \
        == "novel words 'demolish', 'rebuild'"
    assert check_leak("The council said the fire was an accident.", src, {"fire", "accident"}) \
        == "copied from the prompt's example: 'fire'"
    # the prompt's label for a document without an outlet names nothing a reader knows
    assert check_leak("The council voted to repair the bridge, according to Source 2.", src) \
        == "prompt label 'Source 2' in the text"
    assert check_leak("Source 2 said the council voted.", ["Source 2 said the council voted."]) is None


def test_subjects():
    src = ["An airplane seat and life vest were found floating in Atlantic waters on Tuesday."]
    assert check_subjects("A life vest was found floating in the Atlantic.", src) is None
    assert check_subjects("The plane was found floating in the Atlantic.", src) == \
        "subject swap: 'plane' found (sources: 'vest')"
    # "detained by Iran would be released": Iran is not the subject of "released"
    assert check_subjects("The sailors will be released.", ["The sailors detained by Iran would be released."]) is None


def test_figures_from_several_sources_need_each_attributed():
    src = ["The aftershock measured 6.6, the service said.", "The aftershock had a magnitude of 5.8."]
    assert check_figure_sources("The quake measured 6.6 and the aftershock was reported as 5.8.", src) == \
        "figures from 2 sources, 1 attributed"
    assert check_figure_sources("The service said it measured 6.6, while another report put it at 5.8.", src) is None
    assert check_figure_sources("The aftershock measured 6.6.", src) is None


def test_relations_and_fragments():
    src = ["Iran first gave the position as inside Iraqi waters.", "Iran later placed it outside Iranian waters."]
    assert check_relations("Iran gave the position as inside Iraqi waters.", src) is None
    assert check_relations("Iran gave the position as inside Iranian waters.", src) == "new relation 'inside Iranian'"
    assert check_one_sentence("Iranian territorial waters and the UK's claim to Iraqi territorial waters.") == "no verb"
    assert attributions("The sailors were detained, and the Iranian government's claim that they were on patrol "
                        "stands.")[0][0] == "the Iranian government"


def test_each_side_of_a_contrast_keeps_its_own_speaker():
    iran = ["Iran says they were in Iranian territorial waters while the UK insists they were operating in Iraqi "
            "waters under the terms of a UN mandate.", "Iran claims the UK forces were in Iranian waters."]
    both = ("Iran claims the UK forces were in Iranian waters, while the UK insists they were operating in Iraqi "
            "waters under the terms of a UN mandate.")
    assert check_speakers(both, iran) is None  # faithful: each side's claim is its own
    assert attributions(iran[0])[:2] == [("Iran", "they were in Iranian territorial waters"),
                                         ("the UK", "they were operating in Iraqi waters under the terms of a UN "
                                                    "mandate.")]
    swapped = ("Iran claims they were operating in Iraqi waters under the terms of a UN mandate, while the UK "
               "insists the UK forces were in Iranian waters.")
    assert check_speakers(swapped, iran).startswith("speaker swap")
    power = ["Ardell Power said about 9,000 customers lost electricity at the peak of the flood.",
             "Ardell Power said electricity had been restored to all but about 1,200 of the 9,000 customers who "
             "lost service at the height of the flood."]
    outlet = ("Ardell Power said about 9,000 customers lost electricity at the peak of the flood, while "
              "Continental Press Wire said about 1,200 customers lost service at the height of the flood.")
    assert check_speakers(outlet, power) == "speaker swap: 'Continental Press Wire' for 'Ardell Power'"


def test_one_speaker_cannot_hold_two_sources_figures():
    river = ["The river crested at 24.6 feet on Saturday afternoon, more than six feet above flood stage, according "
             "to the Regional Hydrological Office.",
             "The river crested at about 24.9 feet Saturday, residents' gauges and the city said; flood stage is "
             "18 feet."]
    mixed = ("The river crested at 24.9 feet on Saturday, more than six feet above flood stage, according to the "
             "Regional Hydrological Office.")
    assert check_speakers(mixed, river) == ("figures of one attributed claim from different sources "
                                            "('Regional Hydrological Office')")
    right = ("The river crested at 24.6 feet on Saturday afternoon, more than six feet above flood stage, according "
             "to the Regional Hydrological Office, while residents' gauges and the city said it was about 24.9 feet.")
    assert check_speakers(right, river) is None


# MultiLing 2011 English (WikiNews, CC BY): sources of real generator outputs in tests/fixtures.
SEARCH = ["Search and rescue operations by the Brazilian Air Force are to be initially centered on the island of "
          "Fernando de Noronha.",
          "Search teams from Brazil mainly focused on the area north of Fernando de Noronha, an island located "
          "approximately two hundred miles off the coast of Brazil."]
SAILORS = ["The European Union has released a statement calling for the release of all 15 British sailors and marines "
           "being detained in Iran.",
           "Iran's National Security Council has announced that it will \"suspend\" the releasing of 15 British "
           "sailors and marines detained by Iranian forces on March 23."]


def test_opening_pronoun_needs_its_name_in_the_sentence():
    assert check_opening("He held on to his overall lead, finishing 11th in the stage.").startswith(
        "opens with the pronoun 'He'")
    assert check_opening("They claimed intention was to move the victims.").startswith("opens with the pronoun")
    assert check_opening("He would release the fifteen British personnel as a gift, Iranian President Mahmoud "
                         "Ahmadinejad said.") is None  # named in the same sentence
    assert check_opening("Hezbollah said it would fight.") is None


def test_approximators_stay_on_their_figures():
    assert check_approximators("The river crested at about 24.9 feet.", RIVER) is None
    assert check_approximators("The river crested at roughly 24.9 feet.", RIVER) is None  # another qualifier
    assert check_approximators("The river crested at 24.9 feet.", RIVER) == "dropped approximator 'about' before '24.9'"
    assert check_approximators("The river crested at 24.6 feet.", RIVER) is None  # the office's figure is exact
    assert check_approximators("More than 2,000 people were evacuated.", EVACUATED) is None


def test_comparatives_compare_the_figure_the_source_compares():
    assert check_comparatives("About 1,800 people were evacuated, a lower figure than the city's estimate.",
                              EVACUATED) is None
    assert check_comparatives("More than 2,000 people left, a lower figure than the city's estimate.", EVACUATED) \
        == "comparison moved: 'lower figure than' after '2000'"


def test_heads_a_subject_keeps_its_head_noun():
    assert check_heads("The Brazilian Air Force is to be initially centered on the island of Fernando de Noronha.",
                       SEARCH).startswith("subject lost its head: 'the brazilian air force'")
    assert check_heads("Search and rescue operations by the Brazilian Air Force are to be initially centered on the "
                       "island of Fernando de Noronha.", SEARCH) is None
    # an "if" clause without its comma is not part of the subject
    rajanews = ["If the charges of espionage is brought against them the result would be heavy punishment by law."]
    assert check_heads("If charges of espionage are brought, the result would be heavy punishment by law.",
                       rajanews) is None


def test_figure_verbs_keep_a_date_with_its_event():
    moved = ("The European Union has called for the release of all 15 British sailors and marines detained in Iran, "
             "while Iran's National Security Council has announced that it will suspend the releasing of these "
             "sailors and marines on March 23.")
    assert check_figure_verbs(moved, SAILORS) == "figure moved: '23' after 'releas' (sources: 'detain')"
    kept = "Iran said it will suspend the releasing of 15 sailors and marines detained by its forces on March 23."
    assert check_figure_verbs(kept, SAILORS) is None
    # a reporting verb is no event: "the city put it at about 24.9 feet"
    assert check_figure_verbs("The city put the crest at about 24.9 feet.", RIVER) is None


def test_repeats_a_loop_is_rejected_two_restated_sources_are_not():
    assert check_repeats("A United States Army court martial found a United States Army court martial.", SEARCH) \
        .startswith("repeated phrase")
    two = ("Search and rescue operations by the Brazilian Air Force are to be initially centered on the island of "
           "Fernando de Noronha, while search teams from Brazil mainly focused on the area north of Fernando de "
           "Noronha.")
    assert check_repeats(two, SEARCH) is None
    assert check_repeats(two, SEARCH[:1]).startswith("repeated phrase")  # the second clause restates no source

    # a repetition the source itself makes is kept, not looped; one more than the source's is still a loop
    quote = ("McDonnell said he may compel evacuation both where local bodies have made such a determination and where "
             "local bodies have not.")
    assert check_repeats(quote, [quote]) is None
    assert check_repeats(quote, [quote.replace("where local bodies have not", "elsewhere")]) \
        == "repeated phrase 'where local bodies'"
