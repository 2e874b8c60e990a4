"""Text features for event clustering: terms, lead, proper nouns, numbers, incremental TF-IDF.

`term_counts` counts an article's terms with one regex pass over its text and one over its
lead; `Lexicon` turns the counts into sublinear weights, keeps growing document frequencies in
numpy arrays (started from `news_term_share`, general English news as wordfreq counts it) and
scores one article against many earlier ones at once, always under the current frequencies.
Proper nouns come from capitalisation (no NER model is required), which is crude but cheap and
language-model free.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from newsweave.rulebook import rule_in

# The stories stage's word lists (rulebook schema, with their examples): the calendar's words
# and a compact English stop list.
RULES = Path(__file__).with_name("rules")
STOP_WORDS = rule_in(RULES, "stop-words").words

# Words in a news article of the length the clusterer counts (its first 5,000 characters).
_ARTICLE_WORDS = 400


def news_term_share(term: str) -> float:
    """The share of general news articles that hold `term` (a `term_counts` key), from
    wordfreq's English word frequencies: a word of frequency f shows up in an article of
    `_ARTICLE_WORDS` words with probability 1 - exp(-f * words). Names ("@putin") and numbers
    ("#2019") are looked up as the word itself; a word wordfreq has never seen counts as one
    in a hundred million."""
    word = term[1:] if term[:1] in "@#" else term
    frequency = _english_frequencies().get(word)
    if frequency is None and any(char.isdigit() for char in word):
        from wordfreq import word_frequency  # estimates numbers from their digits

        frequency = word_frequency(word, "en")
    return 1.0 - math.exp(-(frequency or 1e-8) * _ARTICLE_WORDS)


@functools.cache
def _english_frequencies() -> dict[str, float]:
    """wordfreq's English list as one dict: a lookup per new term, instead of a call that
    tokenizes the term again (about 25 µs, seconds over a large store's vocabulary)."""
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en")


_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)+|\w\w+")  # numbers keep "1,500" and "7.1" whole
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+|\n+")


def split_lead(title: str | None, text: str, sentences: int = 2) -> str:
    """The title (when there is one) and the first `sentences` sentences of the text."""
    parts = [p for p in _SENTENCE_END_RE.split(text.strip(), maxsplit=sentences) if p.strip()]
    lead = " ".join(parts[:sentences])
    return f"{title.strip()}\n{lead}" if title and title.strip() else lead


def _add_tokens(text: str, counts: dict[str, float], weight: float, name_weight: float) -> None:
    """Count the words of `text`; distinct names ("@…") and numbers ("#…") count once extra."""
    tokens = Counter(_TOKEN_RE.findall(text))
    if not tokens:
        return
    lowered = "\n".join(tokens).lower().split("\n")  # one C call instead of one per token
    for (token, n), word in zip(tokens.items(), lowered, strict=True):
        if word in STOP_WORDS:
            continue
        if token[0].isdigit():
            word = word.replace(",", "")
            if len(word) > 2 or (len(word) == 2 and word.isdigit()):
                counts["#" + word] = counts.get("#" + word, 0.0) + name_weight
        elif token[0].isupper():
            counts["@" + word] = counts.get("@" + word, 0.0) + name_weight
        counts[word] = counts.get(word, 0.0) + weight * n


def term_counts(
    title: str | None,
    text: str,
    lead_sentences: int = 2,
    lead_boost: float = 1.0,
    name_boost: float = 1.0,
) -> dict[str, float]:
    """Term counts of title + text, with lead terms and proper nouns counted extra.

    Names and numbers also enter as their own marked terms ("@name", "#number"), so a shared
    rare name weighs by its own document frequency; the lead's names count once more.
    """
    counts: dict[str, float] = {}
    _add_tokens(f"{title}\n{text}" if title else text, counts, 1.0, name_boost)
    _add_tokens(split_lead(title, text, lead_sentences), counts, lead_boost, name_boost)
    return counts


