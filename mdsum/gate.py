"""Structural faithfulness checks of a generated sentence against the source sentences it was fused from.

Small generators do not invent words so much as recombine them: a speaker takes another's claim, an agent
swaps with its object, a hedge or a "not" goes missing, a figure changes. Similarity scorers pass those (every
word is in the sources), so each check looks at one structure. Each is a pure function
``check_x(text, sources, ...) -> reason | None`` — surface checks in :mod:`mdsum.gate_text`, role checks
(negation, attribution, speakers, agents) in :mod:`mdsum.gate_roles`; :func:`gate` here runs them in order and
returns the first reason (``None`` = passes). They are pattern-based and deliberately strict: a rejected
sentence costs a quoted one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from mdsum.gate_roles import (
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
)

CHECKS = ("nonempty", "english", "repeats", "one_sentence", "opening", "numbers", "approximators", "comparatives",
          "tense", "relations", "quotes", "entities", "leak", "novel_words", "negation", "attribution",
          "figure_sources", "figure_verbs", "speakers", "agents", "subjects", "heads", "conflation",
          "made_two")


def gate(text: str, sources: Sequence[str], names: Sequence[str] = (), skip: Sequence[str] = (),
         max_novel_words: int = 1, prompt_words: Iterable[str] = ()) -> str | None:
    """The first failing check's reason, or None when ``text`` passes every check not in ``skip``."""
    runs = {
        "nonempty": lambda: check_nonempty(text),
        "english": lambda: check_english(text),
        "repeats": lambda: check_repeats(text, sources),
        "one_sentence": lambda: check_one_sentence(text),
        "opening": lambda: check_opening(text),
        "numbers": lambda: check_numbers(text, sources, names),
        "approximators": lambda: check_approximators(text, sources),
        "comparatives": lambda: check_comparatives(text, sources),
        "tense": lambda: check_tense(text),
        "relations": lambda: check_relations(text, sources),
        "quotes": lambda: check_quotes(text, sources),
        "entities": lambda: check_entities(text, sources, names),
        "negation": lambda: check_negation(text, sources),
        "attribution": lambda: check_attribution(text, sources),
        "figure_sources": lambda: check_figure_sources(text, sources),
        "figure_verbs": lambda: check_figure_verbs(text, sources),
        "speakers": lambda: check_speakers(text, sources, names),
        "agents": lambda: check_agents(text, sources),
        "subjects": lambda: check_subjects(text, sources),
        "heads": lambda: check_heads(text, sources),
        "conflation": lambda: check_conflation(text, sources),
        "made_two": lambda: check_made_two(text, sources),
        "leak": lambda: check_leak(text, sources, prompt_words),
        "novel_words": lambda: check_novel_words(text, sources, names, max_novel_words),
    }
    for name in CHECKS:
        if name not in skip:
            reason = runs[name]()
            if reason is not None:
                return reason
    return None
