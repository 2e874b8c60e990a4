"""Briefs of the sample corpus, against its gold: disagreements, the remark told three ways,
support for every sentence, and versions as a story grows.

Two fixtures:
- `gold_briefs`: one brief per gold event, written from exactly that event's articles (the
  writer's work, whatever the clusterer does);
- `pipeline` (from conftest.py): the sample corpus run through `newsweave run` without the
  Harbour Herald's eleven-dead report, then again with it, as a user's store would grow.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime

import pytest
from click.testing import CliRunner

from conftest import GOLD, planted_disagreements, reports
from newsweave.analysis.claims import copy_groups_of
from newsweave.analysis.facts import told_in
from newsweave.analysis.support import check_support, verbatim_span
from newsweave.briefs.model import (
    Brief,
    BriefSentence,
    Section,
    SourceEntry,
    from_document,
    to_document,
)
from newsweave.briefs.stage import brief_from_articles, changes, load_brief
from newsweave.briefs.verify import named_extract, quoted_spans
from newsweave.cli import main
from newsweave.model import Article
from newsweave.store import open_store
from newsweave.stories import list_events

pytestmark = pytest.mark.slow  # every test writes briefs, which parse with spaCy

ST1 = GOLD["statements"]["ST1"]


@dataclass(frozen=True)
class GoldBrief:
    brief: Brief
    articles: dict[str, Article]  # by id
    url_of: dict[str, str]  # article id -> URL
    group_of: dict[str, str]  # article id -> copy group


@pytest.fixture(scope="module")
def gold_briefs(sample_store) -> dict[str, GoldBrief]:
    by_event: dict[str, list[Article]] = defaultdict(list)
    for a in sample_store.articles:
        by_event[GOLD["articles"][a.canonical_url or a.url]["event"]].append(a)
    out = {}
    for event, members in by_event.items():
        out[event] = GoldBrief(
            brief=brief_from_articles(members, event_id=event),
            articles={a.article_id: a for a in members},
            url_of={a.article_id: a.canonical_url or a.url for a in members},
            group_of=copy_groups_of(members),
        )
    return out


@pytest.mark.parametrize(
    "planted", [p for p in planted_disagreements() if p.values[0]["kind"] in ("count", "date")]
)
def test_a_disputed_value_is_named_before_its_sides(gold_briefs, planted):
    """ "Sources differ on the number of dead: 9 or 11." comes before the sides' sentences, so
    an editor sees what is disputed before reading them."""
    section = gold_briefs[planted["event"]].brief.section("differences")
    days = {"2026-03-05": "Thursday, March 5, 2026", "2026-03-06": "Friday, March 6, 2026"}
    values = [days.get(side["value"], side["value"]) for side in planted["sides"]]
    openings = [paragraph[0].frame for paragraph in section.paragraphs]
    assert any(
        frame.startswith("Sources differ on ") and all(value in frame for value in values)
        for frame in openings
    ), openings


def test_a_yes_no_disagreement_is_left_to_its_sentences(gold_briefs):
    """Whether police confirmed a name: the two sentences say it ("have not confirmed",
    "confirmed"), with no opening of newsweave's words."""
    (planted,) = [p for p in GOLD["disagreements"] if p["event"] == "E05"]
    section = gold_briefs[planted["event"]].brief.section("differences")
    assert not any(p[0].frame.startswith("Sources differ") for p in section.paragraphs)


def test_a_single_rendering_is_noted_under_the_outlets_that_print_it(gold_briefs):
    """ "The Veldra Observer reports the same remark as “…”", not "Other outlets report ...
    (Veldra Observer)", and the verb agrees with how many outlets there are."""
    notes = [
        (gold.brief, sentence)
        for gold in gold_briefs.values()
        for _, sentence in gold.brief.sentences()
        if sentence.check == "quotes" and not sentence.frame.startswith("Other outlets")
    ]
    assert notes
    for brief, sentence in notes:
        outlets = list(dict.fromkeys(brief.source(n).outlet for n in sentence.citations))
        verb = "reports" if len(outlets) == 1 else "report"
        # every outlet is named (in the writer's order; verification may renumber the sources)
        assert all(outlet in sentence.frame for outlet in outlets), sentence.prose
        assert sentence.frame.startswith(tuple(outlets)), sentence.prose
        assert sentence.frame.endswith(f" {verb} the same remark as "), sentence.prose


