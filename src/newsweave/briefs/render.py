"""A brief as Markdown, HTML or JSON: what `newsweave brief` prints and the exports carry.

Markdown and HTML read the same: headline; a line with the version, date, independent sources
and writer; what is new since the previous version; a note when the brief rests on one source;
the lead; why it matters; the body; where sources differ; background; the pull quote; analysis;
the numbered sources; what verification did. A later version's notes say what is new since the
one before (sources, sentences, changed figures) and what it no longer says (the headline and
lead it replaced, the sentences it dropped). Citations are `[1, 2]`; a fact that one source
alone reports carries † after its citation, explained in a note; sentences new in this version
carry a mark (● and, in HTML, a class).

In HTML (`html_article`, which the web server's story page shows too) each citation number
carries the passage of its source that verification found supporting the sentence, shown when
the number is hovered, focused or clicked: a reader checks a claim without leaving the page.

Every format renders `safe_brief(brief)`, whatever the store holds: no control character or
credential in any text, and a source's URL only when it is an http(s) link (`outward`), so
no `javascript:` or `data:` address becomes a link and a JSON consumer may use any `url` it
is handed as one. HTML escapes every text it writes; the standalone page carries its own
Content-Security-Policy, stricter than the web server's (no script at all; its one inline
style allowed by hash), since it is opened from a file with no server to send one. Markdown
escapes every text from a source (`_md`): its markup characters, HTML tags and entities, and
what would start a heading, list or quote at the start of a line, so a title cannot become a
link, an image, raw HTML or a block; a link's address is percent-encoded where Markdown
would end it.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from html import escape
from typing import Any
from urllib.parse import quote

from newsweave.briefs.model import (
    Brief,
    BriefSentence,
    Changes,
    Evidence,
    Section,
    SourceEntry,
    from_document,
    to_document,
)
from newsweave.model import is_unnamed_source
from newsweave.outward import safe_data, safe_link

__all__ = [
    "FORMATS",
    "ArticleLink",
    "heading_of",
    "html_article",
    "render",
    "safe_brief",
    "safe_document",
]

ArticleLink = Callable[[Evidence], str]

FORMATS = ("md", "json", "html")
NEW_MARK = "●"
SINGLE_MARK = "†"
SINGLE_MEANING = "Reported by one source only; no other source confirms it yet."
SINGLE_NOTE = f"{SINGLE_MARK} {SINGLE_MEANING}"
HEADINGS = {
    "why": "Why it matters",
    "differences": "Where sources differ",
    "background": "Background",
    "analysis": "Analysis",
}
DETAILS = "The details"  # the body's heading, when "Why it matters" stands between it and the lead


def heading_of(section: Section, brief: Brief) -> str | None:
    """The heading a section is printed under, or None. The lead and the body read on as one
    story; but after "Why it matters" the body needs its own heading, or a reader takes the
    report's details for the stakes."""
    if section.kind == "body":
        return DETAILS if any(s.kind == "why" for s in brief.sections) else None
    return HEADINGS.get(section.kind)


def render(brief: Brief, fmt: str) -> str:
    brief = safe_brief(brief)
    if fmt == "json":
        return json.dumps(to_document(brief), ensure_ascii=False, indent=2)
    if fmt == "html":
        return _html(brief)
    return _markdown(brief)


def safe_document(document: Mapping[str, Any]) -> dict[str, Any]:
    """A stored brief document as it may leave newsweave: `outward.safe_data` of it, each
    source's `url` an http(s) link or None."""
    safe = safe_data(document)
    safe["sources"] = [{**entry, "url": safe_link(entry["url"])} for entry in safe["sources"]]
    return safe


def safe_brief(brief: Brief) -> Brief:
    """`brief` as it may leave newsweave (see `safe_document`)."""
    return from_document(safe_document(to_document(brief)))


