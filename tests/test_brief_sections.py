"""Every section of a brief earns its place, and a brief agrees with itself across versions.

Sections: "why it matters" holds what a report says the event weighs or brings, "analysis" the
judgement of those who read events, the pull quote a remark about the event that the body does
not already carry, by a speaker named or given a role; a section with no such material is left
out. Versions (the `pipeline` fixture: the sample run without the Harbour Herald's eleven-dead
report, then with it): the headline takes the toll every side agrees on, and the change note
says what was replaced, what was dropped and which figures changed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

import pytest
from click.testing import CliRunner

from conftest import body_brief, reports
from newsweave.analysis.disagreements import Disagreement, Side
from newsweave.briefs.assembly import headline_of
from newsweave.briefs.model import BriefSentence, Section, SourceEntry
from newsweave.briefs.render import render
from newsweave.briefs.sections import matches
from newsweave.briefs.stage import brief_from_articles, load_brief
from newsweave.cli import main
from newsweave.store import open_store
from newsweave.stories import list_events

TOLL = (Disagreement("count", "dead", (Side("9", ("a",), (), 2), Side("11", ("b",), (), 1))),)


@pytest.mark.parametrize(
    ("title", "headline"),
    [
        ("Nine dead in plant blaze", "At least nine dead in plant blaze"),
        ("Eleven dead as fire rips through works", "At least nine dead as fire rips through works"),
        ("Plant fire kills 9", "Plant fire kills at least 9"),
        ("At least nine killed in plant fire", "At least nine killed in plant fire"),
        ("Plant fire: first inquiry opens", "Plant fire: first inquiry opens"),  # no count
    ],
)
def test_a_headline_takes_the_count_every_side_agrees_on(title, headline):
    assert headline_of(title, TOLL) == headline


def test_an_undisputed_count_stays_as_the_title_gives_it():
    assert headline_of("Nine dead in plant blaze", ()) == "Nine dead in plant blaze"


def test_a_late_report_of_another_toll_changes_the_headline_and_says_so(pipeline):
    with open_store(pipeline.db) as store:
        first, latest = load_brief(store, pipeline.fire, 1), load_brief(store, pipeline.fire)
    assert first.headline == "Nine dead in Port Casimir chemical plant blaze"
    assert latest.headline == "At least nine dead in Port Casimir chemical plant blaze"
    assert latest.changes.previous_headline == first.headline


def test_the_change_note_says_what_was_replaced_dropped_and_which_figures_changed(pipeline):
    with open_store(pipeline.db) as store:
        first, latest = load_brief(store, pipeline.fire, 1), load_brief(store, pipeline.fire)
    changes = latest.changes
    (old_lead,) = [s.prose for kind, s in first.sentences() if kind == "lead"]
    new_lead = [s.prose for kind, s in latest.sentences() if kind == "lead"]
    assert new_lead != [old_lead] and changes.previous_lead == old_lead
    assert "the number of dead: 9 → 9 or 11" in changes.changed_figures
    before = {s.prose for _, s in first.sentences()}
    after = {s.prose for _, s in latest.sentences()}
    assert changes.removed and set(changes.removed) <= before - after
    markdown = CliRunner().invoke(main, ["brief", pipeline.fire, "--db", str(pipeline.db)]).output
    assert "changed figure: the number of dead: 9 → 9 or 11" in markdown
    assert "Previous headline: “Nine dead in Port Casimir chemical plant blaze”" in markdown
    assert f"Previous lead: “{old_lead}”" in markdown
    assert f"No longer in the brief ({len(changes.removed)}): “{changes.removed[0]}”" in markdown


def test_no_pull_quote_repeats_the_brief_or_names_a_clause_as_its_speaker(pipeline):
    with open_store(pipeline.db) as store:
        briefs = [load_brief(store, event.event_id) for event in list_events(store)]
    quoted = [brief for brief in briefs if brief.pull_quote is not None]
    assert quoted  # the sample's events have remarks about them
    for brief in quoted:
        quote = brief.pull_quote
        assert not matches("pull-quote.clause", quote.speaker), quote.speaker
        words = re.findall(r"\w+", quote.text.lower())
        for _, sentence in brief.sentences():  # not in whole, nor six words of it in a row
            said = re.findall(r"\w+", sentence.prose.lower())
            run = SequenceMatcher(None, words, said, autojunk=False).find_longest_match()
            assert run.size < 6, (quote.text, sentence.prose)


@pytest.mark.slow
def test_why_it_matters_is_what_the_event_brings_and_absent_without_it(tmp_path):
    plain = [
        (
            "Pitchside",
            "The Saltmere ferry terminal reopened on Monday after a week of repairs. "
            "Crews replaced the loading ramp and two mooring posts.",
        ),
        (
            "Quay Post",
            "Saltmere's ferry terminal opened again on Monday following repairs. "
            "The work took a week, the port authority said.",
        ),
    ]
    brief = brief_from_articles(reports(tmp_path, *plain))
    assert brief.section("why") is None and brief.section("analysis") is None
    stakes = (
        "Harbour Herald",
        "The Saltmere ferry terminal closed on Monday after a crane collapsed on the quay. "
        "A month without the terminal could cost the island's shops their fresh produce.",
    )
    brief = brief_from_articles(reports(tmp_path, plain[0], stakes))
    why = brief.section("why")
    assert why is not None
    assert [s.text for p in why.paragraphs for s in p] == [
        "A month without the terminal could cost the island's shops their fresh produce."
    ]


@pytest.mark.slow
def test_analysis_leaning_on_the_sentence_before_is_left_out(tmp_path):
    """ "The Korvanian leader also suggested ..." dangles alone in a section of its own, and a
    party's reaction is not the reading of those who judge events for a living."""
    articles = reports(
        tmp_path,
        (
            "Veldra Observer",
            "Rellik rejected a summit with Dravenko on Monday. "
            "Dravenko said the refusal showed that Korvania preferred war. "
            "The Teskarian leader also suggested that the refusal would signal reluctance to "
            "end the war.",
        ),
        (
            "Quay Post",
            "Korvania's president Rellik turned down a summit with Dravenko on Monday. "
            "The refusal is a sign that talks will stall, said Amira Castellan, an analyst "
            "at the Saltmere Institute.",
        ),
    )
    brief = brief_from_articles(articles)
    analysis = brief.section("analysis")
    assert analysis is not None
    assert [s.text for p in analysis.paragraphs for s in p] == [
        "The refusal is a sign that talks will stall, said Amira Castellan, an analyst at the "
        "Saltmere Institute."
    ]