def cited_groups(gold: GoldBrief, numbers) -> set[str]:
    return {gold.group_of[gold.brief.source(n).article_id] for n in numbers}


@pytest.mark.parametrize("planted", planted_disagreements())
def test_every_planted_disagreement_is_stated_with_both_sides_cited(gold_briefs, planted):
    gold = gold_briefs[planted["event"]]
    section = gold.brief.section("differences")
    assert section is not None, "no 'where sources differ' section"
    ids_of = {url: i for i, url in gold.url_of.items()}
    sides = [{gold.group_of[ids_of[url]] for url in side["articles"]} for side in planted["sides"]]
    assert any(
        all(any(cited_groups(gold, s.citations) & side for s in paragraph) for side in sides)
        for paragraph in section.paragraphs
    )


def test_every_sentence_is_supported_by_what_it_cites(gold_briefs):
    """Checked again from the outside: the cited articles together support each sentence (or it
    is one article's sentence with a pronoun named), and every quotation is word for word in
    one of them."""
    for event, gold in gold_briefs.items():
        for _, sentence in gold.brief.sentences():
            cited = [gold.articles[gold.brief.source(n).article_id] for n in sentence.citations]
            assert cited, f"{event}: uncited sentence {sentence.prose!r}"
            for span in quoted_spans(sentence.text):
                assert any(verbatim_span(span, a.text) for a in cited), (event, span)
            if sentence.check == "support":
                extract = len(cited) == 1 and named_extract(sentence.text, cited[0].text)
                result = check_support(sentence.text, cited)
                assert extract or result.verdict == "supported", (event, sentence.prose)
        quote = gold.brief.pull_quote
        if quote is not None:
            for n in quote.citations:
                text = gold.articles[gold.brief.source(n).article_id].text
                assert verbatim_span(quote.text, text), (event, quote.text)


def test_every_event_has_a_cited_lead_and_a_source_list(gold_briefs):
    for event, gold in gold_briefs.items():
        lead = gold.brief.section("lead")
        assert lead is not None and lead.paragraphs[0][0].citations, event
        listed = {entry.article_id for entry in gold.brief.sources}
        assert {gold.group_of[a] for a in listed} == set(gold.group_of.values()), event


def test_no_sentence_keeps_its_dateline(gold_briefs):
    """Wire datelines ("PORT CASIMIR —", "SALTMERE, March 5 (CPA) —") belong to the report,
    not to the brief's sentence."""
    dateline = re.compile(r"^[A-Z][A-Z .'-]+(?:,[^—–]{0,20})?[—–]")
    for gold in gold_briefs.values():
        for _, sentence in gold.brief.sentences():
            assert not dateline.match(sentence.text), sentence.text


def st1_quotes(brief: Brief) -> list[tuple[str, str]]:
    """(check, quoted words) for each rendering of the ST1 remark quoted in the brief."""
    variants = {v["text"].lower() for v in ST1["variants"]}
    return [
        (sentence.check, span)
        for _, sentence in brief.sentences()
        for span in quoted_spans(sentence.text)
        if span.strip(" ,.").lower() in variants
    ]


def test_the_remark_told_three_ways_is_quoted_once_with_its_variants_noted(gold_briefs):
    quoted = st1_quotes(gold_briefs[ST1["event"]].brief)
    stated = [span for check, span in quoted if check == "support"]
    noted = [span for check, span in quoted if check == "quotes"]
    assert len(stated) == 1, quoted  # once, not as three remarks
    assert noted and all(span.lower() != stated[0].lower() for span in noted)


def test_every_rendering_of_the_remark_is_noted(gold_briefs):
    brief = gold_briefs[ST1["event"]].brief
    prose = brief.prose().lower()
    assert all(variant["text"].lower() in prose for variant in ST1["variants"])