def _markdown(brief: Brief) -> str:
    lines = [f"# {_md(brief.headline)}", "", f"*{_byline(brief, _md)}*", ""]
    lines += [f"> {note}" for note in _notes(brief, _md)]
    if lines[-1] != "":
        lines.append("")
    for section in _with_pull_quote(brief):
        if section is None:
            quote = brief.pull_quote
            assert quote is not None  # `_with_pull_quote` gives None only for a pull quote
            lines += [
                f"> “{_md(quote.text)}” — {_md(quote.speaker)} {_cites(quote.citations)}",
                "",
            ]
            continue
        if heading := heading_of(section, brief):
            lines += [f"## {heading}", ""]
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


# Backslash-escaped wherever they stand: CommonMark's inline markup (code, emphasis, links and
# images, raw HTML and autolinks), GFM's tables and strikethrough, an "&" that would start an
# entity and a "(" after a "]"; at the start of a text, what would start a heading, list or rule.
_MD_INLINE = re.compile(r"[\\`*_\[\]<>|~]|&(?=#?\w+;)|(?<=\])\(")
_MD_BLOCK_START = re.compile(r"^([#+=-])|^(\d+)([.)])")
# Left as they are in a link's address; the rest (parentheses, brackets, spaces, quotes,
# backslashes) is percent-encoded, so an address cannot end the link early.
_MD_URL_SAFE = ":/?#@!$&*+,;=%~-._"


def _md(text: str) -> str:
    """A text from a source as Markdown that shows it as it is, on one line."""
    line = _MD_INLINE.sub(lambda m: "\\" + m.group(), " ".join(text.split()))
    return _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def _md_link(title: str, url: str | None) -> str:
    link = safe_link(url)
    return f"[{_md(title)}]({quote(link, safe=_MD_URL_SAFE)})" if link else _md(title)


STANDALONE_STYLE = (
    "body{font:17px/1.55 Georgia,serif;max-width:44em;margin:2em auto;padding:0 1em}"
    ".new{background:#fff6d5}.single-mark{color:#9b1c1c}"
    ".meta,.verification{color:#555;font-size:.9em}"
    "blockquote{border-left:3px solid #999;margin-left:0;padding-left:1em}"
    ".citation{position:relative}.cite{text-decoration:none}.evidence{display:none}"
    ".citation:hover .evidence,.citation:focus-within .evidence,.evidence:target{display:block;"
    "position:absolute;left:0;top:1.2em;z-index:9;width:24em;padding:.6em .8em;"
    "font-size:.85rem;background:#fff;border:1px solid #999}"
)


_STYLE_HASH = base64.b64encode(hashlib.sha256(STANDALONE_STYLE.encode()).digest()).decode()
# The standalone page's own policy: nothing loads, nothing runs, only its one inline style
# applies (frame-ancestors, which a <meta> cannot carry, is the web server's alone).
STANDALONE_POLICY = (
    f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'"
)


def _html(brief: Brief) -> str:
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{STANDALONE_POLICY}">',
            '<meta name="referrer" content="no-referrer">',
            f"<title>{escape(brief.headline)}</title>",
            f"<style>{STANDALONE_STYLE}</style></head><body>",
            _article_html(brief, None),
            "</body></html>",
        ]
    )


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def _time_html(moment: datetime) -> str:
    """A time as HTML: the UTC time in a <time> element whose `datetime` a page's script may
    show in the reader's terms (local, relative)."""
    return f'<time datetime="{moment.isoformat()}" class="relative">{_utc(moment)}</time>'


def html_article(brief: Brief, *, article_link: ArticleLink | None = None) -> str:
    """The brief as an HTML <article>: what the standalone page holds and the web server's
    story page shows. Each citation carries, hidden until hovered, focused or clicked, the
    passage of its source that supports the sentence, with a link to the original and, given
    `article_link` (an Evidence to a URL), to that passage in newsweave's copy."""
    return _article_html(safe_brief(brief), article_link)


