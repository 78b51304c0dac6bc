"""Structural faithfulness checks of a generated sentence against the source sentences it was fused from.

Small generators do not invent words so much as recombine them: a speaker takes another's claim, an agent
swaps with its object, a hedge or a "not" goes missing, a figure changes. Similarity scorers pass those (every
word is in the sources), so each check here looks at one structure. Each is a pure function
``check_x(text, sources, ...) -> reason | None``; :func:`gate` runs them in order and returns the first reason
(``None`` = passes). They are pattern-based and deliberately strict: a rejected sentence costs a quoted one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from mdsum.nli import fold_quotes
from mdsum.text import STOP_WORDS as _STOP
from mdsum.verify import is_verbatim, numbers

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:[.,]\d+)*|[,;:()\"]")
_ENGLISH = frozenset("the a an of to in and is are was were on for with by that as at from its it has have had "
                     "be been said says will would not this which who their they he she".split())
_CAP_STOP = frozenset("the a an in on at of for and but if as by to from with this that these those it its he she "
                      "they we his her their there here when while after before during".split())
_NEGATION = frozenset("not no never none nobody nothing neither nor without cannot".split())
_LEXICAL_NEGATION = frozenset("deny denies denied denying reject rejects rejected refuse refused refuses fail "
                              "failed fails".split())
_ATTRIBUTION = frozenset("say says said saying told tell tells stated states claim claims claimed according "
                         "reportedly allegedly alleged alleges reported reports announced insisted insists denied "
                         "denies accused accuses added warned warns urged urges called calls condemned condemns "
                         "criticised criticized voiced statement quoted believed suspected apparently appear appears "
                         "appeared seem seems seemed may might could possibly likely unconfirmed confirmed "
                         "confirms".split())
# Words a fusion adds to join or contrast what outlets say: free in the novel-words count.
_CONNECTIVES = frozenset("while whereas although though however meanwhile respectively separately put".split())
_SPEECH = ("says|said|say|told|tells|stated|states|claimed|claims|added|insisted|insists|denied|denies|warned|"
           "warns|announced|announces|argued|argues|believes|believed|estimate|estimates|estimated|reported|reports")
_SPEECH_VERBS = frozenset(_SPEECH.split("|"))
_DETERMINERS = frozenset("a an the its their his her this that these those our your".split())
_PASSIVE = frozenset("be been being was were is are get got gets".split())
_PRONOUNS = frozenset("he she they it we i you this that these those who officials".split())
_IRREGULAR_VERBS = frozenset("hit struck shot beat won led met sent took gave made fought sold bought caught held "
                             "put set killed attacks attacked bombs bombed targets targeted".split())
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gen|Col|Lt|Sgt|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|No|U\.S|U\.K|U\.N"
                     r"|[A-Z])\.$")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold_quotes(text))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Crude suffix stripping, the same on both sides ("attacks", "attacked", "attacking" → "attack")."""
    w = word.lower()
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ing", "ed", "es", "s", "ly"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def same_word(a: str, b: str) -> bool:
    """Equal stems, or one a prefix (>= 5 letters) of the other: Russia ~ Russian, Syria ~ Syrian."""
    sa, sb = stem(a), stem(b)
    if sa == sb:
        return True
    short, long_ = sorted((sa, sb), key=len)
    if len(short) >= 5 and long_.startswith(short):
        return True
    # demonyms of short names: Iraq ~ Iraqi, Iran ~ Iranian
    return len(short) >= 3 and long_ in (short + "i", short + "ian", short + "ese", short + "ish")


def _found(word: str, vocab: Iterable[str]) -> bool:
    return any(same_word(word, v) for v in vocab)


# Abbreviations and the names they stand for, so "the United States" is not new next to "the U.S.".
_ALIASES = {"u.s.": "united states", "us": "united states", "u.k.": "united kingdom", "uk": "united kingdom",
            "u.n.": "united nations", "un": "united nations", "e.u.": "european union", "eu": "european union"}


def expand(text: str) -> str:
    return " ".join([text, *(v for k, v in _ALIASES.items() if k in {t.lower() for t in tokens(text)})])


def _vocab(texts: Iterable[str]) -> set[str]:
    return {t.lower() for x in texts for t in tokens(expand(x)) if t[0].isalnum()}


def _content(text: str) -> list[str]:
    return [t.lower() for t in tokens(text) if t[0].isalpha() and t.lower() not in _STOP]


def is_capitalised(tok: str) -> bool:
    return tok[0].isupper() and tok.lower() not in _CAP_STOP