def test_a_reported_statement_keeps_its_place_among_the_facts(gold_briefs):
    # The Saltmere Courier's top line ("..., the Foreign Ministry in Saltmere said") comes
    # before its second, which leans on it; only direct quotes wait for the facts.
    body = [s.text for kind, s in gold_briefs["E08"].brief.sentences() if kind == "body"]
    ministry = next(i for i, text in enumerate(body) if "Foreign Ministry in Saltmere" in text)
    nationals = next(i for i, text in enumerate(body) if text.startswith("About 1,200"))
    assert ministry < nationals


def test_a_one_source_event_says_so_and_stays_short(gold_briefs):
    (one,) = [g for g in gold_briefs.values() if g.brief.independent_sources == 1]
    body = one.brief.section("body")
    assert body is None or sum(len(p) for p in body.paragraphs) <= 4
    # the note says the whole brief rests on one source; no sentence needs the mark
    assert not any(s.single_source for _, s in one.brief.sentences())


def test_a_single_source_claim_is_marked_or_attributed_not_stated(gold_briefs):
    for gold in gold_briefs.values():
        if gold.brief.independent_sources < 2:
            continue
        for kind, sentence in gold.brief.sentences():
            if kind in ("differences", "background") or sentence.check != "support":
                continue
            groups = cited_groups(gold, sentence.citations)
            # attributed: the quote extractor found who says it in the sentence itself; told
            # elsewhere: another report tells it in words a citation's bar does not take
            assert (
                len(groups) > 1
                or sentence.single_source
                or sentence.attributed
                or told_elsewhere(gold, sentence)
            ), sentence.prose
            if sentence.single_source:
                assert len(sentence.citations) == 1 and not sentence.attributed
                assert not told_elsewhere(gold, sentence), sentence.prose


def told_elsewhere(gold: GoldBrief, sentence: BriefSentence) -> str | None:
    """The sentence of another report of the event that tells the sentence's fact, if any."""
    (cited,) = {gold.brief.source(n).article_id for n in sentence.citations}
    own = gold.articles[cited].text
    for article_id, article in gold.articles.items():
        if gold.group_of[article_id] != gold.group_of[cited]:
            found = told_in(sentence.text, article.text, own)
            if found is not None:
                return found.text
    return None


def test_a_fact_another_report_tells_inside_a_longer_sentence_is_not_marked_single_source(
    gold_briefs,
):
    """The Harbour Herald's "about a quarter of Estravian mortgages are on variable rates"
    is what the Meridian report tells in passing ("variable-rate mortgages, which make up
    about a quarter of all home loans in Estravia"): no †, though no citation is added."""
    gold = gold_briefs["E09"]
    (sentence,) = [
        s for _, s in gold.brief.sentences() if s.text.startswith("About a quarter of Estravian")
    ]
    assert not sentence.single_source
    assert "about a quarter of all home loans" in (told_elsewhere(gold, sentence) or "")


def test_a_brief_survives_its_stored_document(gold_briefs):
    brief = gold_briefs["E04"].brief
    assert from_document(json.loads(json.dumps(to_document(brief)))) == brief


# -- the pipeline: versions ---------------------------------------------------------------


def test_a_run_writes_a_brief_for_every_event(pipeline):
    with open_store(pipeline.db) as store:
        events = list_events(store)
        assert all(load_brief(store, e.event_id) is not None for e in events)
    assert f"{len(events) - 1} briefs written" not in pipeline.first


def test_a_late_report_writes_a_second_version_of_its_event_only(pipeline):
    assert "1 briefs written" in pipeline.second
    with open_store(pipeline.db) as store:
        versions = {e.event_id: store.brief_versions(e.event_id) for e in list_events(store)}
        first = load_brief(store, pipeline.fire, 1)
        latest = load_brief(store, pipeline.fire)
    assert versions.pop(pipeline.fire) == [1, 2]
    assert all(v == [1] for v in versions.values())
    assert first is not None and first.changes is None and first.section("differences") is None
    assert latest is not None and latest.version == 2
    changes = latest.changes
    assert changes is not None and changes.previous_version == 1
    assert [latest.source(n).outlet for n in changes.new_sources] == ["The Harbour Herald"]
    assert changes.new_sentences == sum(s.new for _, s in latest.sentences()) > 0
    differences = latest.section("differences")
    assert differences is not None
    (herald,) = [n for n in changes.new_sources]
    assert all(s.new for p in differences.paragraphs for s in p if herald in s.citations)


