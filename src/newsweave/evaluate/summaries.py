"""Briefs scored against human summaries: ROUGE, citation precision and recall, verbatim quotes.

`evaluate_summaries(path, settings)` reads a file in the summarization schema of the evaluation
README (one event a line: its articles and a human-written `reference`), builds the articles as
ingest would (`draft_from_record`, `build_article`; an article without a "source" is named
"Source 1", "Source 2"… so that each counts as an independent report), and writes each event's
verified brief with `briefs.stage.brief_from_articles`, its length set to the reference's word
count. What is measured, per the README's definitions:

- **ROUGE-1, -2, -L**: F1 of the `rouge-score` package, stemming on, of the brief's prose
  (`Brief.prose()`: no citation markers, no source list) cut to exactly the reference's number of
  whitespace-separated words, against the reference; the mean over events.
- **Citation precision**: of all citations [n] on brief sentences (the pull quote aside), the
  share whose article n alone supports the sentence: article n holds its quotations word for
  word, as verification requires, and the support checker says "supported" for the sentence's
  text, or article n prints the sentence with a pronoun, a title or a surname alone where the
  writer put a name the article prints (`verify.named_extract`, the writer's one edit inside a
  sentence, which verification accepts the same way).
- **Citation recall**: the share of brief sentences whose cited articles together support them.
- A sentence whose `check` is "quotes" (a note giving other outlets' renderings of a remark, all
  quotation) is judged by its quotations instead: a citation is right when its article holds one
  of them word for word, and the sentence is supported when each is in some cited article.
- **Quote verbatim rate**: of every quoted span in the brief's prose (words in quotation marks,
  as `verify.quoted_spans` finds them; the pull quote included), the share found word for word in an
  article its sentence cites (`support.verbatim_span`: quotation marks, case and whitespace
  aside); 1.0 when the briefs quote nothing.

Citation and quote figures pool their counts over all events; a figure with nothing to count is
1.0. The support checker is the project's own (`analysis.support.check_support`), with the NLI
model the caller passes, if any; its accuracy on the support file belongs beside these figures.
Speed (`briefs_per_second`) counts writing and verifying only, not building articles or scoring,
and is left out of `to_dict()`, which holds exactly the keys of `SCORE_KEYS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.analysis.nlp import split_sentences
from newsweave.analysis.support import check_support, verbatim_span
from newsweave.briefs.model import Brief, BriefSentence
from newsweave.briefs.stage import Writer, brief_from_articles
from newsweave.briefs.verify import named_extract, quoted_spans
from newsweave.errors import UnreadableInput
from newsweave.evaluate.defects import DEFECT_KINDS, Defects, defects_of
from newsweave.evaluate.end_to_end import brief_through_stories
from newsweave.evaluate.gold import jsonl_objects
from newsweave.ingest.files import draft_from_record
from newsweave.ingest.stage import build_article
from newsweave.model import Article, Source
from newsweave.settings import Settings

if TYPE_CHECKING:
    from rouge_score.rouge_scorer import RougeScorer

    from newsweave.analysis.nli import NliModel

__all__ = [
    "SCORE_KEYS",
    "CitationCounts",
    "SummaryCluster",
    "SummaryScores",
    "brief_lead",
    "count_citations",
    "evaluate_summaries",
    "lead_scores",
    "read_summary_clusters",
    "score_rouge",
]

SCORE_KEYS = (
    "rouge1",
    "rouge2",
    "rougeL",
    "lead_f1",
    "first_sentence_f1",
    "citation_precision",
    "citation_recall",
    "quote_verbatim_rate",
    *(f"{kind}_per_100" for kind in DEFECT_KINDS),
    "whole_events",
    "no_brief",
    "clusters",
)
SCHEMA = (
    'the summarization schema is one JSON object a line with "id", "articles" (a list of '
    'articles, each with its "text") and "reference" (a human-written summary)'
)


@dataclass(frozen=True)
class SummaryCluster:
    """One line of a summarization file: an event's articles and its reference summary."""

    cluster_id: str
    origin: str  # path:line
    articles: tuple[Article, ...]  # in the file's order
    reference: str
    records: tuple[dict[str, Any], ...] = ()  # the articles as the file gives them

    @property
    def reference_words(self) -> int:
        return len(self.reference.split())


