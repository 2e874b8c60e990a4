"""Does a sentence say what its cited articles say? A support checker that runs on a CPU.

`check_support(sentence, articles)` finds the article sentences closest to `sentence` and
returns a `SupportResult`:

    supported      a fitted model, reading the features below, puts the probability that the
                   articles support the sentence at or above its threshold;
    contradicted   not supported, the best evidence is on the sentence's topic (MiniLM cosine
                   at least SAME_TOPIC), and it holds a value the sentence changes: a number
                   or a month/weekday of the sentence is absent while the evidence sentences
                   carry one of that kind, a name is absent while the best evidence names
                   something the sentence does not (a name swapped for another), the sentence
                   uses the opposite of an evidence word ("rose" where the evidence says
                   "fell", from a short list), or the sentence and its evidence disagree on
                   negation ("was not arrested" against "was arrested");
    not_found      neither: the articles do not say it, as far as the checker can tell.

A sentence found word for word in an article (quotation marks, letter case and whitespace
aside: `verbatim_span`) is supported with score 1.0 before any model is consulted: an extract
is the strongest support there is, and the briefs are built from extracts.

`score` is that probability; `evidence` holds the sentences the verdict rests on, each with its
article, character offsets into the article's text and the text itself, so a citation can be
cut back out of the article it names; `conflicts` says in words which values disagree.

How. Sentences and words come from spaCy's packaged English pipeline (`analysis.nlp`).
Candidate evidence is ranked by the MiniLM cosine of the sentence against every article
sentence and every window of two adjacent ones, plus the share of its content words each
holds. Then the claim's content words are aligned to the articles (lemma or surface form;
otherwise the closest evidence word by MiniLM word vectors), and the alignment becomes a dozen
numbers: coverage, unmatched words by kind (number, name, noun, verb, adjective), how weak the
best match of an unmatched word is, numbers (number words, "$5bn", percentages) and months
absent from the articles, negation, modal and quantifier mismatches, swapped opposites,
novel word pairs. A logistic regression over them, fitted by bench/fit_support.py and stored
as support_model.json beside this module, is applied here with numpy. Its weights are held to
the sign each feature should have (an unmatched name can only count against support), so the
checker cannot learn a benchmark's quirks the other way round.

Why by hand: no natural-language-inference model ships on PyPI with its weights, and the
benchmark edits (one word, one number, one name) are what token alignment sees and sentence
similarity does not. A user with a real NLI cross-encoder passes it as `nli` (see
`analysis.nli`); its entailment and contradiction probabilities then decide the verdict, and
the features still choose the evidence.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from newsweave.analysis.nlp import minilm, parse, sentences_of
from newsweave.analysis.words import (
    DATE_WORDS,
    MODALS,
    NEGATIONS,
    OPPOSITES,
    QUANTIFIERS,
    Word,
    content_pairs,
    numbers_in,
    words_in,
)
from newsweave.model import Article

if TYPE_CHECKING:
    from newsweave.analysis.nli import NliModel

__all__ = [
    "FEATURES",
    "ClaimAnalysis",
    "EvidenceSpan",
    "SupportModel",
    "SupportResult",
    "Verdict",
    "analyse_claim",
    "check_support",
    "load_support_model",
    "verbatim_pattern",
    "verbatim_span",
]

Verdict = Literal["supported", "contradicted", "not_found"]
MODEL_PATH = Path(__file__).with_name("support_model.json")

FEATURES = (
    "similarity",  # best MiniLM cosine of the claim to one sentence or two adjacent ones
    "evidence_coverage",  # share of claim content words found in the evidence sentences
    "article_coverage",  # ... found anywhere in the articles
    "unmatched_numbers",  # claim number values the articles never state
    "unmatched_names",  # claim name words (entities, proper nouns) absent from the articles
    "unmatched_nouns",
    "unmatched_verbs",
    "unmatched_adjectives",  # adjectives and adverbs
    "weakest_match",  # lowest best word-vector cosine of an unmatched word to the evidence
    "weak_words",  # unmatched words whose best cosine to the evidence is under WEAK
    "unmatched_dates",  # months and weekdays absent from the articles
    "negation_mismatch",  # the claim negates and its evidence does not, or the other way
    "modal_mismatch",  # may/will/could ... in the claim and not in the evidence
    "quantifier_mismatch",  # all/some/only/more than/less than ... likewise
    "antonym_swaps",  # claim words whose opposite (a short list) is in the evidence instead
    "novel_pairs",  # share of the claim's adjacent content-word pairs absent from the articles
)

EVIDENCE_SENTENCES = 3  # sentences the features read as the claim's evidence
WEAK = 0.6  # word-vector cosine under which an unmatched word counts as unexplained
SAME_TOPIC = 0.5  # MiniLM cosine from which the best evidence is about what the claim is about


@dataclass(frozen=True)
class EvidenceSpan:
    """One evidence sentence (or two adjacent ones): `text == article_text[start:end]`."""

    article: int  # position of the article in the sequence given to check_support
    article_id: str | None  # the Article's id; None when a plain text was given
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SupportResult:
    verdict: Verdict
    score: float  # probability-like: how likely the articles support the sentence
    evidence: tuple[EvidenceSpan, ...]
    conflicts: tuple[str, ...] = ()  # the values that disagree, in words


@dataclass(frozen=True)
class ClaimAnalysis:
    """What the checker read off a claim and its articles, before any model is applied."""

    features: dict[str, float]  # one value per name in FEATURES
    evidence: tuple[EvidenceSpan, ...]  # best first
    conflicts: tuple[str, ...]


@dataclass(frozen=True)
class SupportModel:
    """A logistic regression over FEATURES, standardised: p = σ(w · (x - mean) / scale + b)."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        x = np.array([features[name] for name in self.features])
        z = float(self.weights @ ((x - self.mean) / self.scale)) + self.bias
        return 1.0 / (1.0 + math.exp(-z))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "bias": self.bias,
            "threshold": self.threshold,
        }