class Lexicon:
    """Growing vocabulary and document frequencies; TF-IDF cosines of one document to many.

    Documents are numbered in the order they are added. Idf is smooth, as scikit-learn's:
    log((1 + n) / (1 + df)) + 1, always at the current n. A document's unit-length weights are
    worked out once while the frequencies stand still (adding a document starts afresh), since
    the clusterer scores each article against about twenty others, and each of those against
    twenty more.

    With a `prior` (term -> share of news articles that hold it) the counts start from
    `prior_docs` pseudo-articles of general news: n and every df are counted as if those had
    been added first. A store of three articles then still knows that "rejected" and "Putin"
    are rare and "said" is common, instead of weighing whatever its three articles share as
    the commonest of words; as the store grows, its own counts take over.
    """

    def __init__(
        self, prior: Callable[[str], float] | None = None, prior_docs: float = 0.0
    ) -> None:
        self.vocab: dict[str, int] = {}
        self.df = np.zeros(1024, dtype=np.float64)
        self.prior_df = np.zeros(1024, dtype=np.float64)  # pseudo-articles holding each term
        self._prior = prior
        self._prior_docs = prior_docs if prior else 0.0
        self._docs: list[tuple[np.ndarray, np.ndarray]] = []  # term ids and sublinear tf
        self._unit: dict[int, np.ndarray] = {}  # document -> weights under the current df
        self._dense = np.zeros(1024, dtype=np.float64)  # scratch: the query's weights by term

    @classmethod
    def from_docs(
        cls,
        vocab: Sequence[str],
        df: np.ndarray,
        docs: Sequence[tuple[np.ndarray, np.ndarray]],
        prior: Callable[[str], float] | None = None,
        prior_docs: float = 0.0,
    ) -> Lexicon:
        """A lexicon as saved: its terms in id order, frequencies and documents (`docs`)."""
        lexicon = cls(prior, prior_docs)
        lexicon.vocab = {term: number for number, term in enumerate(vocab)}
        lexicon.df = np.array(df, dtype=np.float64)
        lexicon.prior_df = np.zeros(len(lexicon.df), dtype=np.float64)
        lexicon._add_prior(list(vocab), 0)
        lexicon._docs = list(docs)
        lexicon._dense = np.zeros(len(lexicon.df), dtype=np.float64)
        return lexicon

    def docs(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each document's term ids and sublinear term frequencies, in the order added."""
        return list(self._docs)

    def add(self, counts: dict[str, float]) -> int:
        """Count a new document (term -> count, as `term_counts` gives); returns its number.

        Its weights are sublinear, 1 + log(count); a term counted less than once is left out.
        """
        vocab = self.vocab
        known = len(vocab)
        ids = np.array([vocab.setdefault(t, len(vocab)) for t in counts], dtype=np.int64)
        fresh = [t for t, i in zip(counts, ids.tolist(), strict=True) if i >= known]
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        kept = tf >= 1.0
        ids, tf = ids[kept], 1.0 + np.log(tf[kept])
        if len(self.vocab) > len(self.df):
            size = 2 * len(self.vocab)
            self.df = np.concatenate([self.df, np.zeros(size - len(self.df))])
            self.prior_df = np.concatenate([self.prior_df, np.zeros(size - len(self.prior_df))])
            self._dense = np.zeros(size, dtype=np.float64)
        self._add_prior(fresh, known)
        self.df[ids] += 1.0
        self._docs.append((ids, tf))
        self._unit.clear()
        return len(self._docs) - 1

    def _add_prior(self, terms: list[str], first_id: int) -> None:
        """The pseudo-articles' counts of new terms, numbered from `first_id`."""
        if self._prior and terms:
            shares = np.fromiter(
                (self._prior(t) for t in terms), dtype=np.float64, count=len(terms)
            )
            self.prior_df[first_id : first_id + len(terms)] = self._prior_docs * shares

    def cosines(self, doc: int, others: Sequence[int]) -> np.ndarray:
        """TF-IDF cosine of document `doc` with each of `others`."""
        out = np.zeros(len(others))
        q_ids = self._docs[doc][0]
        sizes = np.fromiter((len(self._docs[o][0]) for o in others), dtype=np.int64)
        if not len(q_ids) or not sizes.sum():
            return out
        self._dense[q_ids] = self._unit_weights(doc)
        ids = np.concatenate([self._docs[o][0] for o in others])
        weights = np.concatenate([self._unit_weights(o) for o in others])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        full = sizes > 0
        out[full] = np.add.reduceat(self._dense[ids] * weights, starts[full])
        self._dense[q_ids] = 0.0
        return out

    def _unit_weights(self, doc: int) -> np.ndarray:
        weights = self._unit.get(doc)
        if weights is None:
            ids, tf = self._docs[doc]
            n = len(self._docs) + self._prior_docs
            df = self.df[ids] + self.prior_df[ids]
            weights = tf * (np.log((1.0 + n) / (1.0 + df)) + 1.0)
            weights /= np.linalg.norm(weights) or 1.0
            self._unit[doc] = weights
        return weights