def _article_html(brief: Brief, article_link: ArticleLink | None) -> str:
    """`html_article` of a brief already made safe."""
    by_number = {entry.number: entry for entry in brief.sources}
    counter = itertools.count(1)  # numbers each citation's evidence box

    def cites(sentence: BriefSentence | None, numbers: tuple[int, ...]) -> str:
        evidence = {e.article_id: e for e in sentence.evidence} if sentence else {}
        links = [
            _citation_html(
                by_number[n], evidence.get(by_number[n].article_id), next(counter), article_link
            )
            for n in numbers
        ]
        return f'<sup class="cites">[{", ".join(links)}]</sup>' if links else ""

    parts = [
        f'<article class="brief" id="brief-{escape(brief.event_id)}">',
        f"<h1>{escape(brief.headline)}</h1>",
        f'<p class="meta">{_byline(brief, escape, _time_html)}</p>',
    ]
    parts += [f'<p class="meta note"><strong>{escape(note)}</strong></p>' for note in _notes(brief)]
    for section in _with_pull_quote(brief):
        if section is None:
            quote = brief.pull_quote
            assert quote is not None  # `_with_pull_quote` gives None only for a pull quote
            parts.append(
                f'<blockquote class="pull-quote">“{escape(quote.text)}” — {escape(quote.speaker)}'
                f"{cites(None, quote.citations)}</blockquote>"
            )
            continue
        if heading := heading_of(section, brief):
            parts.append(f'<h2 id="{section.kind}">{heading}</h2>')
        for paragraph in section.paragraphs:
            sentences = [
                _sentence_html(s) + cites(s, s.citations) + _single_html(s) + "</span>"
                for s in paragraph
            ]
            if section.kind == "background":  # dated entries, a list as in Markdown
                items = "".join(f"<li>{sentence}</li>" for sentence in sentences)
                parts.append(f'<ul class="background">{items}</ul>')
            else:
                parts.append(f'<p class="{section.kind}">{" ".join(sentences)}</p>')
    parts.append('<h2 id="sources">Sources</h2><ol class="sources">')
    for entry in brief.sources:
        title = escape(entry.title)
        link = f'<a href="{escape(entry.url)}">{title}</a>' if entry.url else title
        parts.append(
            f'<li id="source-{entry.number}">{escape(entry.outlet)}: {link}'
            f"{_source_details(entry, escape, _time_html)}</li>"
        )
    parts += [
        "</ol>",
        f'<p class="verification">{escape(_verification(brief))}</p>',
        "</article>",
    ]
    return "\n".join(parts)


def _citation_html(
    entry: SourceEntry, evidence: Evidence | None, n: int, article_link: ArticleLink | None
) -> str:
    """One citation: the number, linking to its source, and the hidden evidence box."""
    box_id = f"evidence-{n}"
    links = []
    if entry.url:
        links.append(f'<a href="{escape(entry.url)}">original</a>')
    if evidence is not None:
        passage = f"<q>{escape(evidence.text)}</q>"
        if article_link is not None:
            links.append(f'<a href="{escape(article_link(evidence))}">in context</a>')
    else:
        passage = f"<em>{escape(entry.title)}</em>"
    return (
        f'<span class="citation"><a class="cite" href="#{box_id}" '
        f'data-source="{entry.number}" aria-describedby="{box_id}">{entry.number}</a>'
        f'<span class="evidence" id="{box_id}" role="note">'
        f'<a class="evidence-source" href="#source-{entry.number}">'
        f"[{entry.number}] {escape(entry.outlet)}</a> "
        f"{passage} {' · '.join(links)}</span></span>"
    )


def _with_pull_quote(brief: Brief) -> list[Section | None]:
    """The sections in order, with None where the pull quote goes: after the story itself
    (lead, why, body), before where sources differ, background and analysis."""
    story = [s for s in brief.sections if s.kind in ("lead", "why", "body")]
    rest = [s for s in brief.sections if s.kind not in ("lead", "why", "body")]
    return [*story, *([None] if brief.pull_quote else []), *rest]


def _byline(
    brief: Brief, text: Callable[[str], str] = str, moment: Callable[[datetime], str] = _utc
) -> str:
    """The version line; `text` writes what is not newsweave's own (the writer's model),
    `moment` a time."""
    written = moment(datetime.fromisoformat(brief.written_at))
    sources = brief.independent_sources
    noun = "independent source" if sources == 1 else "independent sources"
    writer = "embedded writer" if brief.writer == "embedded" else f"{text(brief.writer)} writer"
    return f"Version {brief.version} · {written} · {sources} {noun} · {writer}"