@lru_cache(maxsize=1)
def load_support_model(path: Path = MODEL_PATH) -> SupportModel:
    """The fitted model stored beside this module (or at `path`)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path} was fitted on other features; rerun bench/fit_support.py")
    return SupportModel(
        features=FEATURES,
        mean=np.array(data["mean"]),
        scale=np.array(data["scale"]),
        weights=np.array(data["weights"]),
        bias=float(data["bias"]),
        threshold=float(data["threshold"]),
    )


def check_support(
    sentence: str,
    articles: Sequence[Article | str],
    *,
    nli: NliModel | None = None,
    model: SupportModel | None = None,
    strict: bool = False,
) -> SupportResult:
    """Whether `articles` (Articles or plain texts) support `sentence`; see the module doc.
    `strict` (what brief verification asks): besides, no content word of the sentence may be
    unexplained by the articles (`weak_words` is 0), so a sentence cannot add what they lack."""
    for position, article in enumerate(articles):
        text = _text_of(article)
        found = verbatim_span(sentence, text)
        if found is not None:
            article_id = article.article_id if isinstance(article, Article) else None
            span = EvidenceSpan(position, article_id, *found, text[found[0] : found[1]])
            return SupportResult("supported", 1.0, (span,))
    analysis = analyse_claim(sentence, articles)
    if nli is not None:
        return _decide_by_nli(sentence, analysis, nli)
    model = model or load_support_model()
    score = model.probability(analysis.features)
    if score >= model.threshold and not (strict and analysis.features["weak_words"] > 0):
        verdict: Verdict = "supported"
    else:
        verdict = "contradicted" if analysis.conflicts else "not_found"
    return SupportResult(verdict, score, analysis.evidence, analysis.conflicts)


_QUOTE_MARKS = "\"'“”‘’„«»"


def verbatim_span(words: str, text: str) -> tuple[int, int] | None:
    """Where `words` appear in `text` word for word, as (start, end), or None. Quotation marks
    of any kind are one mark, letter case and runs of whitespace do not count, and the words'
    own opening and closing marks and final full stop may be absent from `text`."""
    pattern = verbatim_pattern(words.strip().strip(_QUOTE_MARKS).rstrip(".").strip(_QUOTE_MARKS))
    found = re.search(pattern, text, flags=re.IGNORECASE) if pattern else None
    return found.span() if found else None


def verbatim_pattern(words: str) -> str:
    """A regular expression for `words` as `verbatim_span` matches them (use it with
    re.IGNORECASE); empty for no words."""
    marks = f"[{re.escape(_QUOTE_MARKS)}]"
    return r"\s+".join(
        "".join(marks if char in _QUOTE_MARKS else re.escape(char) for char in token)
        for token in words.split()
    )


def analyse_claim(sentence: str, articles: Sequence[Article | str]) -> ClaimAnalysis:
    """The features, evidence and conflicts of `sentence` against `articles`."""
    if isinstance(articles, (str, Article)):
        raise TypeError("check_support takes a sequence of articles; wrap a single one in a list")
    indexes = [_index(_text_of(article)) for article in articles]
    claim = _claim_of(sentence)
    ranked = _rank_evidence(claim, indexes)
    top = ranked[:EVIDENCE_SENTENCES]
    evidence_words = [word for _, item, _ in top for word in item.words]
    article_words = {key for index in indexes for key in index.vocabulary}
    article_numbers = {value for index in indexes for value in index.numbers}
    article_pairs = {pair for index in indexes for pair in index.pairs}
    content = [word for word in claim.words if word.is_content]
    unmatched = [word for word in content if not (word.keys & article_words)]
    # negation disagrees when no evidence passage negates as the claim does: a "not" in the
    # sentence beside the one a claim copies is about something else
    negates = _has(claim.words, NEGATIONS)
    agreeing = any(_has(item.words, NEGATIONS) == negates for _, item, _ in top)
    features = {
        "similarity": max((similarity for similarity, _, _ in ranked), default=0.0),
        "evidence_coverage": _coverage(content, {k for w in evidence_words for k in w.keys}),
        "article_coverage": _coverage(content, article_words),
        "unmatched_numbers": float(len(claim.numbers - article_numbers)),
        "unmatched_names": _count(unmatched, "name"),
        "unmatched_nouns": _count(unmatched, "noun"),
        "unmatched_verbs": _count(unmatched, "verb"),
        "unmatched_adjectives": _count(unmatched, "adjective"),
        **_soft_match(unmatched, top),
        "unmatched_dates": float(sum(w.lemma in DATE_WORDS for w in unmatched)),
        "negation_mismatch": float(bool(top) and not agreeing),
        "modal_mismatch": _missing(claim.words, evidence_words, MODALS),
        "quantifier_mismatch": _missing(claim.words, evidence_words, QUANTIFIERS),
        "antonym_swaps": float(len(_swaps(claim.words, evidence_words))),
        "novel_pairs": 1.0 - _coverage(claim.pairs, article_pairs),
    }
    evidence = tuple(
        _span(articles, article, index, item) for _, item, (article, index) in top if item.words
    )
    best = top[0][1].words if top else ()
    conflicts = _conflicts(claim, unmatched, evidence_words, best, article_numbers, features)
    return ClaimAnalysis(features, evidence, conflicts)


# --- words ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Passage:
    """A sentence, or two adjacent ones, of an article."""

    start: int
    end: int
    words: tuple[Word, ...]


@dataclass(frozen=True)
class _Index:
    """What the checker needs of one article text, computed once per text."""

    text: str
    passages: tuple[_Passage, ...]  # sentences, then windows of two adjacent sentences
    vectors: np.ndarray  # MiniLM vector per passage
    vocabulary: frozenset[str]  # every word's text and lemma
    numbers: frozenset[float]
    pairs: frozenset[tuple[str, str]]  # adjacent content lemmas
    word_vectors: dict[str, np.ndarray]  # content word -> MiniLM vector


@dataclass(frozen=True)
class _Claim:
    words: tuple[Word, ...]
    numbers: frozenset[float]
    pairs: tuple[tuple[str, str], ...]
    vector: np.ndarray


@lru_cache(maxsize=64)
def _index(text: str) -> _Index:
    doc = next(parse([text]))
    sentences = sentences_of(doc)
    words = [words_in(doc, sentence.start, sentence.end) for sentence in sentences]
    passages = [_Passage(s.start, s.end, w) for s, w in zip(sentences, words, strict=True)]
    passages += [
        _Passage(first.start, second.end, words[i] + words[i + 1])
        for i, (first, second) in enumerate(pairwise(sentences))
    ]
    all_words = [word for sentence_words in words for word in sentence_words]
    content = sorted({word.text for word in all_words if word.is_content})
    embedder = minilm()
    vectors = embedder.embed([text[p.start : p.end] for p in passages]) if passages else None
    return _Index(
        text=text,
        passages=tuple(passages),
        vectors=vectors if vectors is not None else np.zeros((0, embedder.dimensions)),
        vocabulary=frozenset(key for word in all_words for key in word.keys),
        numbers=frozenset(numbers_in(doc)),
        pairs=frozenset(pair for w in words for pair in content_pairs(w)),
        word_vectors=dict(zip(content, embedder.embed(content), strict=True)) if content else {},
    )


@lru_cache(maxsize=512)
def _claim_of(sentence: str) -> _Claim:
    doc = next(parse([sentence]))
    words = words_in(doc, 0, len(sentence))
    vector = minilm().embed([sentence])[0]
    return _Claim(words, frozenset(numbers_in(doc)), tuple(content_pairs(words)), vector)


# --- evidence ---------------------------------------------------------------------------------


def _rank_evidence(
    claim: _Claim, indexes: Sequence[_Index]
) -> list[tuple[float, _Passage, tuple[int, _Index]]]:
    """Every passage of every article as (cosine, passage, (article, index)), best first.

    The order is by cosine plus the share of claim content words the passage holds, so a
    passage that repeats the claim's rare words outranks a merely similar one.
    """
    content = [word for word in claim.words if word.is_content]
    scored = []
    for article, index in enumerate(indexes):
        cosines = index.vectors @ claim.vector
        for passage, cosine in zip(index.passages, cosines, strict=True):
            keys = {key for word in passage.words for key in word.keys}
            rank = float(cosine) + _coverage(content, keys)
            scored.append((rank, float(cosine), passage, (article, index)))
    scored.sort(key=lambda item: -item[0])
    return [(cosine, passage, where) for _, cosine, passage, where in scored]


def _span(
    articles: Sequence[Article | str], article: int, index: _Index, passage: _Passage
) -> EvidenceSpan:
    given = articles[article]
    article_id = given.article_id if isinstance(given, Article) else None
    text = index.text[passage.start : passage.end]
    return EvidenceSpan(article, article_id, passage.start, passage.end, text)


def _text_of(article: Article | str) -> str:
    return article.text if isinstance(article, Article) else article


# --- features ---------------------------------------------------------------------------------


def _coverage(items: Sequence[Word] | Sequence[tuple[str, str]], found: set | frozenset) -> float:
    """Share of `items` in `found` (words by text or lemma); 1.0 when there are none."""
    if not items:
        return 1.0
    hits = sum(
        bool(item.keys & found) if isinstance(item, Word) else item in found for item in items
    )
    return hits / len(items)


def _count(words: Sequence[Word], kind: str) -> float:
    return float(sum(word.kind == kind for word in words))


def _has(words: Sequence[Word], vocabulary: frozenset[str]) -> bool:
    return any(word.lemma in vocabulary or word.text in vocabulary for word in words)


def _missing(claim: Sequence[Word], evidence: Sequence[Word], vocabulary: frozenset[str]) -> float:
    """How many words of `vocabulary` the claim uses and its evidence does not."""
    used = {word.lemma for word in claim if word.lemma in vocabulary}
    return float(len(used - {word.lemma for word in evidence}))


def _swaps(claim: Sequence[Word], evidence: Sequence[Word]) -> list[tuple[str, str]]:
    """(claim word, evidence word) where the claim has the opposite of what the evidence has."""
    found = {word.lemma for word in evidence}
    return [
        (word.text, other)
        for word in claim
        if word.lemma not in found
        for other in sorted(OPPOSITES.get(word.lemma, frozenset()) & found)[:1]
    ]


def _soft_match(
    unmatched: Sequence[Word], top: Sequence[tuple[float, _Passage, tuple[int, _Index]]]
) -> dict[str, float]:
    """How close each unmatched claim word comes to a word of the evidence, by MiniLM vectors."""
    candidates = [
        index.word_vectors[word.text]
        for _, passage, (_, index) in top
        for word in passage.words
        if word.is_content and word.text in index.word_vectors
    ]
    if not unmatched or not candidates:
        weak = float(len(unmatched))
        return {"weakest_match": 0.0 if unmatched else 1.0, "weak_words": weak}
    vectors = minilm().embed([word.text for word in unmatched])
    best = (vectors @ np.stack(candidates).T).max(axis=1)
    return {"weakest_match": float(best.min()), "weak_words": float((best < WEAK).sum())}


def _conflicts(
    claim: _Claim,
    unmatched: Sequence[Word],
    evidence: Sequence[Word],
    best: Sequence[Word],
    article_numbers: set[float],
    features: dict[str, float],
) -> tuple[str, ...]:
    """The values the claim changes against its evidence, in words (see the module doc)."""
    if features["similarity"] < SAME_TOPIC:
        return ()
    conflicts = []
    evidence_kinds = {word.kind for word in evidence}
    if claim.numbers - article_numbers and "number" in evidence_kinds:
        values = ", ".join(f"{value:,.10g}" for value in sorted(claim.numbers - article_numbers))
        conflicts.append(f"number {values} is not what the articles say")
    claim_keys = {key for word in claim.words for key in word.keys}
    names_left_out = sorted({w.text for w in best if w.kind == "name" and not w.keys & claim_keys})
    for word in unmatched:
        if word.lemma in DATE_WORDS:
            if any(w.lemma in DATE_WORDS for w in evidence):
                conflicts.append(f"{word.text} is not the date the articles give")
        elif word.kind == "name" and names_left_out:
            conflicts.append(f"{word.text} where the articles name {', '.join(names_left_out)}")
    for said, instead in _swaps(claim.words, evidence):
        conflicts.append(f"{said} where the articles say {instead}")
    if features["negation_mismatch"]:
        conflicts.append("the claim and its evidence disagree on negation")
    return tuple(conflicts)


def _decide_by_nli(sentence: str, analysis: ClaimAnalysis, nli: NliModel) -> SupportResult:
    """The verdict of a real NLI model over the evidence passages; the best one is the evidence."""
    if not analysis.evidence:
        return SupportResult("not_found", 0.0, (), analysis.conflicts)
    probabilities = nli.classify([(span.text, sentence) for span in analysis.evidence])
    best = int(probabilities[:, 0].argmax())
    entailment = float(probabilities[best, 0])
    contradiction = float(probabilities[:, 2].max())
    if entailment >= 0.5:
        return SupportResult("supported", entailment, (analysis.evidence[best],), ())
    if contradiction >= 0.5:
        worst = int(probabilities[:, 2].argmax())
        return SupportResult(
            "contradicted", entailment, (analysis.evidence[worst],), analysis.conflicts
        )
    return SupportResult("not_found", entailment, analysis.evidence, analysis.conflicts)
