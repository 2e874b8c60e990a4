"""The commands that read the stored articles: `articles` (a table or JSON) and `show`."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from newsweave.cli.base import Count, existing_store, main, with_settings
from newsweave.cli.output import day, out, print_json, shown
from newsweave.errors import NewsweaveError
from newsweave.model import Article
from newsweave.outward import safe_link
from newsweave.settings import Settings
from newsweave.store import shown_location


@main.command("articles")
@click.option(
    "--limit", default=50, type=Count, show_default=True, help="how many articles to list"
)
@click.option("--offset", default=0, type=Count, help="skip this many first")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def articles_command(settings: Settings, limit: int, offset: int, as_json: bool) -> None:
    """List stored articles, newest first."""
    with existing_store(settings) as store:
        articles = store.list_articles(limit=limit, offset=offset)
        total = store.count_articles()
    if as_json:
        print_json([_article_summary(a) for a in articles])
        return
    table = Table(
        title=shown(f"{total} articles in {shown_location(settings.db)}"), title_justify="left"
    )
    for column in ("id", "published", "outlet", "title", "words", "flags"):
        table.add_column(column, overflow="fold")
    for article in articles:
        table.add_row(
            shown(article.article_id[:10]),
            day(article.published_at),
            shown(article.source.name),
            shown(article.title),
            str(len(article.text.split())),
            shown(", ".join(sorted({flag.kind for flag in article.flags}))),
        )
    out.print(table)


@main.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def show_command(settings: Settings, article_id: str, as_json: bool) -> None:
    """Show one article: metadata, quality flags, revisions and text."""
    with existing_store(settings) as store:
        article = store.get_article(article_id)  # AmbiguousId names the candidates
        if article is None:
            raise NewsweaveError(
                f"no article has an id starting with {article_id!r}; "
                "`newsweave articles` lists the ids"
            )
        revisions = store.revisions(article.key)
    if as_json:
        data = _article_summary(article) | {
            "text": article.text,
            "raw_text": article.raw_text,
            "flags": [asdict(flag) for flag in article.flags],
            "revisions": [{"revision": r.revision, "article_id": r.article_id} for r in revisions],
        }
        print_json(data)
        return
    out.print(shown(article.title, "bold"))
    for name, value in _article_summary(article).items():
        if value not in (None, "", []) and name != "title":
            out.print(shown(f"  {name}: {value}"))
    listed = ", ".join(f"{r.revision} ({r.article_id})" for r in revisions)
    out.print(shown(f"  revisions: {listed}"))
    for flag in article.flags:
        repair = f" → {flag.repair}" if flag.repair else ""
        detail = shown(f": {flag.detail}{repair}")
        out.print(Text.assemble("  ", shown(f"flag {flag.kind}", "yellow"), detail))
    out.print()
    out.print(shown(article.text, lines=True))


def _article_summary(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "outlet": article.source.name,
        "family": article.source.family,
        "url": safe_link(article.url),
        "canonical_url": safe_link(article.canonical_url),
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "words": len(article.text.split()),
        "flags": sorted({flag.kind for flag in article.flags}),
        "revision": article.revision,
    }
