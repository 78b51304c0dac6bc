"""Rule-based unfaithful rewrites of a true sentence, in its own words: the errors a checker must catch.

Number, date, entity and speaker swaps, negation, antonyms, compression and splicing (FactCC-style); each
returns the rewritten sentence or None when the rule does not apply.
"""

from __future__ import annotations

import random
import re


def clip_words(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n])


NUM = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\w])|(?<![\w.])\d+(?:\.\d+)?(?![\w])")
NUM_WORDS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozens", "hundreds",
             "thousands", "millions"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
RELATIVE = {"yesterday": "tomorrow", "tomorrow": "yesterday", "last week": "next week", "next week": "last week",
            "last year": "next year", "next year": "last year", "earlier": "later", "before": "after",
            "after": "before"}
ANTONYMS = {"increased": "decreased", "decreased": "increased", "rose": "fell", "fell": "rose", "won": "lost",
            "lost": "won", "approved": "rejected", "rejected": "approved", "supports": "opposes",
            "opposes": "supports", "supported": "opposed", "opposed": "supported", "more": "fewer",
            "higher": "lower", "lower": "higher", "raised": "cut", "accepted": "refused", "allowed": "banned",
            "banned": "allowed", "passed": "failed", "guilty": "innocent", "first": "last", "largest": "smallest",
            "agreed": "refused", "arrested": "released", "released": "arrested", "majority": "minority",
            "killed": "injured", "injured": "killed", "up": "down", "down": "up", "begin": "end", "ended": "began"}
AUX = re.compile(r"\b(is|are|was|were|will|would|can|could|has|have|had|should|must|did|does|do)\b(?! not\b)")
NEG = re.compile(r"\b(is|are|was|were|will|would|could|has|have|had|should|did|does|do) not\b|\b(is|are|was|were|"
                 r"has|have|had|would|could|should|did|does|do)n't\b|\bnever\b ?|\bno longer\b ?")
SAY = r"(?:said|says|told|announced|added|argued|claimed|stated|warned|insisted|tweeted|wrote)"
NAME = r"((?:[A-Z][\w.'-]+ ){0,3}[A-Z][\w'-]+)"
SPEAKER = re.compile(rf"{NAME} {SAY}\b|\b{SAY},? {NAME}")
CAPS = re.compile(r"(?<!^)(?<![.!?:\"“] )\b([A-Z][a-z][\w'-]*(?: (?:of |the |de )?[A-Z][\w'-]+){0,3})")
CAP_STOP = {"The", "A", "An", "He", "She", "They", "It", "We", "I", "In", "On", "But", "And", "This", "That", "Mr",
            "Mrs", "Ms", "Dr", *WEEKDAYS, *MONTHS}


def swap_number(s: str, pool: list[str], rng: random.Random) -> str | None:
    spans = [m for m in NUM.finditer(s) if not (len(m.group()) == 4 and m.group().startswith(("19", "20")))]
    if spans:
        m = rng.choice(spans)
        others = [p for p in pool if p != m.group() and p not in s]
        if others and rng.random() < 0.5:
            new = rng.choice(others)
        else:
            val = float(m.group().replace(",", ""))
            factor = rng.choice([2, 3, 10, 0.5])
            new_val = val * factor if val > 3 else val + rng.randint(2, 9)
            new = f"{new_val:,.0f}" if "," in m.group() else (f"{new_val:g}")
        return s[:m.start()] + new + s[m.end():] if new != m.group() else None
    words = [w for w in NUM_WORDS if re.search(rf"\b{w}\b", s)]
    if words:
        w = rng.choice(words)
        return re.sub(rf"\b{w}\b", rng.choice([x for x in NUM_WORDS if x != w]), s, count=1)
    return None


def swap_date(s: str, rng: random.Random) -> str | None:
    for names in (WEEKDAYS, MONTHS):
        found = [n for n in names if re.search(rf"\b{n}\b", s)]
        if found:
            n = rng.choice(found)
            return re.sub(rf"\b{n}\b", rng.choice([x for x in names if x != n]), s, count=1)
    years = [m for m in re.finditer(r"\b(19[5-9]\d|20[0-3]\d)\b", s)]
    if years:
        m = rng.choice(years)
        new = str(int(m.group()) + rng.choice([-3, -2, -1, 1, 2, 3]))
        return s[:m.start()] + new + s[m.end():]
    for old, new in RELATIVE.items():
        if re.search(rf"\b{old}\b", s):
            return re.sub(rf"\b{old}\b", new, s, count=1)
    return None