@dataclass(frozen=True)
class SummaryScores:
    rouge1: float  # F1, 0-1, mean over events
    rouge2: float
    rougeL: float  # named as rouge-score names it
    lead_f1: float  # unigram F1 of the brief's lead against the reference's first sentence
    first_sentence_f1: float  # the same of the event's first article's first sentence
    citation_precision: float
    citation_recall: float
    quote_verbatim_rate: float
    defects: Defects
    whole_events: float  # through stories: share of events whose articles all end in one
    no_brief: int  # events with no brief (no article stored, or no analysis)
    clusters: int
    briefs_per_second: float  # writing and verifying (through stories: the whole path)

    def to_dict(self) -> dict[str, float | int]:
        """The scores under exactly the keys of SCORE_KEYS (what `--json` prints)."""
        per_100 = {f"{kind}_per_100": self.defects.per_100(kind) for kind in DEFECT_KINDS}
        return {key: per_100[key] if key in per_100 else getattr(self, key) for key in SCORE_KEYS}


@dataclass(frozen=True)
class CitationCounts:
    """What citation precision, recall and the quote verbatim rate count, for one brief or
    pooled over many (they add up)."""

    citations: int = 0
    citations_supporting: int = 0  # citations whose article alone supports their sentence
    sentences: int = 0
    sentences_supported: int = 0  # by their cited articles together
    quotes: int = 0
    quotes_verbatim: int = 0

    def __add__(self, other: CitationCounts) -> CitationCounts:
        return CitationCounts(
            *(getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__)
        )

    @property
    def precision(self) -> float:
        return _share(self.citations_supporting, self.citations)

    @property
    def recall(self) -> float:
        return _share(self.sentences_supported, self.sentences)

    @property
    def quote_verbatim_rate(self) -> float:
        return _share(self.quotes_verbatim, self.quotes)


def evaluate_summaries(
    path: Path,
    settings: Settings,
    *,
    writer: Writer | None = None,
    nli: NliModel | None = None,
    limit: int | None = None,
    through_stories: bool = False,
    on_brief: Callable[[SummaryCluster, Brief | None], None] | None = None,
) -> SummaryScores:
    """Write a brief for each event of a summarization file (the first `limit`, if given) and
    score it (see the module doc). `writer` drafts the briefs (the embedded writer unless given);
    with `through_stories`, each event's articles go through ingest, stories and analysis in a
    fresh store first (`end_to_end`). `on_brief` is called with each event and its brief (None
    when there is none), as scored."""
    clusters = read_summary_clusters(path, settings, limit=limit)
    rouge: list[tuple[float, float, float]] = []
    leads: list[tuple[float, float]] = []
    counts, defects = CitationCounts(), Defects()
    seconds, whole, missing = 0.0, 0, 0
    for cluster in clusters:
        start = time.perf_counter()
        if through_stories:
            run = brief_through_stories(
                cluster.records, cluster.reference_words, settings, writer=writer, nli=nli
            )
            brief, articles = run.brief, run.articles
            whole += run.held == len(cluster.articles)
        else:
            brief = brief_from_articles(
                cluster.articles, max_words=cluster.reference_words, writer=writer, nli=nli
            )
            articles = {a.article_id: a for a in cluster.articles}
        seconds += time.perf_counter() - start
        leads.append(lead_scores(cluster, brief))
        if on_brief:
            on_brief(cluster, brief)
        if brief is None:
            rouge.append((0.0, 0.0, 0.0))
            missing += 1
            continue
        rouge.append(score_rouge(brief.prose(), cluster.reference))
        counts += count_citations(brief, articles, nli=nli)
        defects += defects_of(brief, articles)
    r1, r2, rl = (sum(scores) / len(rouge) for scores in zip(*rouge, strict=True))
    lead, first = (sum(scores) / len(leads) for scores in zip(*leads, strict=True))
    return SummaryScores(
        rouge1=r1,
        rouge2=r2,
        rougeL=rl,
        lead_f1=lead,
        first_sentence_f1=first,
        citation_precision=counts.precision,
        citation_recall=counts.recall,
        quote_verbatim_rate=counts.quote_verbatim_rate,
        defects=defects,
        whole_events=whole / len(clusters) if through_stories else 1.0,
        no_brief=missing,
        clusters=len(clusters),
        briefs_per_second=len(clusters) / seconds if seconds else 0.0,
    )


def lead_scores(cluster: SummaryCluster, brief: Brief | None) -> tuple[float, float]:
    """Unigram F1 (ROUGE-1, stemming on, no cut) against the reference's first sentence of the
    brief's lead (0.0 when it has none) and of the first sentence of the event's first article
    in the file's order (the baseline)."""
    reference, first = (
        sentences[0].text if sentences else ""
        for sentences in split_sentences([cluster.reference, cluster.articles[0].text[:3000]])
    )
    lead = brief_lead(brief) or ""
    scorer = _rouge_scorer()
    return (
        scorer.score(reference, lead)["rouge1"].fmeasure,
        scorer.score(reference, first)["rouge1"].fmeasure,
    )


