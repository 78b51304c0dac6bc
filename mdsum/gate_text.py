"""Surface checks of a generated sentence, and the tokens, stems and name spans every gate check shares.

English and well-formed (one sentence, a verb, no loops), nothing new (numbers, quotes, relations, entities,
content words, words copied from the prompt's examples). Each is ``check_x(text, ...) -> reason | None``;
:mod:`mdsum.gate` runs them in order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from mdsum.nli import fold_quotes
from mdsum.text import STOP_WORDS as _STOP
from mdsum.verify import FIGURE, clauses, is_verbatim, numbers

_TOKEN = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z]+(?:['-][A-Za-z]+)*|\d+(?:[.,]\d+)*|[,;:()\"]")
_ENGLISH = frozenset("the a an of to in and is are was were on for with by that as at from its it has have had "
                     "be been said says will would not this which who their they he she".split())
CAP_STOP = frozenset("the a an in on at of for and but if as by to from with this that these those it its he she "
                     "they we his her their there here when while after before during".split())
ATTRIBUTION = frozenset("say says said saying told tell tells stated states claim claims claimed according "
                        "reportedly allegedly alleged alleges reported reports announced insisted insists denied "
                        "denies accused accuses added warned warns urged urges called calls condemned condemns "
                        "criticised criticized voiced declared declares statement quoted believed suspected "
                        "apparently appear appears appeared seem seems seemed may might could possibly likely "
                        "unconfirmed confirmed "
                        "confirms".split())
# Words a fusion adds to join or contrast what outlets say: free in the novel-words count.
_CONNECTIVES = frozenset("while whereas although though however meanwhile respectively separately put".split())
SPEECH = ("says|said|say|told|tells|stated|states|claimed|claims|added|insisted|insists|denied|denies|warned|"
          "warns|announced|announces|argued|argues|believes|believed|estimate|estimates|estimated|reported|reports")
SPEECH_VERBS = frozenset(SPEECH.split("|"))
# Titles before a name ("Lt. Gov. Kathy Hochul") and "2:20 p.m. PDT" do not end a sentence.
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Prof|Sens?|Reps?|Gov|Govs|Gens?|Col|Lt|Capt|Maj|Adm|Cmdr|Sgt|Det|Supt|Rev|Hon"
                     r"|Atty|Pres|St|Mt|Ft|Jr|Sr|Inc|Ltd|Co|Corp|vs|No|U\.S|U\.K|U\.N|[ap]\.m|[A-Z])\.$")


_SPACED_INITIALS = re.compile(r"\b([A-Z])\. (?=[A-Z]\.)")  # "U. S." as generators sometimes write "U.S."


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(_SPACED_INITIALS.sub(r"\1.", fold_quotes(text)))


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


def is_capitalised(tok: str) -> bool:
    return tok[0].isupper() and tok.lower() not in CAP_STOP


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


_PLACEHOLDER = re.compile(r"^Source \d+$")
_LABEL_IN_TEXT = re.compile(r"\bSources? \d+\b")  # the same label inside a sentence ("Sources 1 and 2 say …")


def placeholder_outlet(n: int) -> str:
    """The outlet name a document without a source gets in prompts ("Source 3"): a label, not an outlet."""
    return f"Source {n}"


def is_placeholder_outlet(name: str) -> bool:
    return bool(_PLACEHOLDER.match(name))


# --- the checks ----------------------------------------------------------------------------------------------

def check_nonempty(text: str) -> str | None:
    return "empty output" if not text or not re.search(r"[A-Za-z]", text) else None


def check_english(text: str, min_words: int = 6) -> str | None:
    """Mostly ASCII letters, with English function words, and no loops of one token."""
    letters = [c for c in text if c.isalpha()]
    if letters and sum(not c.isascii() for c in letters) / len(letters) > 0.1:
        return "not English"
    words = [t for t in tokens(text) if t[0].isalpha()]
    ws = [t.lower() for t in words]
    # Names say nothing about the language: "Maria Santos received $20,000, while Isla Hernandez received $15,000."
    common = [w for t, w in zip(words, ws) if t[0].islower() or w in _ENGLISH]
    if len(common) >= min_words and sum(w in _ENGLISH for w in common) / len(common) < 0.1:
        return "not English"
    if len(ws) >= 8 and len(set(ws)) / len(ws) < 0.45:
        return "repetitive output"
    return None


def alnum_words(text: str, keep_case: bool = False) -> list[str]:
    """The tokens that are words or figures (punctuation dropped), lower-cased unless ``keep_case``."""
    return [t if keep_case else t.lower() for t in tokens(text) if t[0].isalnum()]


def _grams(text: str) -> list[tuple[str, ...]]:
    ws = alnum_words(text)
    return [tuple(ws[i:i + 3]) for i in range(len(ws) - 2)]


def _repeated(text: str, sources: Sequence[str] = ()) -> list[tuple[str, ...]]:
    """The 3-grams with >= 2 content words that ``text`` says twice, unless one of ``sources`` says them as often
    (the output keeps a repetition of the source's own: "where local bodies have … and where local bodies have not")."""
    grams = _grams(text)
    counts = Counter(grams)
    own = [Counter(_grams(s)) for s in sources]
    return [g for g in grams if counts[g] > 1 and sum(w not in _STOP for w in g) >= 2
            and not any(c[g] >= counts[g] for c in own)]


def _home(part: str, sources: Sequence[str], min_cover: float) -> int | None:
    """The source holding >= ``min_cover`` of the part's content words (the best one), or None."""
    words = {stem(w) for w in tokens(part) if w[0].isalnum() and w.lower() not in _STOP}
    if not words:
        return None
    covers = [len(words & {stem(w) for w in tokens(s)}) / len(words) for s in sources]
    best = max(range(len(sources)), key=covers.__getitem__, default=None)
    return best if best is not None and covers[best] >= min_cover else None


def check_repeats(text: str, sources: Sequence[str], min_cover: float = 0.8) -> str | None:
    """A phrase said twice is a loop ("A court martial found a court martial"), unless it is said once in each
    of two clauses that each restate a different source: "City officials estimated more than 2,000 people were
    evacuated, while the county office reported about 1,800 people were evacuated"."""
    repeated = _repeated(text, sources)
    if not repeated:
        return None
    parts = clauses(text)
    homes = [_home(p, sources, min_cover) for p in parts]
    if len(parts) > 1 and not any(_repeated(p) for p in parts) and None not in homes \
            and len(set(homes)) == len(homes):
        return None
    return f"repeated phrase '{' '.join(repeated[0])}'"


_FINITE = frozenset("is are was were has have had will would can could may might must shall should do does did "
                    "be been remains remain says said hit began begins struck won lost left took made blew went came "
                    "gave got sent told found fell rose saw ran met led fought brought thought caught kept held stood "
                    "spoke wrote drew grew knew threw flew broke chose became paid sold cut put set let spread sat "
                    "spent built felt meant fled shot lies lie sits stands faces needs includes begin".split())


def check_one_sentence(text: str, min_words: int = 5, max_words: int = 60) -> str | None:
    t = text.strip()
    n = len(alnum_words(t))
    if n < min_words:
        return f"too short ({n} words)"
    if n > max_words:
        return f"too long ({n} words)"
    if not re.search(r"[.!?][\"')]?$", t):
        return "unfinished sentence"
    ws = [w.lower() for w in tokens(t) if w[0].isalpha()]
    if not any(w in _FINITE or w in SPEECH_VERBS or (len(w) > 3 and w.endswith("ed")) for w in ws):
        return "no verb"
    for m in re.finditer(r"[.!?][\"')]?\s+(?=[\"(]?[A-Z])", t):
        if not _ABBREV.search(t[: m.start() + 1]):
            return "more than one sentence"
    return None


def check_numbers(text: str, sources: Sequence[str], names: Sequence[str] = ()) -> str | None:
    """Every figure is in some source; a figure inside an outlet's name ("Source 4", "KBRK Radio 91.3") is a name."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
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
            if tok[0].isupper() and tok.lower() not in CAP_STOP and not _found(tok, vocab):
                return f"new entity '{span}'"
    return None


def check_novel_words(text: str, sources: Sequence[str], names: Sequence[str] = (), max_novel: int = 1) -> str | None:
    """At most ``max_novel`` lower-case content words absent from the sources (attribution cues are free)."""
    vocab = _vocab([*sources, *names])
    novel = []
    for t in tokens(text):
        lw = t.lower()
        if t[0].isalpha() and t[0].islower() and lw not in _STOP and lw not in ATTRIBUTION \
                and lw not in _CONNECTIVES and not _found(lw, vocab):
            novel.append(lw)
    novel = list(dict.fromkeys(novel))
    if len(novel) > max_novel:
        return "novel words " + ", ".join(f"'{w}'" for w in novel[:4])
    return None


def check_leak(text: str, sources: Sequence[str], prompt_words: Iterable[str] = ()) -> str | None:
    """A prompt label ("Source 4", a document without an outlet) that no source prints: it names nothing a reader
    knows, and the summary's own citation numbers differ. Or a content word of the prompt's worked examples that
    no source has: the model copied the example."""
    label = _LABEL_IN_TEXT.search(text)
    if label and not any(label.group() in s for s in sources):
        return f"prompt label '{label.group()}' in the text"
    vocab = _vocab(sources)
    leaked = {w.lower() for w in prompt_words}
    for t in tokens(text):
        lw = t.lower()
        if lw in leaked and lw not in _STOP and lw not in _CONNECTIVES and lw not in ATTRIBUTION \
                and not _found(lw, vocab):
            return f"copied from the prompt's example: '{lw}'"
    return None


# Words before a figure that say it is not exact; a source's "about 24.9 feet" stated as "24.9 feet" is a new claim.
_APPROXIMATORS = ("about", "around", "approximately", "roughly", "nearly", "almost", "some", "over", "under",
                  "more than", "less than", "fewer than", "at least", "at most", "up to", "as many as", "as much as",
                  "as few as", "an estimated", "estimated", "upwards of", "close to")
_APPROX = re.compile(r"\b(" + "|".join(a.replace(" ", r"\s+") for a in _APPROXIMATORS) + r")\s+$", re.IGNORECASE)


def _figure_contexts(text: str) -> list[tuple[str, str | None]]:
    """(figure without commas, the approximator right before it or None) for each figure of ``text``."""
    t = " ".join(fold_quotes(text).split())
    out = []
    for m in FIGURE.finditer(t):
        a = _APPROX.search(t[max(0, m.start() - 24):m.start()])
        out.append((m.group().replace(",", ""), " ".join(a.group(1).lower().split()) if a else None))
    return out


def check_approximators(text: str, sources: Sequence[str]) -> str | None:
    """A figure every source that gives it qualifies ("about", "more than", "as many as") keeps a qualifier."""
    src = [c for s in sources for c in _figure_contexts(s)]
    for fig, approx in _figure_contexts(text):
        given = [a for f, a in src if f == fig]
        if approx is None and given and all(a is not None for a in given):
            return f"dropped approximator '{given[0]}' before '{fig}'"
    return None


_COMPARATIVE = re.compile(r"\b(?:lower|higher|smaller|larger|bigger|greater)\s+(?:figure|number|estimate|toll|count|"
                          r"total|tally)\s+than\b", re.IGNORECASE)


def _compared_figures(text: str) -> list[tuple[str, str | None]]:
    """(the comparative phrase, the last figure before it) for each "a lower figure than …" of ``text``."""
    t = " ".join(fold_quotes(text).split())
    out = []
    for m in _COMPARATIVE.finditer(t):
        before = [f.replace(",", "") for f in FIGURE.findall(t[:m.start()])]
        out.append((" ".join(m.group().lower().split()), before[-1] if before else None))
    return out


def check_comparatives(text: str, sources: Sequence[str]) -> str | None:
    """"X, a lower figure than Y" compares X: the figure before the phrase is the one a source compares."""
    src = [c for s in sources for c in _compared_figures(s)]
    for phrase, fig in _compared_figures(text):
        if not any(p == phrase and f == fig for p, f in src):
            return f"comparison moved: '{phrase}' after '{fig}'"
    return None
