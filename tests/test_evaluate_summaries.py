"""Summary scoring: ROUGE, the lead's F1, defects, citation and quotation counts, and the
`eval summarize` command, on the events as grouped and through ingest and stories.

The events are two small made-up ones written for these tests (three and two reports, one
report without an outlet); the briefs are written by the real embedded writer and verifier.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import body_brief
from newsweave.briefs.model import Brief, BriefSentence, PullQuote, Section, SourceEntry
from newsweave.cli import main
from newsweave.errors import UnreadableInput
from newsweave.evaluate.defects import DEFECT_KINDS, defects_of, same_fact_pairs
from newsweave.evaluate.summaries import (
    SCORE_KEYS,
    CitationCounts,
    SummaryCluster,
    count_citations,
    evaluate_summaries,
    read_summary_clusters,
    score_rouge,
)
from newsweave.settings import Settings

BRIDGE = [
    {
        "id": "bridge-1",
        "title": "Kellan river bridge closed after cracks found",
        "source": "The Harbour Herald",
        "published_at": "2026-03-02",
        "text": (
            "The Kellan river bridge in Port Casimir was closed to all traffic on Monday after "
            "engineers found cracks in two of its steel supports. The city's transport "
            "director, Maria Olsen, said the bridge would stay closed for at least six weeks. "
            '"We will not reopen it until every support has been checked and repaired," Olsen '
            "said. About 14,000 vehicles cross the bridge every day, and the city said buses "
            "would be sent over the northern ring road while the repairs go on. Shop owners "
            "near the bridge said they feared losing customers during the closure."
        ),
    },
    {
        "id": "bridge-2",
        "title": "Port Casimir shuts its busiest bridge",
        "source": "Casimir Daily",
        "published_at": "2026-03-02",
        "text": (
            "Port Casimir closed the Kellan river bridge on Monday after engineers found cracks "
            "in two steel supports during a routine inspection. Transport director Maria Olsen "
            "said the closure would last at least six weeks. About 14,000 vehicles use the "
            "bridge each day. Buses will be sent over the northern ring road, the city said. "
            "The bridge was built in 1968 and was last repaired in 2011, according to city "
            "records. Council members called for an emergency meeting on Wednesday to discuss "
            "the cost of the repairs."
        ),
    },
    {
        "id": "bridge-3",
        "title": "Cracks close the Kellan bridge",
        "source": None,
        "published_at": "2026-03-03",
        "text": (
            "Engineers found cracks in two steel supports of the Kellan river bridge, and Port "
            "Casimir closed it to traffic on Monday. The closure will last at least six weeks, "
            'transport director Maria Olsen said. "We will not reopen it until every support '
            'has been checked and repaired," she said. Drivers faced long queues on the '
            "northern ring road on Tuesday morning, where buses were also sent. The council "
            "will meet on Wednesday to discuss the cost of the repairs, which has not yet been "
            "estimated."
        ),
    },
]
FERRY = [
    {
        "id": "ferry-1",
        "title": "Ferry crews strike over pay",
        "source": "The Harbour Herald",
        "published_at": "2026-04-10",
        "text": (
            "Ferry crews on the Lessing island route went on strike on Friday over pay, "
            "stopping all crossings between Lessing and the mainland. The crews' union said its "
            "members had been offered a raise of two percent, far below the rise in prices. "
            "The ferry company said it regretted the strike and wanted talks to resume next "
            "week. About 3,000 people a day use the ferry, many of them to reach work or school "
            "on the mainland. Islanders said the island's only shop was running low on bread "
            "and milk by the afternoon."
        ),
    },
    {
        "id": "ferry-2",
        "title": "Lessing ferry halted by strike",
        "source": "Casimir Daily",
        "published_at": "2026-04-10",
        "text": (
            "No ferries ran between Lessing island and the mainland on Friday as crews went on "
            "strike over pay. The union said the company had offered a raise of two percent. "
            "The ferry company said it wanted talks to resume next week. About 3,000 people use "
            "the ferry each day, the company said. Schools on the mainland told pupils from "
            "the island they could study from home until the crossings start again. The strike "
            "is the first on the route since 2009, the union said."
        ),
    },
]
EVENTS = [
    {
        "id": "bridge",
        "articles": BRIDGE,
        "reference": (
            "Port Casimir closed the Kellan river bridge on Monday for at least six weeks after "
            "engineers found cracks in two steel supports. About 14,000 vehicles cross it daily; "
            "buses will use the northern ring road."
        ),
    },
    {
        "id": "ferry",
        "articles": FERRY,
        "reference": (
            "Ferry crews on the Lessing island route struck over pay on Friday, halting all "
            "crossings; the union said the company offered two percent. About 3,000 people use "
            "the ferry daily."
        ),
    },
]


def write_lines(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def events_file(tmp_path_factory) -> Path:
    return write_lines(tmp_path_factory.mktemp("summ") / "summ.jsonl", EVENTS)


@pytest.fixture(scope="module")
def cli_scores(events_file) -> dict:
    result = CliRunner().invoke(main, ["eval", "summarize", str(events_file), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_rouge_of_a_reference_against_itself_is_one():
    reference = EVENTS[0]["reference"]
    assert score_rouge(reference, reference) == pytest.approx((1.0, 1.0, 1.0))


def test_rouge_reads_only_as_many_words_as_the_reference_has():
    reference = EVENTS[0]["reference"]
    padded = reference + " " + EVENTS[1]["reference"]
    assert score_rouge(padded, reference) == pytest.approx((1.0, 1.0, 1.0))
    assert score_rouge(EVENTS[1]["reference"], reference)[0] < 0.5


SHARES = [key for key in SCORE_KEYS if key not in {"clusters", "no_brief"} and "per_100" not in key]


def test_json_has_exactly_the_documented_keys(cli_scores):
    assert tuple(cli_scores) == SCORE_KEYS
    assert cli_scores["clusters"] == 2
    assert cli_scores["quote_verbatim_rate"] == 1.0
    assert all(0.0 <= cli_scores[key] <= 1.0 for key in SHARES)
    assert all(cli_scores[f"{kind}_per_100"] >= 0 for kind in DEFECT_KINDS)
    assert cli_scores["rouge1"] > 0.3, "the briefs share the events' words with the references"


@pytest.fixture(scope="module")
def through_scores(events_file) -> dict:
    args = ["eval", "summarize", str(events_file), "--through-stories", "--json"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_through_stories_scores_the_briefs_the_pipeline_writes(through_scores):
    assert tuple(through_scores) == SCORE_KEYS
    assert through_scores["whole_events"] == 1.0, "each event's reports end in one event"
    assert through_scores["no_brief"] == 0
    assert through_scores["rouge1"] > 0.3
    assert through_scores["lead_f1"] > 0.3, "the lead says what the reference opens with"
    assert 0 < through_scores["first_sentence_f1"] <= 1


@pytest.mark.slow
def test_the_text_output_says_what_citation_figures_do_not_prove(events_file):
    result = CliRunner().invoke(main, ["eval", "summarize", str(events_file), "--limit", "1"])
    assert result.exit_code == 0, result.output
    assert "prove nothing alone" in result.output and "defects per 100 briefs" in result.output


def test_an_unreadable_file_through_stories_is_one_line(tmp_path):
    path = tmp_path / "summ.jsonl"
    path.write_bytes(b"\xff\xfe not text \x00\n")
    line = cli_error([str(path), "--through-stories"])
    assert "summ.jsonl" in line


def test_the_library_and_the_command_agree(events_file, cli_scores):
    calls: list[tuple[SummaryCluster, Brief]] = []
    scores = evaluate_summaries(
        events_file, Settings(), limit=1, on_brief=lambda *call: calls.append(call)
    )
    assert scores.clusters == 1 and len(calls) == 1
    cluster, brief = calls[0]
    assert cluster.cluster_id == "bridge"
    assert scores.rouge1 == pytest.approx(score_rouge(brief.prose(), cluster.reference)[0])
    assert scores.briefs_per_second > 0
    assert set(scores.to_dict()) == set(cli_scores)


def test_an_article_without_an_outlet_is_a_source_of_its_own(events_file):
    bridge = read_summary_clusters(events_file, Settings(), limit=1)[0]
    names = [article.source.name for article in bridge.articles]
    assert names == ["The Harbour Herald", "Casimir Daily", "Source 3"]
    assert bridge.reference_words == len(EVENTS[0]["reference"].split())


def hand_brief(sentences: list[BriefSentence], pull_quote: PullQuote | None = None) -> Brief:
    sources = [SourceEntry(n, f"a{n}", f"Outlet {n}", "title", None, None) for n in (1, 2, 3)]
    return body_brief(sentences, sources, pull_quote)


@pytest.mark.slow
def test_defects_count_repeats_long_headlines_dangling_references_judgements_furniture(events_file):
    built = read_summary_clusters(events_file, Settings(), limit=1)[0].articles
    articles = {f"a{n}": article for n, article in enumerate(built, start=1)}
    said = "We will not reopen it until every support has been checked and repaired"
    lead = BriefSentence("The decision marks a setback for the shops near the river.", (1,))
    body = [
        BriefSentence(f'Olsen said: "{said}."', (1,)),
        BriefSentence("About 14,000 vehicles use the bridge each day.", (2,)),
        BriefSentence("Photo: Port Casimir city council", (2,)),
        BriefSentence("The proposal came in a letter sent by the mayor on Thursday.", (2,)),
    ]
    why = BriefSentence("Closing the bridge is a heavy blow to the shops near the river.", (1,))
    brief = hand_brief(body, PullQuote(said, "Maria Olsen", (1,)))
    brief = Brief(
        **{
            **brief.__dict__,
            "headline": " ".join(["word"] * 26),
            "sections": (
                Section("lead", ((lead,),)),
                Section("why", ((why,),)),
                *brief.sections,
            ),
        }
    )
    defects = defects_of(brief, articles)
    assert (defects.long_headlines, defects.dangling_leads) == (1, 1)
    assert (defects.dangling_descriptions, defects.unattributed_judgements) == (1, 1)
    assert defects.facts_twice == 1, same_fact_pairs(brief)
    assert defects.non_news == 1
    assert defects.per_100("facts_twice") == 100.0
    plain = hand_brief(body[1:2])
    assert defects_of(plain, articles).facts_twice == 0


@pytest.mark.slow
def test_citation_counts_catch_a_wrong_citation_and_an_invented_quote(events_file):
    built = read_summary_clusters(events_file, Settings(), limit=1)[0].articles
    articles = {f"a{n}": article for n, article in enumerate(built, start=1)}
    brief = hand_brief(
        [
            # Article 3 says this; article 1 does not.
            BriefSentence("The council will meet on Wednesday.", (1, 3)),
            BriefSentence(
                "Olsen said: “We will not reopen it until every support has been checked.”", (1,)
            ),
            BriefSentence("“Nobody warned us,” one shop owner said.", (1,)),
        ],
        PullQuote("The bridge is perfectly safe", "Olsen", (1,)),
    )
    counts = count_citations(brief, articles)
    assert (counts.citations, counts.citations_supporting) == (4, 2)
    assert (counts.sentences, counts.sentences_supported) == (3, 2)
    assert (counts.quotes, counts.quotes_verbatim) == (3, 1)
    assert CitationCounts().quote_verbatim_rate == 1.0, "no quotes: nothing misquoted"


def cli_error(args: list[str]) -> str:
    result = CliRunner().invoke(main, ["eval", "summarize", *args])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_missing_file_is_one_line_naming_it(tmp_path):
    line = cli_error([str(tmp_path / "nowhere.jsonl")])
    assert "nowhere.jsonl: no such file" in line and "summarization schema" in line


def test_a_line_without_a_reference_or_articles_is_named(tmp_path):
    path = write_lines(tmp_path / "bad.jsonl", [EVENTS[0], {"id": "x", "articles": BRIDGE}])
    assert "bad.jsonl:2: line has no 'reference' text" in cli_error([str(path)])
    write_lines(path, [{"id": "x", "reference": "A summary."}])
    with pytest.raises(UnreadableInput, match=r"bad\.jsonl:1: line has no 'articles' list"):
        read_summary_clusters(path, Settings())


def test_an_article_without_text_is_named_by_line_and_place(tmp_path):
    articles = [BRIDGE[0], {**BRIDGE[1], "text": "  "}]
    path = write_lines(tmp_path / "bad.jsonl", [{**EVENTS[0], "articles": articles}])
    line = cli_error([str(path)])
    assert "bad.jsonl:1 article 2: article has no 'text'" in line


def test_the_llm_writer_without_an_endpoint_is_one_line(events_file, monkeypatch):
    monkeypatch.delenv("NEWSWEAVE_LLM_BASE_URL", raising=False)
    line = cli_error([str(events_file), "--writer", "llm"])
    assert "writer = llm needs llm_base_url" in line


def test_a_folder_given_as_the_file_is_named_as_a_folder(tmp_path):
    line = cli_error([str(tmp_path), "--through-stories"])
    assert "is a folder, not a file" in line and "summarization schema" in line