def brief_lead(brief: Brief | None) -> str | None:
    """The text of the brief's lead, if it has one."""
    if brief is None:
        return None
    return next((sentence.text for kind, sentence in brief.sentences() if kind == "lead"), None)


def score_rouge(summary: str, reference: str) -> tuple[float, float, float]:
    """ROUGE-1, -2 and -L F1 (0-1, stemming on) of `summary`, cut to the reference's number of
    whitespace-separated words, against `reference`."""
    words = summary.split()[: len(reference.split())]
    scores = _rouge_scorer().score(reference, " ".join(words))
    return scores["rouge1"].fmeasure, scores["rouge2"].fmeasure, scores["rougeL"].fmeasure


@cache
def _rouge_scorer() -> RougeScorer:
    from rouge_score.rouge_scorer import RougeScorer  # imports nltk: only when scoring

    return RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)


def count_citations(
    brief: Brief, articles: Mapping[str, Article], *, nli: NliModel | None = None
) -> CitationCounts:
    """Citation and quotation counts of one brief; `articles` holds every article its source
    list names, by id."""

    def cited(numbers: Sequence[int]) -> list[Article]:
        return [articles[brief.source(n).article_id] for n in numbers]

    def holds(span: str, numbers: Sequence[int]) -> bool:
        return any(verbatim_span(span, article.text) is not None for article in cited(numbers))

    def supports(sentence: BriefSentence, numbers: Sequence[int]) -> bool:
        spans = quoted_spans(sentence.text)
        if not all(holds(span, numbers) for span in spans):
            return False
        if len(numbers) == 1 and named_extract(sentence.text, cited(numbers)[0].text):
            return True
        return check_support(sentence.text, cited(numbers), nli=nli).verdict == "supported"

    counts = CitationCounts()
    for _, sentence in brief.sentences():
        counts += _sentence_counts(sentence, supports, holds)
    if brief.pull_quote is not None:
        is_verbatim = holds(brief.pull_quote.text, brief.pull_quote.citations)
        counts += CitationCounts(quotes=1, quotes_verbatim=int(is_verbatim))
    return counts


def _sentence_counts(
    sentence: BriefSentence,
    supports: Callable[[BriefSentence, Sequence[int]], bool],
    holds: Callable[[str, Sequence[int]], bool],
) -> CitationCounts:
    numbers = sentence.citations
    prose_spans = quoted_spans(sentence.prose)
    if sentence.check == "quotes":
        spans = quoted_spans(sentence.text)
        right = sum(any(holds(span, (n,)) for span in spans) for n in numbers)
        whole = bool(spans) and all(holds(span, numbers) for span in spans)
    else:
        alone = [supports(sentence, (n,)) for n in numbers]
        right = sum(alone)
        whole = alone[0] if len(numbers) == 1 else bool(numbers) and supports(sentence, numbers)
    return CitationCounts(
        citations=len(numbers),
        citations_supporting=right,
        sentences=1,
        sentences_supported=int(whole),
        quotes=len(prose_spans),
        quotes_verbatim=sum(holds(span, numbers) for span in prose_spans),
    )


def read_summary_clusters(
    path: Path, settings: Settings, *, limit: int | None = None
) -> list[SummaryCluster]:
    """The events of a summarization file (the first `limit`, if given), their articles built
    as ingest builds them; a bad line or article is an `UnreadableInput` naming it."""
    lines = islice(jsonl_objects(path, SCHEMA), limit)
    return [_cluster(data, origin, settings) for origin, data in lines]


def _cluster(data: dict[str, Any], origin: str, settings: Settings) -> SummaryCluster:
    items = data.get("articles")
    if not isinstance(items, list) or not items:
        raise UnreadableInput(origin, f"line has no 'articles' list; {SCHEMA}")
    reference = data.get("reference")
    if not isinstance(reference, str) or not reference.strip():
        raise UnreadableInput(origin, f"line has no 'reference' text; {SCHEMA}")
    articles = tuple(
        _article(item, f"{origin} article {number}", number, settings)
        for number, item in enumerate(items, start=1)
    )
    return SummaryCluster(str(data.get("id") or origin), origin, articles, reference, tuple(items))


def _article(item: Any, origin: str, number: int, settings: Settings) -> Article:
    draft = draft_from_record(item, origin)
    name = draft.source_name or f"Source {number}"
    return build_article(draft, Source(name=name, domain=draft.domain), settings)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 1.0