def test_background_tells_only_what_was_reported_before_the_event(pipeline):
    """Every background line is dated before the event it is background to, and cites only
    reports published before it: the later reports of an earlier event (the sample's talks and
    their aftermath) are not background."""
    with open_store(pipeline.db) as store:
        events = list_events(store)
        briefs = {event.event_id: load_brief(store, event.event_id) for event in events}
    checked = 0
    for event in events:
        background = briefs[event.event_id].section("background")
        for sentence in (s for p in (background.paragraphs if background else ()) for s in p):
            day = datetime.strptime(sentence.frame.rstrip(": "), "%B %d, %Y").date()
            assert day <= event.first_seen.date(), (event.title, sentence.frame, sentence.text)
            for number in sentence.citations:
                published = briefs[event.event_id].source(number).published_at
                assert datetime.fromisoformat(published) < event.first_seen, sentence.text
            checked += 1
    assert checked


def test_the_brief_command_prints_each_format_and_version(pipeline):
    runner = CliRunner()
    prefix = pipeline.fire[:10]
    markdown = runner.invoke(main, ["brief", prefix, "--db", str(pipeline.db)])
    assert markdown.exit_code == 0, markdown.output
    assert "## Where sources differ" in markdown.output and "## Sources" in markdown.output
    assert "New since version 1" in markdown.output
    first = runner.invoke(main, ["brief", prefix, "--version", "1", "--db", str(pipeline.db)])
    assert "Version 1" in first.output and "Where sources differ" not in first.output
    page = runner.invoke(main, ["brief", prefix, "--format", "html", "--db", str(pipeline.db)])
    assert page.output.startswith("<!doctype html>") and 'href="#source-1"' in page.output
    data = json.loads(
        runner.invoke(main, ["brief", prefix, "--format", "json", "--db", str(pipeline.db)]).output
    )
    assert data["version"] == 2 and data["event_id"] == pipeline.fire


def test_the_brief_command_without_an_id_prints_every_brief(pipeline):
    result = CliRunner().invoke(main, ["brief", "--db", str(pipeline.db)])
    with open_store(pipeline.db) as store:
        events = list_events(store)
    assert result.exit_code == 0
    assert result.output.count("\n## Sources") == len(events)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["brief", "zzzz"], "no event has an id starting with 'zzzz'"),
        (["brief", "ev_", "--version", "1"], "'ev_' is ambiguous: "),
        (["brief", "--version", "2"], "--version needs an EVENT_ID"),
    ],
)
def test_brief_command_errors_are_one_line(pipeline, args, message):
    result = CliRunner().invoke(main, [*args, "--db", str(pipeline.db)])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_asking_for_a_version_that_does_not_exist_lists_the_versions(pipeline):
    result = CliRunner().invoke(
        main, ["brief", pipeline.fire, "--version", "7", "--db", str(pipeline.db)]
    )
    assert result.exit_code == 1
    assert "its versions are 1, 2" in result.output