def entities(text: str) -> list[str]:
    return [e for e in CAPS.findall(text) if e not in CAP_STOP and len(e) > 2]


def swap_entity(s: str, pool: list[str], rng: random.Random) -> str | None:
    ents = entities(s)
    others = [e for e in pool if e not in s and not any(e in x or x in e for x in ents)]
    if not ents or not others:
        return None
    e = rng.choice(ents)
    return s.replace(e, rng.choice(others), 1)


def swap_speaker(s: str, pool: list[str], rng: random.Random) -> str | None:
    m = SPEAKER.search(s)
    if not m:
        return None
    name = m.group(1) or m.group(2)
    people = [e for e in pool if " " in e and e not in s and name not in e and e not in name]
    others = people or [e for e in pool if e not in s and name not in e]
    if name in CAP_STOP or not others:
        return None
    return s.replace(name, rng.choice(others), 1)


def negate(s: str, rng: random.Random) -> str | None:
    m = NEG.search(s)
    if m:  # remove an existing negation
        text = m.group()
        repl = text.replace(" not", "").replace("n't", "").replace("never ", "").replace("no longer ", "")
        repl = {"never": "", "no longer": ""}.get(repl.strip(), repl)
        return re.sub(r"\s+", " ", s[:m.start()] + repl + s[m.end():]).strip()
    auxes = list(AUX.finditer(s))
    if not auxes:
        return None
    a = rng.choice(auxes[:2])
    return s[:a.end()] + " not" + s[a.end():]


def antonym(s: str, rng: random.Random) -> str | None:
    found = [w for w in ANTONYMS if re.search(rf"\b{w}\b", s)]
    if not found:
        return None
    w = rng.choice(found)
    return re.sub(rf"\b{w}\b", ANTONYMS[w], s, count=1)


COMPRESSIONS = (
    re.compile(r" \([^()]{2,80}\)"),  # parenthetical
    re.compile(r", (?:who|which|where|whose) [^,]{3,120},"),  # non-restrictive relative clause
    re.compile(r"^(?:On|In|At|After|Before|During|Earlier|Last|Since) [^,]{2,60}, "),  # leading adverbial
    re.compile(r", (?:according to|citing|as|after|while|amid|despite|following|with|including) [^,]{3,140}(?=\.$)"),
    re.compile(r" (?:on|in|at|for|from|during|with) (?:the |a |an )?[^ ,.]+(?: [^ ,.]+){0,3}(?=\.$)"),  # final PP
)


def compress(s: str, rng: random.Random) -> str | None:
    rules = list(COMPRESSIONS)
    rng.shuffle(rules)
    for rule in rules:
        m = rule.search(s)
        if not m:
            continue
        out = s[:m.start()] + ("," if m.group().endswith(",") and m.group().startswith(",") else "") + s[m.end():]
        out = out.replace(",,", ",").strip()
        if m.start() == 0 and out:
            out = out[0].upper() + out[1:]
        if len(out.split()) >= 5 and len(s.split()) - len(out.split()) >= 2:
            return out
    return None


def adds_no_facts(hypothesis: str, premise: str) -> bool:
    """No number or name in the hypothesis that the premise lacks (an outlet's extra detail is unsupported)."""
    return all(n in premise for n in NUM.findall(hypothesis)) and all(e in premise for e in entities(hypothesis))


def splice(s: str, other: str) -> str | None:
    """Head of one source's sentence + tail of another's: each half is reported, the whole is by no one."""
    a = s.rstrip(".").split(", ")
    b = other.rstrip(".").split(", ")
    if len(a) < 2 or len(b) < 2 or len(a[0].split()) < 4:
        return None
    return f"{a[0]}, {', '.join(b[1:])}."


def swap_errors(s: str, nums: list[str], ents: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """Every rule-based error the sentence admits, as (kind, changed sentence); rules tried in a fixed order."""
    out = []
    for kind, fn in (("number_swap", lambda: swap_number(s, nums, rng)),
                     ("date_swap", lambda: swap_date(s, rng)),
                     ("entity_swap", lambda: swap_entity(s, ents, rng)),
                     ("speaker_swap", lambda: swap_speaker(s, ents, rng)),
                     ("negation", lambda: negate(s, rng)),
                     ("antonym", lambda: antonym(s, rng))):
        h = fn()
        if h and h != s:
            out.append((kind, h))
    return out
