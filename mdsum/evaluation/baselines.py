"""Extractive baselines run in the same harness as mdsum, so every comparison is one run on one scorer.

Each baseline orders a cluster's sentences, takes them in that order until the word budget is reached and
truncates the last one so the summary is exactly ``max_words`` whitespace words (or shorter when the cluster
is). Every summary sentence cites its own source sentence, so citation metrics apply to baselines too.

* ``lead``: sentences in document order, documents in cluster order (first document, then the next, ...).
* ``lexrank`` / ``textrank``: sumy's implementations (stemmed, English stop words removed), ranked best first.
* ``random``: a seeded shuffle; the seed mixes the run seed and the cluster id, so order of clusters is moot.
* ``mmr``: maximal marginal relevance on TF-IDF vectors; relevance = cosine to the cluster's mean vector.
* ``oracle``: greedy extractive oracle; adds the sentence that most increases mean-over-references
  ROUGE-1 F + ROUGE-2 F (rouge-score tokens, Porter stemming) and stops when nothing increases it.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from mdsum.types import Citation, Document, Sentence, Summary, SummarySentence

BASELINES: tuple[str, ...] = ("lead", "lexrank", "textrank", "random", "mmr", "oracle")

Segment = Callable[[Document], list[Sentence]]


# -- budget ------------------------------------------------------------------------------------------------


def take_budget(texts: Sequence[str], max_words: int) -> list[str]:
    """Texts in order until ``max_words`` whitespace words; the last is cut to fit exactly."""
    out: list[str] = []
    used = 0
    for t in texts:
        words = t.split()
        if not words:
            continue
        if used + len(words) >= max_words:
            out.append(" ".join(words[: max_words - used]))
            return out
        out.append(t)
        used += len(words)
    return out


def extract(story_id: str, documents: Sequence[Document], sentences: Sequence[Sentence], order: Sequence[int],
            max_words: int) -> Summary:
    """Summary of ``sentences[i] for i in order`` within the budget; each sentence cites itself."""
    chosen = [sentences[i] for i in order]
    texts = take_budget([s.text for s in chosen], max_words)
    kept = [s for s in chosen if s.text.split()][: len(texts)]
    out = tuple(
        SummarySentence(text=t, citations=(Citation(doc_id=s.doc_id, sentence_ids=(s.id,)),), group_id=s.id)
        for t, s in zip(texts, kept, strict=True)
    )
    return Summary(story_id=story_id, sentences=out, documents=tuple(documents))


# -- orders (pure: sentences in, indices best first out) ----------------------------------------------------


def lead_order(sentences: Sequence[Sentence]) -> list[int]:
    return list(range(len(sentences)))


def random_order(sentences: Sequence[Sentence], seed: int, key: str = "") -> list[int]:
    rng = np.random.default_rng([seed, zlib.crc32(key.encode())])
    return [int(i) for i in rng.permutation(len(sentences))]


def sumy_order(sentences: Sequence[Sentence], method: str, language: str = "english") -> list[int]:
    """Indices ranked best first by sumy's LexRank or TextRank (``method`` "lexrank" | "textrank")."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph
    from sumy.models.dom import Sentence as SumySentence
    from sumy.nlp.stemmers import Stemmer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    if not sentences:
        return []
    classes = {"lexrank": LexRankSummarizer, "textrank": TextRankSummarizer}
    summarizer = classes[method](Stemmer(language))
    summarizer.stop_words = get_stop_words(language)
    # Our own sentences and a regex word tokenizer: sumy's Tokenizer would need nltk's punkt download.
    doc = ObjectDocumentModel([Paragraph([SumySentence(s.text, _WordTokenizer) for s in sentences])])
    ranked: list[int] = []

    def record(infos: list) -> list:  # sumy passes the sentences sorted best first to its "count" callable
        ranked.extend(i.order for i in infos)
        return infos

    summarizer(doc, record)
    return ranked


class _WordTokenizer:
    _word = re.compile(r"\w+(?:[-']\w+)*")

    @classmethod
    def to_words(cls, text: str) -> list[str]:
        return cls._word.findall(text)