def test_changes_name_new_sources_new_sentences_and_changed_figures():
    def brief(sentences, sources, version):
        return Brief(
            event_id="ev_x",
            headline="Fire",
            sections=(Section("body", (tuple(sentences),)),),
            pull_quote=None,
            sources=tuple(
                SourceEntry(n, article, f"Outlet {article}", "t", None, None)
                for n, article in enumerate(sources, start=1)
            ),
            independent_sources=len(sources),
            writer="embedded",
            written_at="2026-03-03T10:00:00+00:00",
            version=version,
        )

    toll = "At least 9 people died in the fire at the Brennick Polymers plant, officials said."
    crews = "More than 80 firefighters fought the blaze through the night in Port Casimir."
    old = brief([BriefSentence(toll, (1,)), BriefSentence(crews, (1,))], ["a"], 1)
    arrest = "Police arrested the plant's operations director on Friday morning at his home."
    new = brief(
        [
            BriefSentence(toll.replace("9", "11"), (1, 2)),
            BriefSentence(crews, (1,)),
            BriefSentence(arrest, (2,)),
        ],
        ["a", "b"],
        2,
    )
    marked = changes(new, old)
    assert marked.changes is not None
    assert marked.changes.previous_version == 1 and marked.changes.new_sources == (2,)
    assert [s.new for _, s in marked.sentences()] == [True, False, True]
    assert marked.changes.new_sentences == 2
    # the toll, read as a count of the dead, names the change once
    assert marked.changes.changed_figures == ("the number of dead: 9 → 11",)
    crews_now = crews.replace("80", "120")
    grown = brief([BriefSentence(toll, (1,)), BriefSentence(crews_now, (1,))], ["a"], 2)
    assert changes(grown, old).changes.changed_figures == ("the number of firefighters: 80 → 120",)
    # a figure no count reads is named with its sentence
    deadline = "The council set a deadline of 2027 for the new fire station at Port Casimir."
    later = brief([BriefSentence(deadline.replace("2027", "2029"), (1,))], ["a"], 2)
    (figure,) = changes(
        later, brief([BriefSentence(deadline, (1,))], ["a"], 1)
    ).changes.changed_figures
    assert figure.startswith("2027 → 2029: The council set a deadline of 2029")
    assert changes(replace(old, version=2), old).changes.new_sentences == 0


COUNCILS = [
    (
        "The Harbour Herald",
        "Mayor Ilse Varga disbanded the city's two business councils on Wednesday. The port "
        "authority said the decision would not affect the harbour works. Council staff were "
        "told to return their passes by Friday afternoon.",
    ),
    (
        "Casimir Daily",
        "Mayor Ilse Varga disbanded the city's two business councils on Wednesday after six "
        "chief executives quit in protest over her remarks about the dockworkers' strike. "
        "Opposition members called for a vote of confidence next month.",
    ),
]


def test_a_length_asked_for_is_filled_with_renderings_that_add_details(tmp_path):
    articles = reports(tmp_path, *COUNCILS)
    by_outlet = {a.source.name: a for a in articles}

    def disbanded(brief: Brief) -> list[BriefSentence]:
        return [s for _, s in brief.sentences() if s.text.startswith("Mayor Ilse Varga disbanded")]

    concise = brief_from_articles(articles)
    assert len(disbanded(concise)) == 1  # the claim is stated once
    filled = brief_from_articles(articles, max_words=200)
    _, second = disbanded(filled)
    assert "chief executives quit in protest" in second.text
    # the details are its own report's; a report that states the disbanding alone is cited too
    cited = {filled.source(number).article_id for number in second.citations}
    assert by_outlet["Casimir Daily"].article_id in cited


def test_a_quotation_opened_and_closed_by_different_marks_is_usable(tmp_path):
    """Scraped text mixes typographic and straight marks (“a turning point for the city");
    such a sentence is whole, not a piece of a quotation running over several sentences."""
    said = 'Mayor Ilse Varga called the vote “a turning point for the city" after the meeting.'
    articles = reports(
        tmp_path,
        (
            "Dunmore Gazette",
            f"The council approved the harbour plan on Tuesday. {said} Work will start in June.",
        ),
        (
            "Quay Post",
            "The council approved the harbour plan on Tuesday after a long debate. "
            f"{said} Critics said the cost was too high.",
        ),
    )
    brief = brief_from_articles(articles)
    assert said in [s.text for _, s in brief.sentences()]


@pytest.mark.parametrize(
    "quotation",
    [
        '"We will not be rushed," Mayor Ilse Varga told reporters at the town hall on Tuesday.',
        'Mayor Ilse Varga said: "We will not be rushed into a bad plan by anyone."',
    ],
)
def test_a_lede_quoting_a_phrase_can_lead_but_a_quotation_cannot(tmp_path, quotation):
    """A lede that reports and quotes a few words ('said there was a "very real chance" ...')
    is what happened; a sentence that opens on a quotation, or is mostly one, is a statement."""
    lede = (
        'Mayor Ilse Varga said on Tuesday there was a "very real chance" the harbour plan would '
        "be delayed by a year."
    )
    articles = reports(
        tmp_path,
        ("Dunmore Gazette", f"{lede} Work was due to start in June."),
        (
            "Quay Post",
            "Mayor Ilse Varga said on Tuesday that the harbour plan, which the council approved "
            f"in March, would probably be delayed by as much as a year. {quotation} The council "
            "meets again on Friday.",
        ),
        ("Harbour Herald", f"{quotation} The council will vote again on the harbour plan."),
        ("Saltmere Courier", f"{quotation} The harbour plan has been debated for ten years."),
    )
    lead = brief_from_articles(articles).section("lead")
    assert lead is not None
    assert lead.paragraphs[0][0].text == lede


