"""What an editor would strike from a brief, counted: the defects `eval summarize` reports.

Six kinds, each a stated test (none of them is the writer's own choice of sentences, except
the last three, whose tests the writer also avoids: see below):

- **non-news**: a brief sentence or pull quote that the page-furniture detector
  (`ingest.furniture`) calls a caption, a credit, a player or share label, a prompt, a
  byline...: judged in its paragraph of the first cited article that prints it, else alone.
- **fact twice**: a pair of brief sentences (the pull quote among them; a note giving other
  outlets' renderings of a remark aside, since saying the remark again is its job) that say the
  same thing by one of two simple measures: their content words (`selection.content_words`)
  overlap by TWICE_OVERLAP or more of the shorter one's, with at least TWICE_MIN_WORDS shared;
  or their MiniLM cosine is TWICE_COSINE or more. It is a measure of repetition, not the
  writer's same-fact decision; a pair that states one fact in words sharing neither is missed.
- **long headline**: a headline over HEADLINE_WORDS words.
- **dangling lead**: the lead opens on a pronoun or a pointing noun ("The refusal ...") with
  nothing saying what it points to (`briefs.lead.dangling_reference`). The writer's lead choice
  avoids exactly this test, so a zero here shows the choice works, not that no lead dangles in
  a way the test cannot see: the reading by hand in BENCHMARKS.md is the check on that.
- **dangling description**: a sentence after the lead that opens on a definite description of
  an act or a happening ("The proposal came via ...") that the headline and the sentences
  before it in reading order do not name (`briefs.lead.unresolved_description`). The writer
  skips such a sentence by the same test, as it stood when the writer chose (it reads the
  sentences the reports tell before it, which the reading order mostly follows).
- **unattributed judgement**: a sentence after the lead that weighs the event (rule
  `why.judgement`: "marks a significant setback") in the brief's own voice: no frame
  naming whose view it is, no reporting verb (rule `analysis.attributed`). The assembly gives
  such a sentence its report's name, so a zero shows that step runs.

Counts add up over briefs; `per_100` gives each per 100 briefs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from itertools import combinations

from newsweave.analysis.nlp import minilm
from newsweave.briefs.lead import dangling_reference, unresolved_description
from newsweave.briefs.material import HEADLINE_WORDS
from newsweave.briefs.model import Brief
from newsweave.briefs.sections import weighs_unattributed
from newsweave.briefs.selection import content_words
from newsweave.ingest.furniture import furniture_at, furniture_kind
from newsweave.model import Article

__all__ = [
    "DEFECT_KINDS",
    "HEADLINE_WORDS",
    "TWICE_COSINE",
    "TWICE_MIN_WORDS",
    "TWICE_OVERLAP",
    "Defects",
    "defects_of",
    "same_fact_pairs",
]

TWICE_OVERLAP = 0.7
TWICE_MIN_WORDS = 4
TWICE_COSINE = 0.85
DEFECT_KINDS = (
    "non_news",
    "facts_twice",
    "long_headlines",
    "dangling_leads",
    "dangling_descriptions",
    "unattributed_judgements",
)


@dataclass(frozen=True)
class Defects:
    briefs: int = 0
    non_news: int = 0  # sentences
    facts_twice: int = 0  # pairs of sentences
    long_headlines: int = 0
    dangling_leads: int = 0
    dangling_descriptions: int = 0  # sentences
    unattributed_judgements: int = 0  # sentences

    def __add__(self, other: Defects) -> Defects:
        return Defects(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def per_100(self, kind: str) -> float:
        """Defects of `kind` per 100 briefs."""
        return 100 * getattr(self, kind) / self.briefs if self.briefs else 0.0


def defects_of(brief: Brief, articles: Mapping[str, Article]) -> Defects:
    """The defects of one brief; `articles` holds the articles its source list names, by id."""
    texts: list[tuple[str, tuple[int, ...]]] = [
        (sentence.text, sentence.citations) for _, sentence in brief.sentences()
    ]
    if brief.pull_quote is not None:
        texts.append((brief.pull_quote.text, brief.pull_quote.citations))
    non_news = sum(_is_furniture(text, numbers, brief, articles) for text, numbers in texts)
    lead = next((s for kind, s in brief.sentences() if kind == "lead"), None)
    return Defects(
        briefs=1,
        non_news=non_news,
        facts_twice=len(same_fact_pairs(brief)),
        long_headlines=int(len(brief.headline.split()) > HEADLINE_WORDS),
        dangling_leads=int(lead is not None and dangling_reference(lead.text) is not None),
        dangling_descriptions=_dangling_descriptions(brief),
        unattributed_judgements=sum(
            kind != "lead" and not sentence.frame and weighs_unattributed(sentence.text)
            for kind, sentence in brief.sentences()
        ),
    )


def _dangling_descriptions(brief: Brief) -> int:
    """Sentences after the lead opening on a description nothing before them names."""
    told, count = [brief.headline], 0
    for n, (_, sentence) in enumerate(brief.sentences()):
        if n and unresolved_description(sentence.text, " ".join(told)):
            count += 1
        told.append(sentence.text)
    return count


def _is_furniture(
    text: str, numbers: tuple[int, ...], brief: Brief, articles: Mapping[str, Article]
) -> bool:
    for number in numbers:
        article = articles.get(brief.source(number).article_id)
        at = article.text.find(text) if article is not None else -1
        if article is not None and at >= 0:
            return furniture_at(article.text, at, at + len(text)) is not None
    return furniture_kind(text) is not None


def same_fact_pairs(brief: Brief) -> list[tuple[str, str]]:
    """The pairs of the brief's sentences (pull quote included, notes aside) that say the same
    thing by the module doc's measure."""
    texts = [sentence.text for _, sentence in brief.sentences() if not sentence.note]
    if brief.pull_quote is not None:
        texts.append(brief.pull_quote.text)
    if len(texts) < 2:
        return []
    vectors = minilm().embed(texts)
    words = [content_words(text) for text in texts]
    pairs = []
    for i, j in combinations(range(len(texts)), 2):
        shared = len(words[i] & words[j])
        smaller = min(len(words[i]), len(words[j]))
        overlap = shared >= TWICE_MIN_WORDS and shared >= TWICE_OVERLAP * smaller
        if overlap or float(vectors[i] @ vectors[j]) >= TWICE_COSINE:
            pairs.append((texts[i], texts[j]))
    return pairs
