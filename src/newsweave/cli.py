"""The `newsweave` command: each command is one library call plus its output.

Errors are turned into one line on stderr and an exit code here, in one place: 0 when all went
well, 1 when the command failed, 3 when a batch was partly rejected (the rest was stored), and 70
for an internal error, which is a bug in newsweave.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from newsweave.errors import NewsweaveError
from newsweave.ingest.stage import ingest
from newsweave.model import Article, IngestReport
from newsweave.settings import Settings, load_settings
from newsweave.store import SQLiteStore, open_store

EXIT_FAILED = 1
EXIT_PARTIAL = 3
EXIT_INTERNAL = 70

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewsweaveError as error:
            err.print(f"error: {error}", markup=False)
            sys.exit(EXIT_FAILED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted; what was committed before stays in the store")
            sys.exit(130)
        except Exception as error:
            err.print(
                f"internal error: {type(error).__name__}: {error}. This is a bug in newsweave; "
                "please report it with the command you ran.",
                markup=False,
            )
            sys.exit(EXIT_INTERNAL)


def _with_settings(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --db and --config, and hand it the effective Settings."""

    @click.option("--db", type=click.Path(path_type=Path), help="SQLite store [NEWSWEAVE_DB]")
    @click.option(
        "--config", type=click.Path(path_type=Path), help="TOML settings file [NEWSWEAVE_CONFIG]"
    )
    @functools.wraps(command)
    def wrapper(db: Path | None, config: Path | None, **kwargs: Any) -> Any:
        return command(load_settings(config, {"db": db}), **kwargs)

    return wrapper


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsweave")
def main() -> None:
    """newsweave: one neutral, cited brief per news event, from many outlets."""


@main.command("ingest")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
@_with_settings
def ingest_command(settings: Settings, sources: tuple[str, ...], as_json: bool) -> None:
    """Store articles from files, folders, URLs, RSS/Atom feeds and OPML lists.

    SOURCES are .txt, .html, .json or .jsonl files, folders of them (with an optional
    sources.toml naming the outlets), feed or OPML files, or http(s) URLs of pages and feeds.
    """
    with open_store(settings.db) as store, _progress_bar() as bar:
        task = bar.add_task("storing", total=None)
        report = ingest(
            list(sources),
            store,
            settings,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    _print_report(report, as_json)
    if report.is_partial:
        sys.exit(EXIT_PARTIAL if report.ingested or report.revised or report.unchanged else 1)


@main.command("articles")
@click.option("--limit", default=50, show_default=True, help="how many articles to list")
@click.option("--offset", default=0, help="skip this many first")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def articles_command(settings: Settings, limit: int, offset: int, as_json: bool) -> None:
    """List stored articles, newest first."""
    with _existing_store(settings) as store:
        articles = store.list_articles(limit=limit, offset=offset)
        total = store.count_articles()
    if as_json:
        out.print_json(json.dumps([_article_summary(a) for a in articles]))
        return
    table = Table(title=f"{total} articles in {settings.db}", title_justify="left")
    for column in ("id", "published", "outlet", "title", "words", "flags"):
        table.add_column(column, overflow="fold")
    for article in articles:
        table.add_row(
            article.article_id[:10],
            _day(article.published_at),
            article.source.name,
            article.title,
            str(len(article.text.split())),
            ", ".join(sorted({flag.kind for flag in article.flags})),
        )
    out.print(table)


@main.command("show")
@click.argument("article_id")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def show_command(settings: Settings, article_id: str, as_json: bool) -> None:
    """Show one article: metadata, quality flags, revisions and text."""
    with _existing_store(settings) as store:
        article = store.get_article(article_id)
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
        out.print_json(json.dumps(data, default=str))
        return
    out.print(f"[bold]{article.title}[/bold]")
    for name, value in _article_summary(article).items():
        if value not in (None, "", []) and name != "title":
            out.print(f"  {name}: {value}", markup=False)
    out.print(f"  revisions: {', '.join(f'{r.revision} ({r.article_id})' for r in revisions)}")
    for flag in article.flags:
        repair = f" → {flag.repair}" if flag.repair else ""
        out.print(f"  [yellow]flag {flag.kind}[/yellow]: {flag.detail}{repair}", markup=True)
    out.print()
    out.print(article.text, markup=False)


@main.command("settings")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@_with_settings
def settings_command(settings: Settings, as_json: bool) -> None:
    """Print the effective settings and what each one does."""
    rows = settings.describe()
    if as_json:
        out.print_json(json.dumps({name: value for name, value, _ in rows}, default=str))
        return
    table = Table(title="settings (defaults < TOML file < NEWSWEAVE_* < options)")
    for column in ("name", "value", "what it does"):
        table.add_column(column, overflow="fold")
    for name, value, help in rows:
        table.add_row(name, str(value), help)
    out.print(table)


def _existing_store(settings: Settings) -> SQLiteStore:
    if not settings.db.exists():
        raise NewsweaveError(
            f"no store at {settings.db}; run `newsweave ingest SOURCE…` first or give --db"
        )
    return open_store(settings.db)


def _progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _print_report(report: IngestReport, as_json: bool) -> None:
    counts = {
        "ingested": len(report.ingested),
        "unchanged": len(report.unchanged),
        "revised": len(report.revised),
        "rejected": len(report.rejected),
    }
    if as_json:
        data = counts | {
            "rejected_by_reason": report.rejected_by_reason(),
            "rejections": [asdict(r) for r in report.rejected],
            "skipped": report.skipped,
        }
        out.print_json(json.dumps(data))
        return
    for rejection in report.rejected:
        err.print(f"rejected: {rejection.message}", markup=False)
    for path in report.skipped:
        err.print(f"skipped: {path} (not an article file)", markup=False)
    summary = ", ".join(f"{count} {name}" for name, count in counts.items())
    reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason().items())
    out.print(summary + (f" ({reasons})" if reasons else ""), markup=False)


def _article_summary(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "outlet": article.source.name,
        "family": article.source.family,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "author": article.author,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "language": article.language,
        "words": len(article.text.split()),
        "flags": sorted({flag.kind for flag in article.flags}),
        "revision": article.revision,
    }


def _day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"
