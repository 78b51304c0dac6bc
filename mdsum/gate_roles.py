"""Role checks of a generated sentence: negation and hedges kept, and who says and does what.

A negation or attribution dropped or invented, a claim moved to another speaker, an agent or subject swapped,
figures from several outlets merged without naming each. Same ``check_x(text, sources) -> reason | None`` form
as :mod:`mdsum.gate_text`, whose tokens and stems they use.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

from mdsum.gate_text import (
    ATTRIBUTION,
    CAP_STOP,
    SPEECH,
    SPEECH_VERBS,
    alnum_words,
    entity_spans,
    expand,
    is_placeholder_outlet,
    same_word,
    stem,
    tokens,
)
from mdsum.nli import fold_quotes
from mdsum.text import STOP_WORDS as _STOP
from mdsum.verify import numbers

_NEGATION = frozenset("not no never none nobody nothing neither nor without cannot".split())
_LEXICAL_NEGATION = frozenset("deny denies denied denying reject rejects rejected refuse refused refuses fail "
                              "failed fails".split())
_DETERMINERS = frozenset("a an the its their his her this that these those our your".split())
_PASSIVE = frozenset("be been being was were is are get got gets".split())
_PRONOUNS = frozenset("he she they it we i you this that these those who officials".split())
_IRREGULAR_VERBS = frozenset("hit struck shot beat won led met sent took gave made fought sold bought caught held "
                             "put set killed attacks attacked bombs bombed targets targeted".split())


def _content(text: str) -> list[str]:
    return [t.lower() for t in tokens(text) if t[0].isalpha() and t.lower() not in _STOP]


def _names_match(a: str, b: str) -> bool:
    """Two mentions share a name word (stop words ignored): "the US-led coalition" ~ "coalition"."""
    wa = [w for w in re.findall(r"[A-Za-z]+", expand(a)) if w.lower() not in CAP_STOP and len(w) > 1]
    wb = [w for w in re.findall(r"[A-Za-z]+", expand(b)) if w.lower() not in CAP_STOP and len(w) > 1]
    return any(same_word(x, y) for x in wa for y in wb)


def _negation_cues(text: str, width: int) -> list[tuple[str, list[str]]]:
    """(cue, stems of its next ``width`` content words, in order) for each "not"-type or lexical negation cue."""
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    return [(w, [stem(x) for x in ws[i + 1:] if x not in _STOP and x not in _NEGATION][:width])
            for i, w in enumerate(ws) if w in _NEGATION or w.endswith("n't") or w in _LEXICAL_NEGATION]


def _negation_scopes(text: str, width: int = 4) -> list[set[str]]:
    """For each negation cue, the stems of the next ``width`` content words (with the cue itself if lexical)."""
    return [set(after) | ({stem(w)} if w in _LEXICAL_NEGATION else set()) for w, after in _negation_cues(text, width)]


def check_negation(text: str, sources: Sequence[str]) -> str | None:
    """A negation the sources lack is invented; one the sources put on words the output repeats is kept."""
    gen = _negation_scopes(text)
    src = [sc for s in sources for sc in _negation_scopes(s)]
    src_words = set().union(*src) if src else set()
    for sc in gen:
        if not src or (sc and not sc & src_words):
            return "invented negation"
    gen_words = {stem(w) for w in _content(text)}
    gen_neg = set().union(*gen) if gen else set()
    for s in sources:
        for head, scope in _negated_heads(s):
            # "would not result in a criminal record" kept as "could result in a ticket but not in a criminal record":
            # the negation moved off the head, but still covers the rest of what the source negates.
            kept = any(len(sc & (scope - {head})) >= 2 for sc in gen)
            if head in gen_words and head not in gen_neg and not kept:
                return f"dropped negation of '{head}'"
        if not gen:
            for cue, scope in _lexical_scopes(s):
                if len(scope & gen_words) >= 2:
                    return f"dropped negation '{cue}'"
    return None


def _negated_heads(text: str, width: int = 4) -> list[tuple[str, set[str]]]:
    """(head, scope) per "not"-type cue: the first content word it applies to ("did not target" → "target") and
    the stems of its next ``width`` content words, as :func:`_negation_scopes` reads them."""
    return [(after[0], set(after)) for w, after in _negation_cues(text, width)
            if after and w not in _LEXICAL_NEGATION]


def _lexical_scopes(text: str, width: int = 4) -> list[tuple[str, set[str]]]:
    """(cue, stems of the next ``width`` content words) for "denied"/"rejected"/...: what did not happen."""
    return [(w, set(after)) for w, after in _negation_cues(text, width) if w in _LEXICAL_NEGATION]


_HEDGES = frozenset("may might could possibly likely unlikely probably apparently appear appears appeared seem seems "
                    "seemed believed suspected unconfirmed reportedly allegedly alleged".split())


_NOUN_CUES = frozenset("states claim claims reports estimate estimates".split())
_NOUN_BEFORE = _DETERMINERS | frozenset("other many several some all both no any each every member united".split())


def _cue_words(text: str) -> set[str]:
    """Lower-cased words, less the attribution words used as nouns: "U.S. states", "the actress's claim", "50
    states", "the United States" attribute nothing (a determiner, quantifier, possessive, figure, "U.S." or
    "United" comes before them)."""
    ws = [t.lower() for t in tokens(text)]
    return {w for i, w in enumerate(ws) if w not in _NOUN_CUES or i == 0 or not _noun_before(ws[i - 1])}


def _noun_before(w: str) -> bool:
    return w in _NOUN_BEFORE or w.endswith(("'s", "s'")) or w[0].isdigit() or bool(re.fullmatch(r"(?:[a-z]\.){2,}", w))


def check_attribution(text: str, sources: Sequence[str]) -> str | None:
    """If a source attributes the claim, the output attributes it too; if a source only hedges it, the output
    hedges or attributes it (who is check_speakers'). A hedge ("likely") does not replace a source ("reported")."""
    # "estimate" is a speech verb in "officials estimate" but a noun in "the city's estimate": the output's own
    # cue counts only as a plain attribution word or inside a "X says Y" pattern.
    words = _cue_words(text)
    attributed = bool(words & (ATTRIBUTION - _HEDGES)) or bool(attributions(text))
    hedged = attributed or bool(words & _HEDGES)
    for s in sources:
        cues = _cue_words(s) & (ATTRIBUTION | SPEECH_VERBS)
        sources_say = sorted(cues - _HEDGES)
        if sources_say and not attributed:
            return f"dropped attribution '{sources_say[0]}'"
        if cues and not hedged:
            return f"dropped hedge '{sorted(cues)[0]}'"
    return None


_SPK = r"(?P<spk>[A-Za-z][\w.'-]*(?:\s+[A-Za-z][\w.'-]*){0,6}?)"
# Words between a speaker and its verb that are not the speaker: "Vox and NPR have both reported", "X also said".
_PRE_VERB = r"(?:(?:has|have|had)\s+)?(?:(?:also|both|all|each)\s+)?"
_PATTERNS = (
    re.compile(r"(?:^|[,;:]\s+|\bthat\s+)" + _SPK + r",?\s+" + _PRE_VERB + r"(?:" + SPEECH +
               r")\b(?:\s+(?:in\s+an?\s+\w+|on\s+\w+|\w+day))?(?:\s+that)?[\s,:]+(?P<claim>.{12,})"),
    re.compile(r"^(?P<claim>.{12,}?)[,\"]+\s*" + _SPK + r"\s+" + _PRE_VERB + r"(?:" + SPEECH + r")\b"),
    re.compile(r"^(?P<claim>.{12,}?)[,\"]+\s*(?:" + SPEECH + r")\s+"
               r"(?P<spk>[A-Za-z][\w.'-]*(?:\s+[A-Za-z][\w.'-]*){0,5}?)(?=\s*[,;]|\.?\"?$|\s+(?:in|on|at)\s)"),
    re.compile(r"^(?P<claim>.{12,}?),?\s+according\s+to\s+(?P<spk>[^,;]+?)(?=[,;]|\.?$)"),
    re.compile(r"^according\s+to\s+(?P<spk>[^,;]+),\s*(?P<claim>.{12,})", re.IGNORECASE),
    re.compile(r"(?:^|\b(?:and|while|but)\s+)" + _SPK + r"'s\s+(?:claim|statement|assertion|view|position|account)"
               r"\s+that\s+(?P<claim>.{12,})"),
)


_CONTRAST = frozenset("while whereas but and".split())
_CLAIM_FIRST = (_PATTERNS[1], _PATTERNS[2])  # "Y, X said" / "Y, said X"
_CLAIM_END = re.compile(r",\s*(?:while|whereas|but)\b|;\s|\s+(?:while|whereas)\s+(?=(?:the\s+)?[A-Z])")


def attributions(text: str) -> list[tuple[str, str]]:
    """(speaker, claim) pairs from "X says Y", "Y, X said", "Y, said X", "According to X, Y", "Y, according to X"."""
    t = fold_quotes(" ".join(text.split()))
    out = []
    for pat in _PATTERNS:
        for m in pat.finditer(t):
            spk = m.group("spk").strip()
            if spk.split()[0].lower() in _CONTRAST:
                if pat in _CLAIM_FIRST:  # "A, according to B, while C said D": C starts a clause, A is not C's
                    continue
                spk = spk.split(None, 1)[1] if " " in spk else spk
            if spk.split()[0].lower() in ("who", "whose", "which"):
                # "Rep. X, whose district includes Y, said ...": the speaker is the name before the clause
                spans = entity_spans(t[: m.start("spk")])
                if not spans:
                    continue
                spk = spans[-1][2]
            words = [w for w in spk.split() if w.lower() not in ("the", "its", "his", "her")]
            # "the city's estimate", "a further claim": a possessive or article before the verb makes it a noun.
            noun = pat is not _PATTERNS[-1] and (spk.split()[-1].lower() in _DETERMINERS or spk.endswith(("'s", "s'")))
            if words and not noun and not any(w.lower() in SPEECH_VERBS for w in words):
                # "X said A, while Y said B" (comma or not before "while the Y"): X's claim ends at the contrast,
                # and what follows it is read for attributions of its own
                claim, *rest = _CLAIM_END.split(m.group("claim"), maxsplit=1)
                out.append((spk, claim))
                out += attributions(rest[0]) if rest else []
    return list(dict.fromkeys(out))


def _speaker_key(spk: str) -> str | None:
    """The speaker's name words, or None for a pronoun / unnamed speaker."""
    words = [w for w in re.findall(r"[A-Za-z]+", spk) if w.lower() not in CAP_STOP]
    if not words or all(w.lower() in _PRONOUNS for w in words):
        return None
    return " ".join(words)


def _cover(claim: str, text: str) -> float:
    """Share of the claim's content words in ``text``; 0 unless ``text`` has every figure of the claim."""
    if not numbers(claim) <= numbers(text):
        return 0.0
    cw = {stem(w) for w in _content(claim)} | numbers(claim)
    tw = {stem(w) for w in _content(text)} | numbers(text)
    return len(cw & tw) / len(cw) if cw else 0.0


# "Fox News and NPR both reported …": each coordinated speaker must give the claim
_COORDINATED = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


def check_speakers(text: str, sources: Sequence[str], outlets: Sequence[str] = (),
                   min_cover: float = 0.5) -> str | None:
    """Who says what: a claim the output attributes to X must be attributed to X (or, if unattributed there,
    at least name X) in the source sentences that hold the claim best. ``outlets`` (one per source, if given):
    an unattributed sentence is its outlet's claim, so "…, according to Reuters" may cite the outlet that printed
    it; placeholder names ("Source 3") are no outlet."""
    outlet = [o if o and not is_placeholder_outlet(o) else "" for o in outlets] if len(outlets) == len(sources) else []

    def printed_by(key: str, i: int) -> bool:
        return bool(outlet) and bool(outlet[i]) and _names_match(key, outlet[i])

    for spk, claim in ((one, claim) for joint, claim in attributions(text) for one in _COORDINATED.split(joint)):
        key = _speaker_key(spk)
        if key is None:
            continue
        covers = [_cover(claim, s) for s in sources]
        best = max(covers, default=0.0)
        if numbers(claim) and not any(numbers(claim) <= numbers(s) for s in sources):
            # "24.9 feet, more than six feet above flood stage, according to X": one speaker, figures of two sources
            return f"figures of one attributed claim from different sources ('{key}')"
        # The claim's home: the sentences covering it best; a merge of several falls back to all of them.
        home = [i for i, c in enumerate(covers) if c >= max(min_cover, best - 0.1)] or list(range(len(sources)))
        named = [k for i in home for sp, c in attributions(sources[i])
                 if (k := _speaker_key(sp)) is not None and _cover(claim, c) >= min_cover]
        if named and not any(_names_match(key, k) for k in named):
            return f"speaker swap: '{key}' for '{named[0]}'"
        # unattributed where it comes from: the speaker must be named there by more than the claim's own words
        # ("Seattle's soda tax is burdensome, according to Seattle leaders": Seattle is the claim's subject)
        own = " ".join(w for w in key.split() if not any(same_word(w, c) for c in _content(claim))) or key
        if not named and not any(_names_match(own, sources[i]) or printed_by(key, i) for i in home):
            return f"speaker '{key}' not given for this claim"
        # A merge: every source giving >= 2 of the claim's words that no other source gives must name X.
        cw = {stem(w) for w in _content(claim)}
        bags = [{stem(w) for w in _content(s)} for s in sources]
        for i, s in enumerate(sources):
            others = set().union(*(b for j, b in enumerate(bags) if j != i))
            if len((cw & bags[i]) - others) >= 2 and not (_names_match(key, s) or printed_by(key, i)):
                return f"speaker '{key}' not given for this part of the claim"
    return None


def check_figure_sources(text: str, sources: Sequence[str]) -> str | None:
    """Figures only one source gives, taken from two or more sources, need one attribution each: outlets that
    report different figures are reported as such ("A says 1,800, while B puts it at 2,000")."""
    own = [numbers(s) for s in sources]
    contributing = set()
    for f in numbers(text):
        holders = [i for i, fs in enumerate(own) if f in fs]
        if len(holders) == 1:
            contributing.add(holders[0])
    if len(contributing) < 2:
        return None
    cues = sum(t.lower() in ATTRIBUTION or t.lower() in SPEECH_VERBS or t.lower() == "put" for t in tokens(text))
    if cues < len(contributing):
        return f"figures from {len(contributing)} sources, {cues} attributed"
    return None


def _is_verb(w: str) -> bool:
    lw = w.lower()
    return w[:1].islower() and lw not in _STOP and (lw in _IRREGULAR_VERBS or (len(lw) > 4 and lw.endswith(
        ("ed", "ing"))))


_DATE_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april june "
                        "july august september october november december jan feb mar apr jun jul aug sep sept oct nov "
                        "dec".split())  # not "May": Theresa May acts


