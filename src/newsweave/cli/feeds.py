"""`newsweave feeds`: follow, list, remove, import and export the feeds `watch` polls.

A feed is followed by its http(s) address alone; the store's `feeds` table keeps how each poll
went (following.py), which `feeds list` shows.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import click

from newsweave.cli.base import existing_store, main, with_settings
from newsweave.cli.output import day, out, print_json, shown
from newsweave.errors import NewsweaveError
from newsweave.outward import safe_link
from newsweave.settings import Settings
from newsweave.store import StoredFeed, open_store


@main.group("feeds")
def feeds_group() -> None:
    """The feeds newsweave follows, which `newsweave watch` polls when given none."""


@feeds_group.command("add")
@click.argument("urls", nargs=-1, required=True)
@with_settings
def feeds_add_command(settings: Settings, urls: tuple[str, ...]) -> None:
    """Follow the feeds at URLS (RSS or Atom, http or https)."""
    _follow(settings, urls)


@feeds_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@with_settings
def feeds_import_command(settings: Settings, file: Path) -> None:
    """Follow every feed of an OPML list (a feed reader's export)."""
    from newsweave.ingest.feeds import read_opml

    try:
        body = file.read_bytes()
    except OSError as error:
        raise NewsweaveError(f"cannot read {file}: {error.strerror}; check the path") from None
    _follow(settings, tuple(read_opml(body, str(file))))


@feeds_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def feeds_list_command(settings: Settings, as_json: bool) -> None:
    """List the followed feeds: when each was last read and last brought something new, its
    new articles per day, and whether polling it fails (a failing feed backs off: `watch`
    polls it less often, at least once a day, and never drops it)."""
    with existing_store(settings) as store:
        feeds = store.list_feeds()
    now = datetime.now(UTC)
    if as_json:
        print_json([_feed_data(feed, now) for feed in feeds])
        return
    out.print(shown(f"{len(feeds)} feeds followed in {settings.db}"))
    for feed in feeds:
        out.print(shown(f"{feed.url}", "bold"))
        read = f"last read {day(feed.last_fetched_at)}" if feed.last_fetched_at else "not read yet"
        new = f"last new item {day(feed.last_new_at)}" if feed.last_new_at else "no new item yet"
        out.print(shown(f"  {feed.status(now)} · {read} · {new}"))
        outlet = f" · outlet {feed.outlet}" if feed.outlet else ""
        per_day = feed.items_per_day(now)
        out.print(
            shown(f"  {per_day:.1f} items a day · followed since {day(feed.added_at)}{outlet}")
        )
        if feed.failures:
            out.print(shown(f"  last error ({day(feed.last_failed_at)}): {feed.last_error}", "red"))


def _feed_data(feed: StoredFeed, now: datetime) -> dict[str, Any]:
    return {
        **asdict(feed),
        "status": feed.status(now),
        "backing_off": feed.backing_off(now),
        "items_per_day": round(feed.items_per_day(now), 2),
    }


@feeds_group.command("remove")
@click.argument("urls", nargs=-1, required=True)
@with_settings
def feeds_remove_command(settings: Settings, urls: tuple[str, ...]) -> None:
    """Stop following the feeds at URLS; what they brought stays in the store."""
    with existing_store(settings) as store:
        unknown = [url for url in urls if not store.remove_feed(url)]
    for url in urls:
        if url not in unknown:
            out.print(shown(f"no longer following {url}"))
    if unknown:
        raise NewsweaveError(
            f"not followed: {', '.join(unknown)}; `newsweave feeds list` shows the feeds followed"
        )


@feeds_group.command("export")
@with_settings
def feeds_export_command(settings: Settings) -> None:
    """Print the followed feeds as an OPML list, for a feed reader or `feeds import`."""
    with existing_store(settings) as store:
        feeds = store.list_feeds()
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = "newsweave: followed feeds"
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        ElementTree.SubElement(body, "outline", type="rss", text=feed.url, xmlUrl=feed.url)
    ElementTree.indent(root)
    sys.stdout.write(ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n")


def _follow(settings: Settings, urls: Sequence[str]) -> None:
    """Follow each of `urls`; one that is not an http(s) address is refused, naming it."""
    refused = [url for url in urls if safe_link(url) != url]
    if refused:
        raise NewsweaveError(
            f"not an http(s) feed address: {', '.join(refused)}; give the feed's full URL "
            "(https://…), without credentials"
        )
    now = datetime.now(UTC)
    with open_store(settings.db) as store:
        added = [url for url in urls if store.add_feed(url, now)]
    for url in urls:
        out.print(shown(f"following {url}" if url in added else f"already following {url}"))