def test_the_lead_is_what_a_report_opens_with(tmp_path):
    """Three reports open on different news and each tells the mayor's remark second: the
    remark has more sources, but the brief leads with a report's opening."""
    openings = [
        "The council approved the harbour plan on Tuesday by seven votes to two.",
        "Dock workers protested outside the town hall on Tuesday as the council met.",
        "The harbour has been closed to ferries since March because of silting.",
    ]
    seconds = [
        "Mayor Ilse Varga said the work would start in June.",
        "Mayor Ilse Varga said work on the harbour would start in June.",
        "Mayor Ilse Varga said that the work would begin in June.",
    ]
    articles = reports(
        tmp_path,
        *(
            (outlet, f"{opening} {second}")
            for outlet, opening, second in zip(
                ["Dunmore Gazette", "Quay Post", "Harbour Herald"], openings, seconds, strict=True
            )
        ),
    )
    lead = brief_from_articles(articles).section("lead")
    assert lead is not None
    assert lead.paragraphs[0][0].text in openings


def test_a_page_label_before_the_opening_is_dropped(tmp_path):
    articles = reports(
        tmp_path,
        (
            "Dunmore Gazette",
            "Update: The council approved the harbour plan on Tuesday by seven votes to two. "
            "Work on the new quay will start in June, the mayor said.",
        ),
        (
            "Quay Post",
            "Dock workers protested outside the town hall on Tuesday as the council met. "
            "Critics of the harbour plan said its cost was too high.",
        ),
    )
    texts = [s.text for _, s in brief_from_articles(articles, max_words=200).sentences()]
    assert "The council approved the harbour plan on Tuesday by seven votes to two." in texts
    assert not any("Update" in text for text in texts)


def test_page_text_run_into_a_sentence_is_not_used(tmp_path):
    """Text flattened from a web page runs captions and players into the prose."""
    caption = "In this March 2, 2026 file photo, Mayor Ilse Varga speaks at the town hall."
    player = "EMBED More News Videos Mayor Ilse Varga speaks about the harbour plan on Tuesday."
    articles = reports(
        tmp_path,
        (
            "Dunmore Gazette",
            f"The council approved the harbour plan on Tuesday by seven votes to two. {caption} "
            "Work on the new quay will start in June, the mayor said. Sign up for the Dunmore "
            "Gazette's morning briefing on the harbour works, delivered to your inbox.",
        ),
        (
            "Quay Post",
            f"Dock workers protested outside the town hall on Tuesday as the council met. {player} "
            "Critics of the harbour plan said its cost was too high.",
        ),
    )
    texts = [s.text for _, s in brief_from_articles(articles, max_words=200).sentences()]
    assert "Critics of the harbour plan said its cost was too high." in texts
    assert not any(page in text for text in texts for page in ("file photo", "EMBED", "inbox"))


def test_a_sentence_opening_on_a_pronoun_names_the_person_it_stands_for(tmp_path):
    """Moved into a brief, "He is held without bail" would lose the sentence that says who; the
    brief prints the name instead."""
    articles = reports(
        tmp_path,
        (
            "Dunmore Gazette",
            "Kyle Rittenhouse was charged with homicide on Thursday. "
            "He is held without bail in Antioch. A hearing is set for Friday.",
        ),
        (
            "Quay Post",
            "Prosecutors charged Kyle Rittenhouse with homicide on Thursday. "
            "The teenager is held without bail in Antioch, police said.",
        ),
    )
    texts = [s.text for _, s in brief_from_articles(articles).sentences()]
    assert "Kyle Rittenhouse is held without bail in Antioch." in texts
    assert not any(text.startswith("He ") for text in texts)