def entity_spans(text: str) -> list[tuple[int, int, str]]:
    """Runs of capitalised tokens (``al``/``of``/``bin`` allowed inside): (start, end, span) in token indices."""
    toks = tokens(text)
    spans, i = [], 0
    while i < len(toks):
        if toks[i][0].isalpha() and is_capitalised(toks[i]):
            j = i + 1
            while j < len(toks) and toks[j][0].isalpha() and (
                    is_capitalised(toks[j]) or (toks[j] in ("al", "of", "bin", "de") and j + 1 < len(toks)
                                                and toks[j + 1][:1].isupper())):
                j += 1
            spans.append((i, j, " ".join(toks[i:j])))
            i = j
        else:
            i += 1
    return spans


def _names_match(a: str, b: str) -> bool:
    """Two mentions share a name word (stop words ignored): "the US-led coalition" ~ "coalition"."""
    wa = [w for w in re.findall(r"[A-Za-z]+", expand(a)) if w.lower() not in _CAP_STOP and len(w) > 1]
    wb = [w for w in re.findall(r"[A-Za-z]+", expand(b)) if w.lower() not in _CAP_STOP and len(w) > 1]
    return any(same_word(x, y) for x in wa for y in wb)


# --- the checks ----------------------------------------------------------------------------------------------

def check_nonempty(text: str) -> str | None:
    return "empty output" if not text or not re.search(r"[A-Za-z]", text) else None