def _is_date(span: str) -> bool:
    return all(w.lower().rstrip(".") in _DATE_WORDS for w in span.split())


def agent_triples(text: str, window: int = 6, dates: bool = True) -> list[tuple[str | None, str, str | None]]:
    """(nearest entity before, verb stem, nearest entity after) for each verb-like word, within ``window``
    tokens and not across a comma/semicolon/colon; ``dates=False`` skips day and month names."""
    spans = entity_spans(text)
    return _triples(tokens(text), spans if dates else _undated(spans), window)


def _undated(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    return [s for s in spans if not _is_date(s[2])]


def _triples(toks: list[str], spans: list[tuple[int, int, str]],
             window: int = 6) -> list[tuple[str | None, str, str | None]]:
    out = []
    for i, w in enumerate(toks):
        if not _is_verb(w) or (i and toks[i - 1].lower() in _PASSIVE and not w.lower().endswith("ing")):
            continue  # in "would be released" the entity before the verb is not its agent ("is carrying": it is)
        before = [s for s in spans if s[1] <= i and i - s[1] < window
                  and not any(toks[k] in ",;:" for k in range(s[1], i))]
        after = [s for s in spans if s[0] > i and s[0] - i <= window
                 and not any(toks[k] in ",;:" for k in range(i + 1, s[0]))]
        out.append((before[-1][2] if before else None, stem(w), after[0][2] if after else None))
    return out


def check_agents(text: str, sources: Sequence[str]) -> str | None:
    """Each agent keeps its action: the entity the output puts before a verb is one a source puts before it.
    A source's date is no agent ("Trump on Friday blocked" lets "Trump blocked" pass), but a date the output puts
    there must be one a source puts there ("served … since Saturday" for "since Sunday")."""
    with_dates, without = [], []
    for s in sources:  # tokens and entity spans once per source, read with and without dates
        toks, spans = tokens(s), entity_spans(s)
        with_dates += _triples(toks, spans)
        without += _triples(toks, _undated(spans))
    for subj, verb, _obj in agent_triples(text):
        if subj is None:
            continue
        src = with_dates if _is_date(subj) else without
        same_verb = [t for t in src if t[1] == verb and t[0] is not None]
        if same_verb and not any(_names_match(subj, t[0]) for t in same_verb):
            return f"agent swap: '{subj}' {verb} (sources: '{same_verb[0][0]}')"
    return None


_AUX = r"(?:is|are|was|were|has|have|had|will|would)"
_SUBJECT = re.compile(r"\b([A-Za-z][\w'-]*)\s+" + _AUX + r"\s+(?:(?:to\s+)?be(?:en)?\s+)?(?:[a-z]+ly\s+)?([a-z][\w-]*)")


def subjects(text: str) -> list[tuple[str, str]]:
    """(word before an auxiliary, stem of the first word after it): "a life vest was found" → ("vest", "found")."""
    t = fold_quotes(text)
    out = []
    for m in _SUBJECT.finditer(t):
        before = t[: m.start(1)].split()[-1:]
        # "detained by Iran would be released": the word before the auxiliary ends a modifier, not the subject
        if m.group(2).lower() not in _STOP and not (before and before[0].lower() in ("by", "of", "from", "to")):
            out.append((m.group(1).lower(), stem(m.group(2))))
    return out


def check_subjects(text: str, sources: Sequence[str]) -> str | None:
    """The word heading "X was found" is one a source puts before the same predicate (not "the plane was found"
    for "a seat was found")."""
    src = [t for s in sources for t in subjects(s)]
    for head, pred in subjects(text):
        same = [h for h, p in src if p == pred]
        if same and head not in _STOP and not any(same_word(head, h) for h in same):
            return f"subject swap: '{head}' {pred} (sources: '{same[0]}')"
    return None


_OPENING_PRONOUNS = frozenset("he she they it his her their its them we".split())


def check_opening(text: str) -> str | None:
    """A summary sentence names its actor: one opening on a pronoun ("He held on to his lead", "They claimed
    intention was …") leans on a sentence the reader never saw; small models write it when they drop a name.
    "He would …, President X said" names him in the same sentence."""
    first = next((t for t in tokens(text) if t[0].isalnum()), "")
    if first.lower() not in _OPENING_PRONOUNS:
        return None
    named = any(_speaker_key(spk) is not None for pat in _CLAIM_FIRST for m in [pat.search(fold_quotes(text))]
                if m for spk in [m.group("spk")])
    return None if named else f"opens with the pronoun '{first}': name who"


_HEAD_VERB = re.compile(r"\b(?:is|are|was|were|has|have|had|will|would|" + SPEECH + r")\b")
_CLAUSE_START = re.compile(r"(?:^|[,;:]\s+|\b(?:while|whereas|but|that)\s+)(?=\S)")
_OF = frozenset("of by from for at in on with among".split())
_SUBORDINATORS = frozenset("if when because after before since although though unless until whether and but "
                           "while whereas that".split())


def subject_phrases(text: str, span: int = 12) -> list[tuple[list[str], tuple[str, ...]]]:
    """(the words from the clause start to an auxiliary or speech verb, the stems of the next 3 content words):
    "Search and rescue operations by the Air Force are to be centered on the island" →
    (['search', 'and', 'rescue', 'operations', 'by', 'the', 'air', 'force'], ('center', 'island'))."""
    t = " ".join(fold_quotes(text).split())
    starts = [m.end() for m in _CLAUSE_START.finditer(t)]
    out = []
    for m in _HEAD_VERB.finditer(t):
        begin = max((s for s in starts if s <= m.start()), default=0)
        subject = alnum_words(t[begin:m.start()])
        # the noun phrase only: not back across a verb or into an "if …" clause without its comma
        stops = [i for i, w in enumerate(subject) if _HEAD_VERB.fullmatch(w) or w in _SUBORDINATORS]
        subject = subject[stops[-1] + 1:] if stops else subject
        after = [stem(w) for w in _content(t[m.end():])
                 if w not in ("be", "been", "to") and not w.endswith("ly")][:3]
        if 0 < len(subject) <= span and len(after) >= 2:
            out.append((subject, tuple(after)))
    return out


def check_heads(text: str, sources: Sequence[str]) -> str | None:
    """A subject keeps its head noun: "The Brazilian Air Force is to be centered on the island" for "Search and
    rescue operations by the Brazilian Air Force are …", "The Eastbank district said" for "Residents of the
    Eastbank district say": the output's subject is only the part after "of/by/…" of a source's subject for the
    same predicate."""
    src = [p for s in sources for p in subject_phrases(s)]
    for subject, pred in subject_phrases(text):
        words = {stem(w) for w in subject if w not in _STOP}
        for their, their_pred in src:
            if their_pred != pred or not words:
                continue
            cut = next((i for i, w in enumerate(their) if w in _OF), None)
            if cut is None or cut == 0:
                continue
            head, tail = {stem(w) for w in their[:cut] if w not in _STOP}, {stem(w) for w in their[cut + 1:]}
            if head and not words & head and words <= tail:
                return f"subject lost its head: '{' '.join(subject)}' for '{' '.join(their)}'"
    return None


_REPORTING = ATTRIBUTION | SPEECH_VERBS | {"put", "putting", "estimating", "reporting", "saying"}


def figure_verbs(text: str, window: int = 8) -> list[tuple[str, str]]:
    """(figure, stem of the nearest verb-like word before it within ``window`` tokens, not across ";"/":")."""
    toks = tokens(text)
    out = []
    for i, w in enumerate(toks):
        if not w[0].isdigit():
            continue
        for k in range(i - 1, max(-1, i - window - 1), -1):
            if toks[k] in (";", ":"):
                break
            if _is_verb(toks[k]) and toks[k].lower() not in _REPORTING:  # "the city put it at 24.9": no event
                out.append((w.replace(",", ""), stem(toks[k])))
                break
    return out


def check_figure_verbs(text: str, sources: Sequence[str]) -> str | None:
    """A figure stays with its event: "detained … on March 23" is not "will suspend the releasing … on March 23".
    The nearest verb before a figure is one a source puts before that figure (when a source has one)."""
    src = [p for s in sources for p in figure_verbs(s)]
    for fig, verb in figure_verbs(text):
        theirs = [v for f, v in src if f == fig]
        if theirs and verb not in theirs:
            return f"figure moved: '{fig}' after '{verb}' (sources: '{theirs[0]}')"
    return None


def check_conflation(text: str, sources: Sequence[str], max_words: int = 4) -> str | None:
    """One thing made two: two members word the same slot differently ("required the child, who …" / "required the
    young actress, who …") and the output joins both wordings with "and" ("required the child and the young
    actress"), as if they were two people. Two named things (both capitalised: "Homs" / "Idlib") are left alone:
    those are more often two places than two names of one."""
    out = " ".join(stem(w) for w in alnum_words(text) if w not in _DETERMINERS)
    for i, a in enumerate(sources):
        for b in sources[i + 1:]:
            for (x, wx), (y, wy) in _alternatives(alnum_words(a, keep_case=True), alnum_words(b, keep_case=True),
                                                  max_words):
                for (p, wp), (q, wq) in (((x, wx), (y, wy)), ((y, wy), (x, wx))):
                    if re.search(rf"(?:^| ){re.escape(p)} and {re.escape(q)}(?: |$)", out):
                        return f"one thing made two: '{wp}' and '{wq}'"
    return None


def check_made_two(text: str, sources: Sequence[str]) -> str | None:
    """One thing made two: the output brings in "a …" / "an …" twice with the same head word ("A federal judge in
    Texas issued an order …, while a federal judge on Wednesday issued an order …"; "… in a one-car crash …, and was
    … involved in a single-car crash"), as a model writes when it joins two outlets' accounts of one event. A member
    that itself brings in two such things (two judges, two orders) makes it a fair copy."""
    doubled = {h for s in sources for h, n in Counter(h for h, _ in _indefinites(s)).items() if n > 1}
    seen: dict[str, str] = {}
    for head, phrase in _indefinites(text):
        if head in seen and head not in doubled:
            return f"one thing made two: '{seen[head]}' and '{phrase}'"
        seen.setdefault(head, phrase)
    return None


def _indefinites(text: str, span: int = 4) -> list[tuple[str, str]]:
    """(head stem, phrase) of each "a/an" + up to ``span`` words that are not stop words: the last word is taken
    for the head ("a federal judge in Texas" -> ('judge', "a federal judge"))."""
    toks = tokens(fold_quotes(text))
    out = []
    for i, t in enumerate(toks):
        if t.lower() in ("a", "an"):
            words = []
            for w in toks[i + 1:i + 1 + span]:
                if not w[0].isalpha() or w.lower() in _STOP:
                    break
                words.append(w)
            if words:
                out.append((stem(words[-1].lower()), " ".join([t, *words])))
    return out


def _alternatives(a: Sequence[str], b: Sequence[str], max_words: int) -> list[tuple[tuple[str, str], ...]]:
    """((stems, words) of an a-span, (stems, words) of a b-span) for the spans the two word sequences put in the
    same place (difflib's "replace"), each 1-``max_words`` words with a content word, not both capitalised names."""
    sa, sb = [stem(w.lower()) for w in a], [stem(w.lower()) for w in b]
    pairs = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        wa = [w for w in a[i1:i2] if w.lower() not in _DETERMINERS]
        wb = [w for w in b[j1:j2] if w.lower() not in _DETERMINERS]
        if op != "replace" or not 0 < len(wa) <= max_words or not 0 < len(wb) <= max_words:
            continue
        if all(w.lower() in _STOP for w in wa) or all(w.lower() in _STOP for w in wb):
            continue
        if wa[0][0].isupper() and wb[0][0].isupper():
            continue
        pairs.append(tuple((" ".join(stem(w.lower()) for w in ws), " ".join(ws).lower()) for ws in (wa, wb)))
    return pairs
