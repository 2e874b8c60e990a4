"""A brief's headline when its reports came without one: the report's first sentence whole,
not the shorter title a listing keeps (`briefs.material.headline_text`)."""

from __future__ import annotations

import pytest

from conftest import reports
from newsweave.briefs.material import HEADLINE_WORDS
from newsweave.briefs.stage import brief_from_articles
from newsweave.ingest.titles import HEADLINE_WORDS as LISTING_WORDS

# 25 words: longer than a listing's title, within a brief's headline
OPENING = (
    "President Tomas Rellik of Korvania rejected a request from Veldra's prime minister Anna "
    "Vilk for an in-person meeting to discuss the harbour dispute in Saltmere."
)
# 32 words: longer than any headline
LONG_OPENING = (
    "President Tomas Rellik of Korvania rejected a request from Veldra's prime minister Anna "
    "Vilk for an in-person meeting in Saltmere on Thursday, after a week of talks between "
    "their ministers broke down."
)
REST = (
    " The request came in a letter delivered to the Korvanian embassy in Saltmere on Monday."
    " Rellik said the talks between the two governments would go on at a lower level."
)


@pytest.mark.slow
@pytest.mark.parametrize("opening", [OPENING, LONG_OPENING])
def test_a_headline_of_a_first_sentence_is_whole_or_cut_where_a_phrase_ends(tmp_path, opening):
    articles = reports(
        tmp_path, ("Brask Tribune", opening + REST), ("Saltmere Courier", opening + REST)
    )
    assert len(articles[0].title.split()) <= LISTING_WORDS  # the listing's title is cut short
    headline = brief_from_articles(articles).headline
    assert len(headline.split()) <= HEADLINE_WORDS
    if len(opening.split()) <= HEADLINE_WORDS:
        assert headline == opening.removesuffix(".")
    else:  # cut before a phrase the headline can do without, never inside one
        assert headline == "President Tomas Rellik of Korvania rejected a request from " + (
            "Veldra's prime minister Anna Vilk for an in-person meeting in Saltmere on Thursday"
        )
