"""ROUGE via google-research ``rouge-score``, with the variant stated in every output key.

Variant: rouge-score's tokenizer (lowercase, every character outside ``[a-z0-9]`` becomes a space, so hyphens,
punctuation and non-Latin scripts are dropped), Porter stemming of tokens longer than 3 characters when
``use_stemmer`` (default on), no stopword removal. ROUGE-Lsum is summary-level LCS over sentences, which
rouge-score reads as the lines of the text: give newline-split sentences (see ``core.text.newline_sentences``).

Several references: ``*_mean`` averages precision, recall and F1 over references; ``*_max`` is the reference with
the highest F1 per ROUGE type, with that reference's P/R/F (rouge-score's ``score_multi``). ROUGE-1.5.5's default
``-f A`` pools n-gram hits and counts over references instead: :func:`rouge_n_pooled` reproduces it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from mdsum.evaluation.metrics.core.text import truncate_words

ROUGE_TYPES: tuple[str, ...] = ("rouge1", "rouge2", "rougeL", "rougeLsum")
_STATS = (("p", "precision"), ("r", "recall"), ("f", "fmeasure"))


def rouge(
    prediction: str,
    references: Sequence[str],
    rouge_types: Sequence[str] = ROUGE_TYPES,
    use_stemmer: bool = True,
    max_words: int | None = None,
    truncate_references: bool = False,
) -> dict[str, float]:
    """ROUGE of one prediction against one or more references.

    Keys are ``{type}_{p|r|f}_{mean|max}``, e.g. ``rouge2_f_mean``. ``max_words`` keeps only the first N
    whitespace words of the prediction (and of each reference if ``truncate_references``, as ROUGE-1.5.5 ``-l``).
    """
    if isinstance(references, str) or not references:
        raise ValueError(f"references must be a non-empty list of strings, got {references!r}")
    bad = [t for t in rouge_types if t not in ROUGE_TYPES and not re.fullmatch(r"rouge[1-9]", t)]
    if bad:
        raise ValueError(f"unknown rouge types {bad}; use rouge1..rouge9, rougeL or rougeLsum")
    if max_words is not None:
        prediction = truncate_words(prediction, max_words)
        if truncate_references:
            references = [truncate_words(r, max_words) for r in references]
    scorer = _scorer(tuple(rouge_types), use_stemmer)
    per_ref = [scorer.score(ref, prediction) for ref in references]
    out: dict[str, float] = {}
    for t in rouge_types:
        best = max(per_ref, key=lambda s: s[t].fmeasure)[t]
        for short, attr in _STATS:
            values = [getattr(s[t], attr) for s in per_ref]
            out[f"{t}_{short}_mean"] = float(sum(values) / len(values))
            out[f"{t}_{short}_max"] = float(getattr(best, attr))
    return out


def rouge_n_pooled(
    prediction: str, references: Sequence[str], n: int, tokenize: Callable[[str], list[str]]
) -> tuple[float, float, float]:
    """ROUGE-N (recall, precision, F1) as ROUGE-1.5.5 with ``-f A -p 0.5``: hits and counts pooled over references.

    ROUGE-1.5.5 (``computeNGramScore``, score mode "A") sums the clipped hits and the reference n-gram counts
    over all references; precision divides the hits by the prediction's n-gram count times the number of
    references. N-grams run across sentence boundaries, as in ROUGE-1.5.5 which joins sentences with a space.
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    pred = _ngrams(tokenize(prediction), n)
    hits = ref_total = 0
    for ref in references:
        ref_grams = _ngrams(tokenize(ref), n)
        hits += sum(min(c, pred[g]) for g, c in ref_grams.items())
        ref_total += sum(ref_grams.values())
    pred_total = sum(pred.values()) * len(references)
    recall = hits / ref_total if ref_total else 0.0
    precision = hits / pred_total if pred_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return recall, precision, f1


def rouge155_tokenize(text: str) -> list[str]:
    """Tokens as ROUGE-1.5.5's ``readText`` makes them without ``-m``/``-s``: lowercase, each hyphen its own token,
    every other character outside ``[A-Za-z0-9]`` a space."""
    text = text.lower().replace("-", " - ")
    return re.sub(r"[^a-z0-9\-]", " ", text).split()


def rouge_score_tokenize(text: str, use_stemmer: bool = False) -> list[str]:
    """Tokens exactly as rouge-score makes them (its default tokenizer)."""
    return _tokenizer(use_stemmer).tokenize(text)


def _ngrams(tokens: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@lru_cache(maxsize=8)
def _scorer(rouge_types: tuple[str, ...], use_stemmer: bool):
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(list(rouge_types), use_stemmer=use_stemmer)


@lru_cache(maxsize=2)
def _tokenizer(use_stemmer: bool):
    from rouge_score import tokenizers

    return tokenizers.DefaultTokenizer(use_stemmer=use_stemmer)
