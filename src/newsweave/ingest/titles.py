"""Titles: whether a text file's first line is a headline, and the headline of an article that
came without one.

A headline is short and is not a sentence: a first line of more words than `TITLE_WORDS`, or
one that ends as a sentence does, is the first paragraph (`reads_as_title`). An article with no
title is named by the headline its text opens with, when its first line reads as one (a title
by `reads_as_title` that the furniture detector calls a heading, of at least
`MIN_HEADLINE_WORDS` words: "Tearful radio hosts say sorry to nurse's family in UK" standing
above the report), else by its first sentence of news (`derive_title`): page furniture before
the report (a caption, a video player's label, "Story highlights", a kicker or a name standing
alone, a timestamp: `ingest.furniture`) is passed over, a wire dateline opening the sentence
("NEW YORK (Reuters) - ", "MONTREAL—") is dropped, and the headline is cut at the last clause
or phrase boundary that keeps it within `HEADLINE_WORDS`. The brief's headline is its event's
title, so a title made of furniture would head a brief ("Image caption The minister leaves
..."); an article with no sentence of news gets no title ("") rather than a title of
furniture, and its event is titled after another of its reports.

Hand-written: the sentence ends are found the way a headline needs (an abbreviation or an
initial ends nothing), on cleaned text before the analysis parses it; the parser belongs to a
later stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from newsweave.ingest.clean import RULES, has_citation_marks, strip_citation_marks
from newsweave.ingest.furniture import furniture_kind, without_dateline
from newsweave.rulebook import rule_in

__all__ = ["HEADLINE_WORDS", "TITLE_WORDS", "derive_title", "reads_as_title"]

TITLE_WORDS = 20
HEADLINE_WORDS = 15
MIN_TITLE_WORDS = 3  # a shorter sentence of news ("He did not testify.") names nothing
MIN_HEADLINE_WORDS = 5  # a shorter line alone is a kicker or a name ("Vegas Strip shooting")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?(?:\s+(?=[\"“‘']?[A-Z0-9])|$)")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z][a-z]{0,3}|[A-Z](?:\.[A-Z])+|No|Nos)$")
_HEADLINE_START = re.compile(r"[\"“‘']?\w")  # not a list's bullet ("* Top investigator …")
# a punctuation mark, or before a word that opens a phrase (rule titles.headline-cut)
_CUT_WORDS = "|".join(
    sorted(rule_in(RULES, "titles.headline-cut").words, key=lambda w: (-len(w), w))
)
_HEADLINE_CUT = re.compile(rf"\s*[,;:—–]\s+|\s+(?=(?:{_CUT_WORDS})\s)")


def reads_as_title(line: str) -> bool:
    """Whether a text file's first line is a headline rather than its first paragraph."""
    words = line.split()
    bare = line.rstrip(" \"”’'")
    return (
        0 < len(words) <= TITLE_WORDS
        and not bare.endswith(".")
        and not has_citation_marks(line)
        and _first_sentence(line.strip()) == line.strip()
    )


def derive_title(text: str, most: int = HEADLINE_WORDS) -> str:
    """A headline for an article that came without one: the headline its text opens with, else
    its first sentence of news (not page furniture), without a dateline; no longer than about
    `most` words, cut where a clause or phrase ends ("… rejected a request for a direct
    meeting"), with an ellipsis where no such place is found; "" when the text holds no
    sentence of news. A listing's title keeps to HEADLINE_WORDS; a brief, which heads one event
    with it, asks for more (`briefs.material.headline_text`)."""
    text = strip_citation_marks(text)
    sentence = _opening_headline(text) or next(_news_sentences(text), "")
    words = sentence.split()
    if len(words) <= most:
        return sentence.removesuffix(".")
    cuts = [
        match.start()
        for match in _HEADLINE_CUT.finditer(sentence)
        if 6 <= len(sentence[: match.start()].split()) <= most
    ]
    if cuts:
        return sentence[: cuts[-1]].rstrip(" ,;:")
    return " ".join(words[:most]).rstrip(" ,;:") + "…"


def _opening_headline(text: str) -> str:
    """The text's first line when it is the article's headline standing above the report: it
    reads as a title and is long enough to say what happened. The detector calls such a line a
    heading (a line alone without a stop), which inside a report is a subheading to pass over;
    opening the text, it is the headline the page printed."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if (
        _HEADLINE_START.match(first)
        and len(first.split()) >= MIN_HEADLINE_WORDS
        and reads_as_title(first)
        and furniture_kind(first) == "heading"
    ):
        return first
    return ""


def _news_sentences(text: str) -> Iterator[str]:
    """The text's sentences that are news, paragraph by paragraph, datelines dropped. Not
    told where a line stands on the page (`furniture_kind`'s `before`): a headline opening the
    page, which the detector reads as furniture there, is what a title should be."""
    for paragraph in (line.strip() for line in text.splitlines()):
        for sentence in _sentences(paragraph):
            if furniture_kind(sentence, paragraph=paragraph) is not None:
                continue
            news = without_dateline(sentence)
            if len(news.split()) >= MIN_TITLE_WORDS:
                yield news


def _sentences(paragraph: str) -> Iterator[str]:
    while paragraph:
        sentence = _first_sentence(paragraph)
        yield sentence
        paragraph = paragraph[len(sentence) :].strip() if sentence else ""


def _first_sentence(text: str) -> str:
    """The text up to its first sentence end; a full stop after an abbreviation or an initial
    ("St. Petersburg", "Gov.", "U.S.") ends nothing."""
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith(".") and _ABBREVIATION.search(text[: match.start()]):
            continue
        return text[: match.end()].strip()
    return text.strip()
