"""Reading local files into drafts: .txt headers, JSON and JSONL schema, refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from newsweave.errors import UnreadableInput, UnsupportedInput
from newsweave.ingest.draft import Draft
from newsweave.ingest.files import read_file, read_txt
from newsweave.model import Rejection

LIMIT = 1_000_000


def test_txt_with_header_and_chrome_before_the_title():
    text = (
        "Press Enter to search\n"
        "Port strike enters third day\n"
        "source: Harbour Herald\n"
        "url: https://harbourherald.example/port-strike\n"
        "published: 2026-03-05T09:30:00+01:00\n"
        "author: Mira Okafor\n"
        "\n"
        "Dock workers stayed off the job.\n\nTalks resume on Friday.\n"
    )
    draft = read_txt(text, "strike.txt")
    assert draft.title == "Port strike enters third day"
    assert draft.source_name == "Harbour Herald"
    assert draft.domain == "harbourherald.example"
    assert draft.published_at == datetime(2026, 3, 5, 8, 30, tzinfo=UTC)
    assert draft.author == "Mira Okafor"
    assert draft.text == "Dock workers stayed off the job.\n\nTalks resume on Friday."


def test_txt_without_header_keeps_a_body_line_that_has_a_colon():
    draft = read_txt("Title\nNote: the body starts here.\nMore.", "plain.txt")
    assert draft.text == "Note: the body starts here.\nMore."
    assert draft.source_name is None and draft.published_at is None


def test_txt_with_an_unreadable_date_names_the_field_and_the_fix():
    with pytest.raises(UnreadableInput, match=r"published 'last Tuesday' is not a time.*ISO 8601"):
        read_txt("Title\npublished: last Tuesday\n\nBody.", "bad-date.txt")


def test_jsonl_bad_lines_are_rejected_with_their_line_and_the_rest_kept(tmp_path):
    path = tmp_path / "batch.jsonl"
    good = {
        "id": "a1",
        "title": "T",
        "text": "Some text.",
        "published_at": "2026-03-05",
        "source": "coastdaily.example",
        "url": None,
    }
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"id": "a2", "text": ""}),
        "",
        json.dumps(good | {"id": "a3", "gold": "E1"}),
    ]
    path.write_text("\n".join(lines))
    results = list(read_file(path, LIMIT))
    drafts = [r for r in results if isinstance(r, Draft)]
    rejections = [r for r in results if isinstance(r, Rejection)]
    assert [d.external_id for d in drafts] == ["a1", "a3"]
    assert drafts[0].domain == "coastdaily.example"
    assert drafts[0].published_at == datetime(2026, 3, 5, tzinfo=UTC)
    assert [(r.input, r.reason) for r in rejections] == [
        (f"{path}:2", "bad-json"),
        (f"{path}:3", "unreadable"),
    ]
    assert "has no 'text'" in rejections[1].message


def test_json_file_with_a_list(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"text": "First."}, {"title": "Second", "text": "Second."}]))
    drafts = list(read_file(path, LIMIT))
    assert [d.title for d in drafts] == ["", "Second"]  # ingest names the first by its text


@pytest.mark.parametrize(
    ("name", "content", "error", "message"),
    [
        ("empty.txt", b"", UnreadableInput, "file is empty"),
        ("blank.txt", b"  \n\n ", UnreadableInput, "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", UnreadableInput, "looks binary"),
        ("notes.docx", b"PK\x03\x04", UnsupportedInput, "does not read .docx files"),
        ("broken.json", b'{"text": ', UnreadableInput, "is not valid JSON"),
    ],
)
def test_files_that_cannot_be_articles_are_refused_clearly(tmp_path, name, content, error, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error, match=message) as raised:
        list(read_file(path, LIMIT))
    assert str(path) in str(raised.value)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as file:
        file.truncate(50_000_000)
    with pytest.raises(UnreadableInput, match=r"50\.0 MB, over the 10 MB limit"):
        list(read_file(path, 10_000_000))


def test_an_untitled_record_is_named_by_a_headline_of_its_lead_which_stays_in_the_text(tmp_path):
    from newsweave.ingest.stage import build_article
    from newsweave.model import Source
    from newsweave.settings import Settings

    lead = (
        "The harbour authority closed the north pier on Tuesday after a crane collapsed"
        " during the night shift, and the port's two ferry lines were moved to the south quay"
    )
    body = "Engineers will inspect the remaining cranes this week, officials said."
    draft = Draft(origin="x.jsonl:1", title="", text=f"{lead} into the water.\n\n{body}")
    article = build_article(draft, Source(name="Harbor Ledger"), Settings(db=tmp_path / "n.db"))
    assert article.title == (
        "The harbour authority closed the north pier on Tuesday after a crane collapsed"
    )
    assert article.text.startswith(lead)
