"""A small, deterministic language guess per article: the writing system first, then common function words.

Enough to tell a user what mdsum was given (the manifest names each article's language) and to refuse, with a
clear reason, languages written without spaces between words (Chinese, Japanese, Thai), whose "words" the
pipeline cannot count. Not a general language identifier: Latin-script languages outside the list are ``und``.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

# Languages written without spaces between words: word counts, sentence lengths and budgets mean nothing there.
UNSPACED = frozenset({"zh", "ja", "th", "lo", "km", "my"})
NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "pt": "Portuguese",
         "nl": "Dutch", "sv": "Swedish", "da": "Danish", "pl": "Polish", "tr": "Turkish", "ru": "Russian",
         "uk": "Ukrainian", "el": "Greek", "ar": "Arabic", "he": "Hebrew", "hi": "Hindi", "zh": "Chinese",
         "ja": "Japanese", "ko": "Korean", "th": "Thai", "lo": "Lao", "km": "Khmer", "my": "Burmese",
         "und": "undetermined"}

# A dozen frequent function words each; a word shared by two lists counts for both (ties are rare on real text).
_FUNCTION_WORDS = {
    "en": "the and of to in is that for was with on said as by it from at his are have",
    "de": "der die und das ist nicht mit den von zu sich des auf für im dem ein eine",
    "fr": "le la les des et est une que pour dans qui sur pas par au du avec",
    "es": "el la los las de que y en un una por con para es del se al",
    "it": "il di che la le per un una non sono del della con gli è nel",
    "pt": "o os as de que e do da em um uma para com não se por dos",
    "nl": "de het een en van is dat op te zijn niet met voor die ook",
    "sv": "och att det som en är på för med inte till av den har",
    "da": "og at det som en er på for med ikke til af den har",
    "pl": "i w na nie się z że do jest to jak po przez dla",
    "tr": "ve bir bu da de için ile olarak çok daha gibi olan",
}
_WORDS = {lang: frozenset(ws.split()) for lang, ws in _FUNCTION_WORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+")
_SCRIPT_LANG = (("CJK", "zh"), ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("THAI", "th"),
                ("LAO", "lo"), ("KHMER", "km"), ("MYANMAR", "my"), ("ARABIC", "ar"), ("HEBREW", "he"),
                ("DEVANAGARI", "hi"), ("GREEK", "el"), ("CYRILLIC", "ru"))
SAMPLE_CHARS = 5000  # the opening of an article is enough, and keeps the cost flat for huge files


@functools.lru_cache(maxsize=8192)
def _script(ch: str) -> str | None:
    if ch.isascii():  # most of any Latin-script text, and unicodedata.name is the slow part
        return "latin" if ch.isalpha() else None
    name = unicodedata.name(ch, "")
    for prefix, lang in _SCRIPT_LANG:
        if name.startswith(prefix):
            return lang
    return "latin" if name.startswith("LATIN") else None


def detect(text: str) -> str:
    """ISO 639-1 code of ``text``'s language (``und`` when unsure). Japanese = any kana among Han characters."""
    sample = text[:SAMPLE_CHARS]
    scripts = Counter(s for s in map(_script, sample) if s)
    letters = sum(scripts.values())
    if not letters:
        return "und"
    if scripts["ja"] and scripts["ja"] + scripts["zh"] >= 0.3 * letters:
        return "ja"
    top, n = max(((s, c) for s, c in scripts.items() if s != "latin"), key=lambda x: x[1], default=("latin", 0))
    if n >= 0.3 * letters:
        return "uk" if top == "ru" and re.search(r"[іїєґ]", sample.lower()) else top
    words = Counter(w.lower() for w in _TOKEN.findall(sample))
    scores = {lang: sum(c for w, c in words.items() if w in vocab) for lang, vocab in _WORDS.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "en"))
    total = sum(words.values())
    return best if total and scores[best] >= max(2, 0.05 * total) else "und"


def name(code: str) -> str:
    return NAMES.get(code, code)