def check_english(text: str, min_words: int = 6) -> str | None:
    """Mostly ASCII letters, with English function words, and no loops of one token."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(not c.isascii() for c in letters) / len(letters) > 0.1:
        return "not English"
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    if len(ws) >= min_words and sum(w in _ENGLISH for w in ws) / len(ws) < 0.1:
        return "not English"
    if len(ws) >= 8 and len(set(ws)) / len(ws) < 0.45:
        return "repetitive output"
    ws = [t.lower() for t in tokens(text) if t[0].isalnum()]
    grams = [tuple(ws[i:i + 3]) for i in range(len(ws) - 2)]
    repeated = [g for g in grams if grams.count(g) > 1 and sum(w not in _STOP for w in g) >= 2]
    if repeated:
        return f"repeated phrase '{' '.join(repeated[0])}'"
    return None


_FINITE = frozenset("is are was were has have had will would can could may might must shall should do does did "
                    "be been remains remain says said hit began begins struck won lost left took made blew went came "
                    "gave got sent told found fell rose saw ran met led fought brought thought caught kept held stood "
                    "spoke wrote drew grew knew threw flew broke chose became paid sold cut put set let spread sat "
                    "spent built felt meant fled shot lies lie sits stands faces needs includes begin".split())


def check_one_sentence(text: str, min_words: int = 5, max_words: int = 60) -> str | None:
    t = text.strip()
    n = len([w for w in tokens(t) if w[0].isalnum()])
    if n < min_words:
        return f"too short ({n} words)"
    if n > max_words:
        return f"too long ({n} words)"
    if not re.search(r"[.!?][\"')]?$", t):
        return "unfinished sentence"
    ws = [w.lower() for w in tokens(t) if w[0].isalpha()]
    if not any(w in _FINITE or w in _SPEECH_VERBS or (len(w) > 3 and w.endswith("ed")) for w in ws):
        return "no verb"
    for m in re.finditer(r"[.!?][\"')]?\s+(?=[\"(]?[A-Z])", t):
        if not _ABBREV.search(t[: m.start() + 1]):
            return "more than one sentence"
    return None


def check_numbers(text: str, sources: Sequence[str]) -> str | None:
    known = set().union(*(numbers(s) for s in sources)) if sources else set()
    missing = sorted(numbers(text) - known)
    return f"unsupported number '{missing[0]}'" if missing else None


_PAST = frozenset("began was were had did went came took made held opened started ended".split())
_FUTURE_TIME = frozenset("next tomorrow coming upcoming".split())


def check_tense(text: str) -> str | None:
    """A past-tense verb right before a future time ("began next week")."""
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    for i, w in enumerate(ws):
        if w in _FUTURE_TIME:
            before = ws[max(0, i - 3):i]
            past = [b for b in before if b in _PAST or (b.endswith("ed") and len(b) > 4)]
            if past:
                return f"tense clash: '{past[-1]} … {w}'"
    return None


_RELATIONS = frozenset("inside outside within against near beyond".split())


def check_relations(text: str, sources: Sequence[str]) -> str | None:
    """"inside X" / "outside X" / "against X": the preposition goes with that name in a source (outputs mix
    "inside Iraqi waters" and "outside Iranian waters" into "inside Iranian waters")."""
    def pairs(t: str) -> list[tuple[str, str]]:
        toks = tokens(t)
        return [(w.lower(), nxt) for i, w in enumerate(toks) if w.lower() in _RELATIONS
                for nxt in [x for x in toks[i + 1:i + 3] if x[:1].isupper()][:1]]
    src = [p for s in sources for p in pairs(s)]
    for prep, name in pairs(text):
        if not any(prep == p and same_word(name, n) for p, n in src):
            return f"new relation '{prep} {name}'"
    return None


def check_quotes(text: str, sources: Sequence[str]) -> str | None:
    for q in re.findall(r'"([^"]+)"', fold_quotes(text)):
        if len(q.split()) >= 2 and not any(is_verbatim(q, s) for s in sources):
            return f"quote not verbatim in the sources: '{q[:60]}'"
    return None


def check_entities(text: str, sources: Sequence[str], names: Sequence[str] = ()) -> str | None:
    """Every capitalised word is in the sources (any case) or in ``names`` (outlet names given in the prompt)."""
    vocab = _vocab([*sources, *names])
    toks = tokens(text)
    for start, end, span in entity_spans(text):
        for tok in toks[start:end]:
            if tok[0].isupper() and tok.lower() not in _CAP_STOP and not _found(tok, vocab):
                return f"new entity '{span}'"
    return None


def _negation_scopes(text: str, width: int = 4) -> list[set[str]]:
    """For each negation cue, the stems of the next ``width`` content words (with the cue itself if lexical)."""
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    scopes = []
    for i, w in enumerate(ws):
        if w in _NEGATION or w.endswith("n't") or w in _LEXICAL_NEGATION:
            after = [stem(x) for x in ws[i + 1:] if x not in _STOP and x not in _NEGATION][:width]
            scopes.append(set(after) | ({stem(w)} if w in _LEXICAL_NEGATION else set()))
    return scopes


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
        for head in _negated_heads(s):
            if head in gen_words and head not in gen_neg:
                return f"dropped negation of '{head}'"
        if not gen:
            for cue, scope in _lexical_scopes(s):
                if len(scope & gen_words) >= 2:
                    return f"dropped negation '{cue}'"
    return None


def _negated_heads(text: str) -> list[str]:
    """The first content word each "not"-type cue applies to ("did not target" → "target")."""
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    heads = []
    for i, w in enumerate(ws):
        if w in _NEGATION or w.endswith("n't"):
            nxt = [x for x in ws[i + 1:] if x not in _STOP and x not in _NEGATION]
            if nxt:
                heads.append(stem(nxt[0]))
    return heads


def _lexical_scopes(text: str, width: int = 4) -> list[tuple[str, set[str]]]:
    """(cue, stems of the next ``width`` content words) for "denied"/"rejected"/...: what did not happen."""
    ws = [t.lower() for t in tokens(text) if t[0].isalpha()]
    return [(w, {stem(x) for x in [y for y in ws[i + 1:] if y not in _STOP][:width]})
            for i, w in enumerate(ws) if w in _LEXICAL_NEGATION]


_HEDGES = frozenset("may might could possibly likely unlikely probably apparently appear appears appeared seem seems "
                    "seemed believed suspected unconfirmed reportedly allegedly alleged".split())


def check_attribution(text: str, sources: Sequence[str]) -> str | None:
    """If a source attributes the claim, the output attributes it too; if a source only hedges it, the output
    hedges or attributes it (who is check_speakers'). A hedge ("likely") does not replace a source ("reported")."""
    # "estimate" is a speech verb in "officials estimate" but a noun in "the city's estimate": the output's own
    # cue counts only as a plain attribution word or inside a "X says Y" pattern.
    words = {t.lower() for t in tokens(text)}
    attributed = bool(words & (_ATTRIBUTION - _HEDGES)) or bool(attributions(text))
    hedged = attributed or bool(words & _HEDGES)
    for s in sources:
        cues = {t.lower() for t in tokens(s)} & (_ATTRIBUTION | _SPEECH_VERBS)
        sources_say = sorted(cues - _HEDGES)
        if sources_say and not attributed:
            return f"dropped attribution '{sources_say[0]}'"
        if cues and not hedged:
            return f"dropped hedge '{sorted(cues)[0]}'"
    return None


_SPK = r"(?P<spk>[A-Za-z][\w.'-]*(?:\s+[A-Za-z][\w.'-]*){0,6}?)"
_PATTERNS = (
    re.compile(r"(?:^|[,;:]\s+|\bthat\s+)" + _SPK + r",?\s+(?:has\s+|have\s+|had\s+)?(?:" + _SPEECH +
               r")\b(?:\s+(?:in\s+an?\s+\w+|on\s+\w+|\w+day))?(?:\s+that)?[\s,:]+(?P<claim>.{12,})"),
    re.compile(r"^(?P<claim>.{12,}?)[,\"]+\s*" + _SPK + r"\s+(?:" + _SPEECH + r")\b"),
    re.compile(r"^(?P<claim>.{12,}?)[,\"]+\s*(?:" + _SPEECH + r")\s+"
               r"(?P<spk>[A-Za-z][\w.'-]*(?:\s+[A-Za-z][\w.'-]*){0,5}?)(?=\s*[,;]|\.?\"?$|\s+(?:in|on|at)\s)"),
    re.compile(r"^(?P<claim>.{12,}?),?\s+according\s+to\s+(?P<spk>[^,;]+?)(?=[,;]|\.?$)"),
    re.compile(r"^according\s+to\s+(?P<spk>[^,;]+),\s*(?P<claim>.{12,})", re.IGNORECASE),
    re.compile(r"(?:^|\b(?:and|while|but)\s+)" + _SPK + r"'s\s+(?:claim|statement|assertion|view|position|account)"
               r"\s+that\s+(?P<claim>.{12,})"),
)


def attributions(text: str) -> list[tuple[str, str]]:
    """(speaker, claim) pairs from "X says Y", "Y, X said", "Y, said X", "According to X, Y", "Y, according to X"."""
    t = fold_quotes(" ".join(text.split()))
    out = []
    for pat in _PATTERNS:
        for m in pat.finditer(t):
            spk = m.group("spk").strip()
            if spk.split()[0].lower() in ("who", "whose", "which"):
                # "Rep. X, whose district includes Y, said ...": the speaker is the name before the clause
                spans = entity_spans(t[: m.start("spk")])
                if not spans:
                    continue
                spk = spans[-1][2]
            words = [w for w in spk.split() if w.lower() not in ("the", "its", "his", "her")]
            # "the city's estimate", "a further claim": a possessive or article before the verb makes it a noun.
            noun = pat is not _PATTERNS[-1] and (spk.split()[-1].lower() in _DETERMINERS or spk.endswith(("'s", "s'")))
            if words and not noun and not any(w.lower() in _SPEECH_VERBS for w in words):
                # "X said A, while Y said B": X's claim ends where the contrast starts
                out.append((spk, re.split(r",\s*(?:while|whereas|but)\b|;\s", m.group("claim"))[0]))
    return out


def _speaker_key(spk: str) -> str | None:
    """The speaker's name words, or None for a pronoun / unnamed speaker."""
    words = [w for w in re.findall(r"[A-Za-z]+", spk) if w.lower() not in _CAP_STOP]
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


def check_speakers(text: str, sources: Sequence[str], min_cover: float = 0.5) -> str | None:
    """Who says what: a claim the output attributes to X must be attributed to X (or, if unattributed there,
    at least name X) in the source sentences that hold the claim best."""
    for spk, claim in attributions(text):
        key = _speaker_key(spk)
        if key is None:
            continue
        covers = [_cover(claim, s) for s in sources]
        best = max(covers, default=0.0)
        # The claim's home: the sentences covering it best; a merge of several falls back to all of them.
        home = [s for s, c in zip(sources, covers) if c >= max(min_cover, best - 0.1)] or list(sources)
        named = [k for s in home for sp, c in attributions(s)
                 if (k := _speaker_key(sp)) is not None and _cover(claim, c) >= min_cover]
        if named and not any(_names_match(key, k) for k in named):
            return f"speaker swap: '{key}' for '{named[0]}'"
        if not named and not any(_names_match(key, s) for s in home):
            return f"speaker '{key}' not given for this claim"
        # A merge: every source giving >= 2 of the claim's words that no other source gives must name X.
        cw = {stem(w) for w in _content(claim)}
        bags = [{stem(w) for w in _content(s)} for s in sources]
        for i, s in enumerate(sources):
            others = set().union(*(b for j, b in enumerate(bags) if j != i))
            if len((cw & bags[i]) - others) >= 2 and not _names_match(key, s):
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
    cues = sum(t.lower() in _ATTRIBUTION or t.lower() in _SPEECH_VERBS or t.lower() == "put" for t in tokens(text))
    if cues < len(contributing):
        return f"figures from {len(contributing)} sources, {cues} attributed"
    return None


def _is_verb(w: str) -> bool:
    lw = w.lower()
    return w[:1].islower() and lw not in _STOP and (lw in _IRREGULAR_VERBS or (len(lw) > 4 and lw.endswith(
        ("ed", "ing"))))


def agent_triples(text: str, window: int = 6) -> list[tuple[str | None, str, str | None]]:
    """(nearest entity before, verb stem, nearest entity after) for each verb-like word, within ``window``
    tokens and not across a comma/semicolon/colon."""
    toks = tokens(text)
    spans = entity_spans(text)
    out = []
    for i, w in enumerate(toks):
        if not _is_verb(w) or (i and toks[i - 1].lower() in _PASSIVE):
            continue  # in "would be released" the entity before the verb is not its agent
        before = [s for s in spans if s[1] <= i and i - s[1] < window
                  and not any(toks[k] in ",;:" for k in range(s[1], i))]
        after = [s for s in spans if s[0] > i and s[0] - i <= window
                 and not any(toks[k] in ",;:" for k in range(i + 1, s[0]))]
        out.append((before[-1][2] if before else None, stem(w), after[0][2] if after else None))
    return out


def check_agents(text: str, sources: Sequence[str]) -> str | None:
    """Each agent keeps its action: the entity the output puts before a verb is one a source puts before it."""
    src = [t for s in sources for t in agent_triples(s)]
    for subj, verb, _obj in agent_triples(text):
        if subj is None:
            continue
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


def check_novel_words(text: str, sources: Sequence[str], names: Sequence[str] = (), max_novel: int = 1) -> str | None:
    """At most ``max_novel`` lower-case content words absent from the sources (attribution cues are free)."""
    vocab = _vocab([*sources, *names])
    novel = []
    for t in tokens(text):
        lw = t.lower()
        if t[0].isalpha() and t[0].islower() and lw not in _STOP and lw not in _ATTRIBUTION \
                and lw not in _CONNECTIVES and not _found(lw, vocab):
            novel.append(lw)
    novel = list(dict.fromkeys(novel))
    if len(novel) > max_novel:
        return "novel words " + ", ".join(f"'{w}'" for w in novel[:4])
    return None


def check_leak(text: str, sources: Sequence[str], prompt_words: Iterable[str] = ()) -> str | None:
    """A content word of the prompt's worked examples that no source has: the model copied the example."""
    vocab = _vocab(sources)
    leaked = {w.lower() for w in prompt_words}
    for t in tokens(text):
        lw = t.lower()
        if lw in leaked and lw not in _STOP and lw not in _CONNECTIVES and lw not in _ATTRIBUTION \
                and not _found(lw, vocab):
            return f"copied from the prompt's example: '{lw}'"
    return None


CHECKS = ("nonempty", "english", "one_sentence", "numbers", "tense", "relations", "quotes", "entities", "leak",
          "novel_words", "negation", "attribution", "figure_sources", "speakers", "agents", "subjects")


def gate(text: str, sources: Sequence[str], names: Sequence[str] = (), skip: Sequence[str] = (),
         max_novel_words: int = 1, prompt_words: Iterable[str] = ()) -> str | None:
    """The first failing check's reason, or None when ``text`` passes every check not in ``skip``."""
    runs = {
        "nonempty": lambda: check_nonempty(text),
        "english": lambda: check_english(text),
        "one_sentence": lambda: check_one_sentence(text),
        "numbers": lambda: check_numbers(text, sources),
        "tense": lambda: check_tense(text),
        "relations": lambda: check_relations(text, sources),
        "quotes": lambda: check_quotes(text, sources),
        "entities": lambda: check_entities(text, sources, names),
        "negation": lambda: check_negation(text, sources),
        "attribution": lambda: check_attribution(text, sources),
        "figure_sources": lambda: check_figure_sources(text, sources),
        "speakers": lambda: check_speakers(text, sources),
        "agents": lambda: check_agents(text, sources),
        "subjects": lambda: check_subjects(text, sources),
        "leak": lambda: check_leak(text, sources, prompt_words),
        "novel_words": lambda: check_novel_words(text, sources, names, max_novel_words),
    }
    for name in CHECKS:
        if name not in skip:
            reason = runs[name]()
            if reason is not None:
                return reason
    return None