def mmr_order(sentences: Sequence[Sentence], max_words: int, diversity: float = 0.3) -> list[int]:
    """Greedy MMR on TF-IDF: argmax (1 - diversity) * sim(s, centroid) - diversity * max sim(s, chosen)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not sentences:
        return []
    try:
        vectors = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform([s.text for s in sentences])
    except ValueError:  # only stop words
        return lead_order(sentences)
    matrix = vectors.toarray()
    centroid = matrix.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    return mmr_select(matrix @ centroid, matrix @ matrix.T, [len(s.text.split()) for s in sentences],
                      max_words, diversity)


def mmr_select(relevance: np.ndarray, similarity: np.ndarray, lengths: Sequence[int], max_words: int,
               diversity: float) -> list[int]:
    """Indices picked by MMR until their lengths reach ``max_words``."""
    chosen: list[int] = []
    left = list(range(len(relevance)))
    used = 0
    while left and used < max_words:
        redundancy = similarity[np.ix_(left, chosen)].max(axis=1) if chosen else np.zeros(len(left))
        scores = (1 - diversity) * relevance[left] - diversity * redundancy
        best = left[int(np.argmax(scores))]
        chosen.append(best)
        left.remove(best)
        used += lengths[best]
    return chosen


def oracle_order(sentences: Sequence[Sentence], references: Sequence[str], max_words: int) -> list[int]:
    """Greedy oracle: add the sentence that most raises mean ROUGE-1 F + ROUGE-2 F; stop when none does."""
    words = [s.text.split() for s in sentences]
    tokens = _RougeTokens()
    refs = [(Counter(r), Counter(zip(r, r[1:]))) for r in (tokens.of(ref.split()) for ref in references)]
    chosen: list[int] = []
    best_score = 0.0
    while True:
        budget_left = max_words - sum(len(words[i]) for i in chosen)
        if budget_left <= 0:
            return chosen
        base = [t for i in chosen for t in tokens.of(words[i])]
        gains = [
            (_rouge12(base + tokens.of(words[i][:budget_left]), refs), i)
            for i in range(len(sentences)) if i not in chosen and words[i]
        ]
        if not gains:
            return chosen
        score, best = max(gains, key=lambda g: (g[0], -g[1]))
        if score <= best_score:
            return chosen
        chosen.append(best)
        best_score = score


class _RougeTokens:
    """rouge-score's tokenizer, memoised per whitespace word (tokenising word by word gives the same tokens)."""

    def __init__(self) -> None:
        from rouge_score.tokenizers import DefaultTokenizer

        self._tok = DefaultTokenizer(use_stemmer=True)
        self._cache: dict[str, list[str]] = {}

    def of(self, words: Sequence[str]) -> list[str]:
        out: list[str] = []
        for w in words:
            if w not in self._cache:
                self._cache[w] = self._tok.tokenize(w)
            out.extend(self._cache[w])
        return out


def _rouge12(tokens: list[str], refs: list[tuple[Counter, Counter]]) -> float:
    uni, bi = Counter(tokens), Counter(zip(tokens, tokens[1:]))
    return sum(ngram_f1(uni, ru) + ngram_f1(bi, rb) for ru, rb in refs) / len(refs)


def ngram_f1(candidate: Counter, reference: Counter) -> float:
    """ROUGE-N F1 from n-gram counts (clipped overlap), as rouge-score computes it."""
    overlap = sum((candidate & reference).values())
    if not overlap:
        return 0.0
    p, r = overlap / sum(candidate.values()), overlap / sum(reference.values())
    return 2 * p * r / (p + r)


# -- the harness-facing object -------------------------------------------------------------------------------


class Baseline:
    """A named baseline; :meth:`summarize` maps a benchmark cluster to a cited extractive :class:`Summary`."""

    def __init__(self, name: str, max_words: int = 250, seed: int = 0, language: str = "english",
                 mmr_diversity: float = 0.3, segmenter: Segment | None = None) -> None:
        if name not in BASELINES:
            raise ValueError(f"unknown baseline {name!r}; choose one of {', '.join(BASELINES)}")
        if not isinstance(max_words, int) or max_words < 1:
            raise ValueError(f"max_words must be a positive integer, got {max_words!r}")
        if not 0.0 <= mmr_diversity <= 1.0:
            raise ValueError(f"mmr_diversity must be in [0, 1], got {mmr_diversity!r}")
        self.name, self.max_words, self.seed, self.language = name, max_words, seed, language
        self.mmr_diversity = mmr_diversity
        self._segment = segmenter

    def summarize(self, cluster) -> Summary:  # noqa: ANN001 - mdsum.evaluation.loaders.Cluster
        sentences = [s for d in cluster.documents for s in self._segmenter()(d)]
        order = self._order(sentences, cluster)
        return extract(cluster.id, cluster.documents, sentences, order, self.max_words)

    def _order(self, sentences: list[Sentence], cluster) -> list[int]:  # noqa: ANN001
        if self.name == "lead":
            return lead_order(sentences)
        if self.name == "random":
            return random_order(sentences, self.seed, cluster.id)
        if self.name == "mmr":
            return mmr_order(sentences, self.max_words, self.mmr_diversity)
        if self.name == "oracle":
            return oracle_order(sentences, cluster.references, self.max_words)
        return sumy_order(sentences, self.name, self.language)

    def _segmenter(self) -> Segment:
        if self._segment is None:
            from mdsum.segment import PysbdSegmenter

            self._segment = PysbdSegmenter().segment
        return self._segment