@pytest.mark.slow
def test_one_happening_is_told_once_whatever_details_each_report_adds(tmp_path):
    told = (
        (
            "Pitchside",
            "Vilk Steel shareholders have rejected a new pay package for chief executive Ana "
            "Brisk at the company's annual meeting. The company's shares fell 3 per cent after "
            "the vote. Brisk did not attend the meeting.",
        ),
        (
            "Quay Post",
            "The steelmaker lost money last year, its accounts show. A majority of investors "
            "rejected the increase for Ana Brisk, one of the largest rebellions against a "
            "company's pay. The board said it would review the pay of its executives next year.",
        ),
    )
    brief = brief_from_articles(reports(tmp_path, *told))
    rejected = [s.text for _, s in brief.sentences() if "rejected" in s.text]
    assert len(rejected) == 1, rejected


def test_the_body_has_its_own_heading_only_after_why_it_matters() -> None:
    source = SourceEntry(1, "a1", "Saltmere Post", "Bridge closed", None, None)
    body = [BriefSentence("About 14,000 vehicles use the bridge each day.", (1,))]
    story = body_brief(body, [source])
    lead = Section("lead", ((BriefSentence("The Saltmere bridge closed on Monday.", (1,)),),))
    why = Section("why", ((BriefSentence("The shops near the river lose trade.", (1,)),),))
    plain = replace(story, sections=(lead, *story.sections))
    stakes = replace(story, sections=(lead, why, *story.sections))
    for fmt, mark in (("md", "## The details"), ("html", ">The details</h2>")):
        assert mark not in render(plain, fmt)  # the lead and the body read on as one story
        shown = render(stakes, fmt)
        assert shown.index("Why it matters") < shown.index(mark) < shown.index("14,000")