def _notes(brief: Brief, text: Callable[[str], str] = str) -> list[str]:
    """The notes above the brief; `text` writes what comes from the sources (outlet names,
    changed figures)."""
    notes = []
    own = [e.outlet for e in brief.sources if e.event_id is None]
    if brief.independent_sources <= 1:
        outlets = ", ".join(text(outlet) for outlet in dict.fromkeys(own))
        notes.append(f"This brief rests on one source: {outlets}.")
    unnamed = len({outlet for outlet in own if is_unnamed_source(outlet)})
    if unnamed:
        which = (
            "Its source is" if unnamed == len(set(own)) == 1 else f"{unnamed} of its sources are"
        )
        notes.append(f"{which} unnamed: the input gave no outlet or address.")
    if any(sentence.single_source for _, sentence in brief.sentences()):
        notes.append(SINGLE_NOTE)
    changes = brief.changes
    if changes is not None:
        parts = []
        if changes.new_sources:
            parts.append(f"{len(changes.new_sources)} new sources {_cites(changes.new_sources)}")
        if changes.new_sentences:
            parts.append(f"{changes.new_sentences} new sentences (marked {NEW_MARK})")
        parts += [f"changed figure: {text(figure)}" for figure in changes.changed_figures]
        what = "; ".join(parts) if parts else "no new facts"
        notes.append(f"New since version {changes.previous_version}: {what}.")
        notes += _replaced(changes, text)
    return notes


def _replaced(changes: Changes, text: Callable[[str], str]) -> list[str]:
    """What the version no longer says: the headline and lead it replaced, the sentences it
    dropped, each quoted as the previous version printed it."""
    notes = []
    if changes.previous_headline:
        notes.append(f"Previous headline: “{text(changes.previous_headline)}”")
    if changes.previous_lead:
        notes.append(f"Previous lead: “{text(changes.previous_lead)}”")
    if changes.removed:
        dropped = " ".join(f"“{text(sentence)}”" for sentence in changes.removed)
        notes.append(f"No longer in the brief ({len(changes.removed)}): {dropped}")
    return notes


def _sentence_md(sentence: BriefSentence) -> str:
    mark = f"{NEW_MARK} " if sentence.new else ""
    flag = " **[unsupported]**" if sentence.unsupported else ""
    single = SINGLE_MARK if sentence.single_source else ""
    return f"{mark}{_md(sentence.prose)} {_cites(sentence.citations)}{single}{flag}"


def _sentence_html(sentence: BriefSentence) -> str:
    """The sentence's opening tag and prose; its citations and closing tag follow."""
    flags = (("new", sentence.new), ("unsupported", sentence.unsupported))
    classes = " ".join(["sentence", *(name for name, on in flags if on)])
    mark = '<span class="new-mark" title="new in this version">● </span>' if sentence.new else ""
    return f'<span class="{classes}">{mark}{escape(sentence.prose)}'


def _single_html(sentence: BriefSentence) -> str:
    if not sentence.single_source:
        return ""
    return f'<span class="single-mark" title="{escape(SINGLE_MEANING)}">{SINGLE_MARK}</span>'


def _cites(numbers: tuple[int, ...]) -> str:
    return f"[{', '.join(map(str, numbers))}]" if numbers else ""


def _source_md(entry: SourceEntry) -> str:
    return f"{_md(entry.outlet)}: {_md_link(entry.title, entry.url)}{_source_details(entry, _md)}"


def _source_details(
    entry: SourceEntry, text: Callable[[str], str] = str, moment: Callable[[datetime], str] = _utc
) -> str:
    """When a source was published and where else it ran; `text` writes the outlets, `moment`
    the time."""
    details = []
    if entry.published_at:
        details.append(moment(datetime.fromisoformat(entry.published_at)))
    if entry.also_ran:
        details.append("the same wire copy also ran in " + ", ".join(map(text, entry.also_ran)))
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