def test_a_match_detail_is_not_why_it_matters(tmp_path):
    """ "First" marks significance ("their first trophy since 1998"), but not in "the first
    half", a detail of the match."""
    articles = reports(
        tmp_path,
        (
            "Pitchside",
            "Rovers won the cup final 2-1 in Dunmore on Sunday. "
            "Tiago Verhallen headed Rovers in front in the first half. "
            "Luka Danecki equalised with a free kick after the break.",
        ),
        (
            "Quay Post",
            "Rovers beat Dynamo 2-1 in the cup final in Dunmore on Sunday. "
            "Tiago Verhallen had put Rovers ahead in the first half with a header. "
            "Emil Varnby scored the winner in extra time.",
        ),
    )
    brief = brief_from_articles(articles)
    assert any("first half" in s.text for _, s in brief.sentences())
    assert not [s.text for kind, s in brief.sentences() if kind == "why"]


def test_analysis_is_what_analysts_say_not_what_mentions_them(tmp_path):
    articles = reports(
        tmp_path,
        (
            "Veldra Observer",
            "Teskaria proposed a ceasefire at the talks in Saltmere on Thursday. "
            "Moresk said she would present a plan for a ceasefire monitored by observers. "
            "Analysts said the plan had little chance of being accepted in Brask.",
        ),
        (
            "Quay Post",
            "Teskaria put forward a ceasefire proposal at Thursday's talks in Saltmere. "
            "The talks ended without agreement.",
        ),
    )
    brief = brief_from_articles(articles)
    analysis = [s.text for kind, s in brief.sentences() if kind == "analysis"]
    assert analysis == ["Analysts said the plan had little chance of being accepted in Brask."]


def test_a_person_is_named_in_full_where_the_brief_first_mentions_them(tmp_path):
    """The body tells what Vilk asked for before the quote that names him in full comes (quotes
    go last): the first mention gets the full name; "the Vilk campaign" is no mention of him,
    and words in quotation marks stay."""
    articles = reports(
        tmp_path,
        (
            "Quay Post",
            "Supporters of the Vilk campaign attacked the government over the talks in Saltmere "
            "on Saturday. "
            "Vilk called on the foreign minister to appear before parliament next week. "
            '"Vilk is right, and the minister knows it," said Ana Roth, a member of his party. '
            '"The talks produced nothing but photographs," said Bohdan Vilk, leader of the '
            "Civic Union party.",
        ),
        (
            "Dunmore Gazette",
            "Supporters of the Vilk campaign attacked the government over the Saltmere talks "
            "on Saturday. "
            "The foreign minister has not answered the call to appear before parliament. "
            "Bohdan Vilk, the party's leader, took no questions.",
        ),
    )
    texts = [s.text for _, s in brief_from_articles(articles).sentences()]
    assert texts[0].startswith("Supporters of the Vilk campaign attacked the government")
    assert "Bohdan Vilk called on the foreign minister to appear before parliament next week." in (
        texts
    )
    assert '"Vilk is right, and the minister knows it," said Ana Roth, a member of his party.' in (
        texts
    )


def test_a_share_of_a_total_is_not_a_second_count(tmp_path):
    # "157 of 338 seats" counts 157 seats won, as the other report says; 338 is the total.
    articles = reports(
        tmp_path,
        (
            "Casimir Daily",
            "The Liberals are projected to win 157 seats, 13 short of a majority, and will find "
            "it harder to pass legislation in the new parliament.",
        ),
        (
            "The Harbour Herald",
            "As of 1:30 a.m. on Tuesday, the Liberal Party had won 157 of 338 seats, according to "
            "preliminary results, ensuring that Ilse Varga will remain prime minister.",
        ),
    )
    brief = brief_from_articles(articles)
    assert brief.section("differences") is None


