"""A brief as Markdown, HTML or JSON: what `newsweave brief` prints and the exports carry.

Markdown and HTML read the same: headline; a line with the version, date, independent sources
and writer; what is new since the previous version; a note when the brief rests on one source;
the lead; why it matters; the body; where sources differ; background; the pull quote; analysis;
the numbered sources; what verification did. Citations are `[1, 2]`, linking to the source list
in HTML; sentences new in this version carry a mark (● in Markdown, a class in HTML).
"""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from newsweave.briefs.model import Brief, BriefSentence, Section, SourceEntry, to_document

__all__ = ["FORMATS", "render"]

FORMATS = ("md", "json", "html")
NEW_MARK = "●"
HEADINGS = {
    "why": "Why it matters",
    "differences": "Where sources differ",
    "background": "Background",
    "analysis": "Analysis",
}


def render(brief: Brief, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(to_document(brief), ensure_ascii=False, indent=2)
    if fmt == "html":
        return _html(brief)
    return _markdown(brief)


def _markdown(brief: Brief) -> str:
    lines = [f"# {brief.headline}", "", f"*{_byline(brief)}*", ""]
    lines += [f"> {note}" for note in _notes(brief)]
    if lines[-1] != "":
        lines.append("")
    for section in _with_pull_quote(brief):
        if section is None:
            quote = brief.pull_quote
            lines += [f"> “{quote.text}” — {quote.speaker} {_cites(quote.citations)}", ""]
            continue
        if section.kind in HEADINGS:
            lines += [f"## {HEADINGS[section.kind]}", ""]
        for paragraph in section.paragraphs:
            if section.kind == "background":
                lines += [f"- {_sentence_md(s)}" for s in paragraph]
            else:
                lines.append(" ".join(_sentence_md(s) for s in paragraph))
            lines.append("")
    lines += ["## Sources", ""]
    lines += [f"{entry.number}. {_source_md(entry)}" for entry in brief.sources]
    lines += ["", f"*{_verification(brief)}*", ""]
    return "\n".join(lines)


def _html(brief: Brief) -> str:
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(brief.headline)}</title>",
        "<style>body{font:17px/1.55 Georgia,serif;max-width:44em;margin:2em auto;padding:0 1em}"
        ".new{background:#fff6d5}.meta,.verification{color:#555;font-size:.9em}"
        "blockquote{border-left:3px solid #999;margin-left:0;padding-left:1em}"
        "sup a{text-decoration:none}</style></head><body><article>",
        f"<h1>{escape(brief.headline)}</h1>",
        f'<p class="meta">{escape(_byline(brief))}</p>',
    ]
    parts += [f'<p class="meta"><strong>{escape(note)}</strong></p>' for note in _notes(brief)]
    for section in _with_pull_quote(brief):
        if section is None:
            quote = brief.pull_quote
            parts.append(
                f"<blockquote>“{escape(quote.text)}” — {escape(quote.speaker)}"
                f"{_cites_html(quote.citations)}</blockquote>"
            )
            continue
        if section.kind in HEADINGS:
            parts.append(f"<h2>{HEADINGS[section.kind]}</h2>")
        for paragraph in section.paragraphs:
            parts.append(f"<p>{' '.join(_sentence_html(s) for s in paragraph)}</p>")
    parts.append("<h2>Sources</h2><ol>")
    for entry in brief.sources:
        title = escape(entry.title)
        link = f'<a href="{escape(entry.url)}">{title}</a>' if entry.url else title
        parts.append(
            f'<li id="source-{entry.number}">{escape(entry.outlet)}: {link}'
            f"{escape(_source_details(entry))}</li>"
        )
    parts += [
        "</ol>",
        f'<p class="verification">{escape(_verification(brief))}</p>',
        "</article></body></html>",
    ]
    return "\n".join(parts)


def _with_pull_quote(brief: Brief) -> list[Section | None]:
    """The sections in order, with None where the pull quote goes: after the story itself
    (lead, why, body), before where sources differ, background and analysis."""
    story = [s for s in brief.sections if s.kind in ("lead", "why", "body")]
    rest = [s for s in brief.sections if s.kind not in ("lead", "why", "body")]
    return [*story, *([None] if brief.pull_quote else []), *rest]


def _byline(brief: Brief) -> str:
    written = datetime.fromisoformat(brief.written_at)
    sources = brief.independent_sources
    noun = "independent source" if sources == 1 else "independent sources"
    writer = "embedded writer" if brief.writer == "embedded" else f"{brief.writer} writer"
    return f"Version {brief.version} · {written:%Y-%m-%d %H:%M} UTC · {sources} {noun} · {writer}"


def _notes(brief: Brief) -> list[str]:
    notes = []
    if brief.independent_sources <= 1:
        outlets = ", ".join(e.outlet for e in brief.sources if e.event_id is None)
        notes.append(f"This brief rests on one source: {outlets}.")
    changes = brief.changes
    if changes is not None:
        parts = []
        if changes.new_sources:
            parts.append(f"{len(changes.new_sources)} new sources {_cites(changes.new_sources)}")
        if changes.new_sentences:
            parts.append(f"{changes.new_sentences} new sentences (marked {NEW_MARK})")
        parts += [f"changed figure: {figure}" for figure in changes.changed_figures]
        what = "; ".join(parts) if parts else "no new facts"
        notes.append(f"New since version {changes.previous_version}: {what}.")
    return notes


def _sentence_md(sentence: BriefSentence) -> str:
    mark = f"{NEW_MARK} " if sentence.new else ""
    flag = " **[unsupported]**" if sentence.unsupported else ""
    return f"{mark}{sentence.prose} {_cites(sentence.citations)}{flag}"


def _sentence_html(sentence: BriefSentence) -> str:
    flags = (("new", sentence.new), ("unsupported", sentence.unsupported))
    classes = " ".join(name for name, on in flags if on)
    attribute = f' class="{classes}"' if classes else ""
    return f"<span{attribute}>{escape(sentence.prose)}{_cites_html(sentence.citations)}</span>"


def _cites(numbers: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, numbers))}]" if numbers else ""


def _cites_html(numbers: tuple[int, ...]) -> str:
    links = ", ".join(f'<a href="#source-{n}">{n}</a>' for n in numbers)
    return f"<sup>[{links}]</sup>" if numbers else ""


def _source_md(entry: SourceEntry) -> str:
    title = f"[{entry.title}]({entry.url})" if entry.url else entry.title
    return f"{entry.outlet}: {title}{_source_details(entry)}"


def _source_details(entry: SourceEntry) -> str:
    details = []
    if entry.published_at:
        published = datetime.fromisoformat(entry.published_at)
        details.append(f"{published:%Y-%m-%d %H:%M} UTC")
    if entry.also_ran:
        details.append("the same wire copy also ran in " + ", ".join(entry.also_ran))
    if entry.event_id:
        details.append("an earlier event of this story")
    return f" ({'; '.join(details)})" if details else ""


def _verification(brief: Brief) -> str:
    v = brief.verification
    return (
        f"Verified: {v.sentences_kept} of {v.sentences_checked} sentences kept; "
        f"{v.citations_dropped} citations dropped, {v.citations_added} added; "
        f"{v.quotes_verbatim} of {v.quotes_checked} quotations verbatim."
    )
