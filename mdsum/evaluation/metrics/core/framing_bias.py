"""Framing bias as NeuS defines it (Lee et al., 2022, "NeuS: Neutral Multi-News Summarization for Mitigating
Framing Bias"; HLTCHKUST/framing-bias-metric ``metric_code.ipynb``), with a pluggable valence/arousal lexicon.

Per item: both texts are preprocessed ("U.S." -> "USA", lowercase, every character that is not a word character
or whitespace removed, tokenised, lemmatised); the tokens of the generation that do not occur in the reference
are taken as a SET (each word type once). Of those found in the lexicon, words with valence > 0.65 add their
arousal to ``arousal_pos``, words with valence < 0.35 to ``arousal_neg``; ``arousal_sum`` is both. NeuS reports
the mean over items; lower is less framing.

NeuS uses NRC-VAD (valence, arousal in [0, 1]), which may not be redistributed. A user who has it passes its
file (``word<TAB>valence<TAB>arousal[<TAB>dominance]``) to :func:`load_lexicon` and gets the exact NeuS metric.
The shipped default is a proxy built from VADER (see ``framing_bias/LEXICON.md``); outputs name the lexicon.
NeuS lemmatises with WordNet; without the WordNet data (it is not on PyPI) no lemmatiser is used, and the result
says which one ran.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LEXICON = Path(__file__).resolve().parents[1] / "framing_bias" / "vader_proxy.tsv"
POSITIVE_ABOVE = 0.65
NEGATIVE_BELOW = 0.35
_NON_WORD = re.compile(r"[^\w\s]")


@dataclass(frozen=True)
class Lexicon:
    name: str
    entries: dict[str, tuple[float, float]]  # word -> (valence, arousal), both in [0, 1]


@dataclass(frozen=True)
class FramingResult:
    arousal_pos: float
    arousal_neg: float
    arousal_sum: float
    positive_words: tuple[str, ...]
    negative_words: tuple[str, ...]


def load_lexicon(path: str | Path, name: str | None = None) -> Lexicon:
    """Read ``word<TAB>valence<TAB>arousal[<TAB>...]`` lines; '#' comments and a header line are skipped."""
    entries: dict[str, tuple[float, float]] = {}
    for i, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        try:
            valence, arousal = float(cols[1]), float(cols[2])
        except (IndexError, ValueError):
            if not entries and i <= 2:  # a header such as "Word	Valence	Arousal	Dominance"
                continue
            raise ValueError(f"{path}:{i}: expected word<TAB>valence<TAB>arousal, got {line!r}") from None
        if not (0.0 <= valence <= 1.0 and 0.0 <= arousal <= 1.0):
            raise ValueError(f"{path}:{i}: valence and arousal must be in [0, 1], got {line!r}")
        entries[cols[0].strip().lower()] = (valence, arousal)
    if not entries:
        raise ValueError(f"{path}: no lexicon entries found")
    return Lexicon(name=name or Path(path).stem, entries=entries)


def preprocess(text: str, lemmatize: Callable[[str], str] | None = None) -> list[str]:
    """NeuS ``preprocess_text``: "U.S." -> "USA", lowercase, drop non-word characters, tokenise, lemmatise.

    After the punctuation is gone NLTK's ``word_tokenize`` reduces to a whitespace split, which is used here.
    """
    text = _NON_WORD.sub("", text.replace("U.S.", "USA").lower())
    tokens = text.split()
    return [lemmatize(t) for t in tokens] if lemmatize else tokens


def framing_bias(
    generation: str, reference: str, lexicon: Lexicon, lemmatize: Callable[[str], str] | None = None
) -> FramingResult:
    """NeuS arousal of the generation's words that are absent from the reference (lower is better)."""
    novel = set(preprocess(generation, lemmatize)) - set(preprocess(reference, lemmatize))
    return arousal_split(novel, lexicon)


def arousal_split(words: Iterable[str], lexicon: Lexicon) -> FramingResult:
    """Sum the arousal of positive (valence > 0.65) and negative (valence < 0.35) lexicon words."""
    pos, neg = [], []
    for w in sorted(set(words)):
        if w in lexicon.entries:
            valence = lexicon.entries[w][0]
            if valence > POSITIVE_ABOVE:
                pos.append(w)
            elif valence < NEGATIVE_BELOW:
                neg.append(w)
    a_pos = sum(lexicon.entries[w][1] for w in pos)
    a_neg = sum(lexicon.entries[w][1] for w in neg)
    return FramingResult(a_pos, a_neg, a_pos + a_neg, tuple(pos), tuple(neg))


def wordnet_lemmatizer() -> Callable[[str], str] | None:
    """NLTK's WordNet lemmatiser (as NeuS) if the WordNet data is installed, else None."""
    try:
        from nltk.corpus import wordnet
        from nltk.stem import WordNetLemmatizer

        wordnet.ensure_loaded()
    except (LookupError, ImportError, OSError):
        return None
    return WordNetLemmatizer().lemmatize


def vader_proxy(mean_valence: float) -> tuple[float, float]:
    """(valence, arousal) in [0, 1] from a VADER rating in [-4, 4]: valence rescaled linearly, arousal proxied by
    the rating's intensity |rating| / 4 (VADER has no arousal; strongly rated words are the arousing ones).

    The NeuS cut-offs then select VADER ratings above +1.2 (valence > 0.65) and below -1.2 (valence < 0.35).
    """
    if not -4.0 <= mean_valence <= 4.0:
        raise ValueError(f"a VADER rating is in [-4, 4], got {mean_valence}")
    return (mean_valence + 4.0) / 8.0, abs(mean_valence) / 4.0