def test_attackers_shot_dead_are_not_a_second_death_toll(tmp_path):
    articles = reports(
        tmp_path,
        (
            "Casimir Daily",
            "Police were searching on Friday for the man who drove a van onto the Varga "
            "promenade in Dunmore, killing at least 13 people.",
        ),
        (
            "The Harbour Herald",
            "Five attackers were shot dead on Friday after a second attack in two days near "
            "Dunmore, police said.",
        ),
    )
    assert brief_from_articles(articles).section("differences") is None


@pytest.mark.parametrize(
    "first, second",
    [
        (
            "Henrik Vass remains in custody in Dunmore to face two fraud charges.",
            "Court documents show Henrik Vass faces three charges of contempt of court.",
        ),
        (
            "Two animals found near Port Casimir tested positive for rabies on Monday.",
            "Officials said that if one animal tests positive for rabies, others nearby are "
            "almost certainly infected as well.",
        ),
        (
            "Two men killed shoppers at the Dunmore mall on Friday, police said.",
            "Five people were killed at the Dunmore mall on Friday, police said.",
        ),
        (
            "A gunman killed three people at the Dunmore food festival on Sunday, police said.",
            "Four people were killed at the Dunmore food festival on Sunday, including the "
            "shooter, police said.",
        ),
        (
            "Four people were killed at the Dunmore food festival on Sunday, police said.",
            "Four people were killed at the Dunmore food festival on Sunday, including the "
            "shooter, police said.",
        ),
        (
            "Three people were injured and Dunmore was in the midst of a manhunt on Sunday.",
            "Two people were wounded in a shooting at a car park on April 12, and a tourist "
            "was stabbed at the market on Saturday.",
        ),
    ],
    ids=[
        "other charges",
        "a condition",
        "who killed",
        "attacker counted",
        "attacker maybe",
        "another day",
    ],
)
def test_counts_of_other_things_are_not_a_disagreement(tmp_path, first, second):
    articles = reports(tmp_path, ("Casimir Daily", first), ("The Harbour Herald", second))
    assert brief_from_articles(articles).section("differences") is None


@pytest.mark.parametrize(
    "first, second, opening",
    [
        (
            "Five people were killed at the Dunmore food festival on Sunday, police said.",
            "Four people died at the Dunmore food festival on Sunday, including two gunmen, "
            "police said.",
            "Sources differ on the number of dead: 4 or 5. ",
        ),
        (
            "The census counted 1,234,567 residents in Dunmore last year, officials said.",
            "The census counted 1,234,500 residents in Dunmore last year, officials said.",
            "Sources differ on a figure: 1,234,500 or 1,234,567. ",
        ),
        (
            "The two presidents met in Geneva on Wednesday, officials said.",
            "The two presidents met in Vienna on Wednesday, aides said.",
            "Sources differ on the place: Geneva or Vienna. ",
        ),
        (
            "Korvania's delegation was led by Deputy Foreign Minister Vesna Korda, officials "
            "said on Thursday.",
            "Korvania was instead represented by Matej Orlov, a senior adviser in the "
            "presidential office, officials said.",
            "Sources differ on who led: Matej Orlov or Vesna Korda. ",
        ),
    ],
    ids=["a toll as printed, attackers in", "a large figure", "a place", "a person"],
)
def test_where_sources_differ_opens_with_the_values_as_printed(tmp_path, first, second, opening):
    """The opening gives each side's value as its sentence prints it (not a toll less the
    attackers it names), whole (not rounded), ties smallest first."""
    articles = reports(tmp_path, ("Casimir Daily", first), ("The Harbour Herald", second))
    (paragraph,) = brief_from_articles(articles).section("differences").paragraphs
    assert paragraph[0].frame.startswith(opening), paragraph[0].frame


def test_a_toll_less_its_attackers_can_still_differ(tmp_path):
    articles = reports(
        tmp_path,
        (
            "Casimir Daily",
            "Five people were killed at the Dunmore food festival on Sunday, police said.",
        ),
        (
            "The Harbour Herald",
            "Four people died at the Dunmore food festival on Sunday, including two gunmen, "
            "police said.",
        ),
    )
    differences = brief_from_articles(articles).section("differences")
    assert differences is not None
    assert "including two gunmen" in " ".join(s.text for p in differences.paragraphs for s in p)
