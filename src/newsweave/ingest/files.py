"""Articles from local files: `.txt`, `.html`, `.json` and `.jsonl`.

A `.txt` file holds one article: its first line is the title, optionally followed by header lines
(`source: …`, `url: …`, `published: …`, `author: …`), a blank line, then the body. A first line
that reads as a paragraph rather than a headline (long, or ending as a sentence ends) with no
header lines under it is the body's first paragraph: the title is then derived from it (see
`titles.derive_title`), and the body keeps every sentence. Site chrome
before the title (a scraped page's "Press Enter to search") is left out of the text and
reported as removed chrome; the stored raw text is the whole file. `.json` holds one article
or a list, `.jsonl` one article a line, in the article schema `{"id", "title", "text",
"published_at", "source", "url"}`; other keys (a gold label, say) are ignored. A bad line is
rejected with its line number and the other lines go on.

Only regular files are read: a device, a FIFO or a socket named `x.txt` (or a link to one) is
refused when opened, before a byte is read, since reading one may never end or never start.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from newsweave.errors import InputError, UnreadableInput, UnsupportedInput
from newsweave.ingest.clean import is_boilerplate_line
from newsweave.ingest.draft import Draft, each_isolated, read_time
from newsweave.ingest.titles import reads_as_title
from newsweave.ingest.web import domain_of, extract_html
from newsweave.model import Rejection

ARTICLE_SUFFIXES = {".txt", ".html", ".htm", ".json", ".jsonl"}
HEADER_KEYS = {"source", "url", "published", "author", "id", "language", "canonical"}
_HOST_NAME = re.compile(r"[\w-]+(\.[\w-]+)+")  # a "source" that names an outlet by its site
_TOO_DEEP = "JSON is nested too deeply to be an article; give article objects (see the README)"


def open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading when it is a regular file (a link is followed); anything else
    is refused without a read. The file is opened without blocking, so a FIFO cannot hang the
    open, and checked once open, so it cannot be swapped for a device after the check."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UnreadableInput(
            str(path),
            "is not a regular file (a device, FIFO or socket, or a link to one), so it is not "
            "read; give a text, HTML, JSON or feed file",
            reason="not-a-file",
        )
    return os.fdopen(fd, "rb")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, refusing what cannot be an article before reading it whole."""
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        data = b"" if size > max_bytes else fh.read(max_bytes + 1)
    if max(size, len(data)) > max_bytes:
        raise UnreadableInput(
            str(path),
            f"file is {max(size, len(data)) / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB "
            "limit; split it or raise max_file_bytes",
            reason="too-large",
        )
    if not data.strip():
        raise UnreadableInput(
            str(path),
            "file is empty; nothing to ingest (check that it was saved or downloaded in full)",
            reason="empty",
        )
    if b"\x00" in data[:8192]:
        raise UnreadableInput(
            str(path),
            "file looks binary, not text; give a text, HTML or JSON file",
            reason="binary",
        )
    return data


def decode(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t")
    if controls > len(text) / 100 or text.count("\ufffd") > len(text) / 100:
        raise UnreadableInput(
            origin, "file is neither UTF-8 nor readable text; save it as UTF-8", reason="binary"
        )
    return text


def read_file(path: Path, max_bytes: int) -> Iterator[Draft | Rejection]:
    """The articles in one file; errors about the whole file are raised, per-line ones yielded."""
    suffix = path.suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise UnsupportedInput(
            str(path),
            f"newsweave does not read {suffix or 'extension-less'} files; give .txt, .html, "
            ".json, .jsonl, an RSS/Atom feed or an OPML list",
        )
    if suffix == ".jsonl":
        yield from read_jsonl(path, max_bytes)
        return
    text = decode(read_bytes(path, max_bytes), str(path))
    if suffix == ".txt":
        yield read_txt(text, str(path))
    elif suffix in (".html", ".htm"):
        yield extract_html(text, url=None, origin=str(path))
    else:
        yield from read_json(text, str(path))


def read_txt(text: str, origin: str) -> Draft:
    lines = text.splitlines()
    start = 0
    while start < len(lines) and (not lines[start].strip() or is_boilerplate_line(lines[start])):
        start += 1
    if start == len(lines):
        raise UnreadableInput(origin, "file has no text besides site chrome", reason="empty")
    chrome = tuple(line.strip() for line in lines[:start] if line.strip())
    header, position = _header(lines, start + 1)
    title = lines[start].strip()
    if not header and not reads_as_title(title):  # the first paragraph: the title is derived
        title, position = "", start
    body = "\n".join(lines[position:]).strip()
    if not body:
        raise UnreadableInput(origin, "file has a title but no body text", reason="empty")
    url = header.get("url") or None
    return Draft(
        origin=origin,
        title=title,
        text=body,
        source_name=header.get("source") or None,
        domain=domain_of(url),
        url=url,
        canonical_url=header.get("canonical") or None,
        author=header.get("author") or None,
        published_at=parse_time(header.get("published"), origin, "published"),
        external_id=header.get("id") or None,
        language=header.get("language") or None,
        raw_text=text if chrome else None,
        chrome=chrome,
    )


def _header(lines: list[str], position: int) -> tuple[dict[str, str], int]:
    """The `name: value` header lines from `position` on, and the line after them."""
    header: dict[str, str] = {}
    while position < len(lines) and ":" in lines[position]:
        name, _, value = lines[position].partition(":")
        if name.strip().lower() not in HEADER_KEYS:
            break
        header[name.strip().lower()] = value.strip()
        position += 1
    return header, position


def read_json(text: str, origin: str) -> Iterator[Draft | Rejection]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UnreadableInput(
            origin, f"is not valid JSON ({error}); for one article a line, use .jsonl"
        ) from None
    except RecursionError:
        raise UnreadableInput(origin, _TOO_DEEP, reason="bad-json") from None
    items = data if isinstance(data, list) else [data]
    for number, item in enumerate(items, start=1):
        where = f"{origin}[{number}]"
        yield from each_isolated(where, _record_draft(item, where))


def jsonl_lines(path: Path, max_line_bytes: int) -> Iterator[tuple[str, str | InputError]]:
    """("path:number", line) for each non-blank line of a JSONL file, numbered from 1 and read
    one at a time, so a file of any size is read in the memory of its longest line; a line
    over `max_line_bytes` or not UTF-8 comes as an `InputError` naming it, and the rest go on.
    "path:number" names an input line for ingest and for the gold files of `newsweave eval`
    alike. Lines end at "\n" only: a JSON string may hold U+2028, which `str.splitlines`
    would break on."""
    with open_regular(path) as fh:
        if b"\x00" in fh.read(8192):
            raise UnreadableInput(
                str(path),
                "file looks binary, not text; give a text, HTML or JSON file",
                reason="binary",
            )
        fh.seek(0)
        number = 0
        while raw := fh.readline(max_line_bytes + 1):
            number += 1
            where = f"{path}:{number}"
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # the rest of the line is passed over
                    raw = fh.readline(1 << 20)
                yield (
                    where,
                    UnreadableInput(
                        where,
                        f"line is over the {max_line_bytes / 1e6:g} MB limit for one article; "
                        "shorten that article or raise max_file_bytes",
                        reason="too-large",
                    ),
                )
            elif raw.strip():
                try:
                    yield where, raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    yield (
                        where,
                        UnreadableInput(
                            where, "line is not UTF-8 text; save the file as UTF-8", reason="binary"
                        ),
                    )


def read_jsonl(path: Path, max_line_bytes: int) -> Iterator[Draft | Rejection]:
    """One article a line, streamed; a bad line is a rejection and the others go on."""
    lines = 0
    for where, line in jsonl_lines(path, max_line_bytes):
        lines += 1
        yield from each_isolated(where, _line_draft(line, where))
    if not lines:
        raise UnreadableInput(
            str(path), "file is empty; nothing to ingest (one JSON article a line)", reason="empty"
        )


def _line_draft(line: str | InputError, where: str) -> Iterator[Draft]:
    if isinstance(line, InputError):
        raise line
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise UnreadableInput(
            where,
            f"line is not valid JSON ({error.msg}); fix or remove that line, each line must be "
            "one JSON article object",
            reason="bad-json",
        ) from None
    except RecursionError:
        raise UnreadableInput(where, _TOO_DEEP, reason="bad-json") from None
    yield from _record_draft(item, where)


def _record_draft(item: Any, origin: str) -> Iterator[Draft]:
    yield draft_from_record(item, origin)


def draft_from_record(item: Any, origin: str) -> Draft:
    """One article in the article schema of the evaluation data."""
    if not isinstance(item, dict):
        raise UnreadableInput(origin, "expected a JSON object with at least a 'text' key")
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise UnreadableInput(origin, "article has no 'text'; every article needs its text")
    for key in ("id", "title", "source", "url", "published_at"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise UnreadableInput(origin, f"'{key}' must be a string or null")
    source = item.get("source") or None
    url = item.get("url") or None
    is_domain = bool(source and _HOST_NAME.fullmatch(source))
    title = (item.get("title") or "").strip()
    return Draft(
        origin=origin,
        title=title,
        text=text,
        source_name=source,
        domain=source if is_domain else domain_of(url),
        url=url,
        published_at=parse_time(item.get("published_at"), origin, "published_at"),
        external_id=item.get("id") or None,
    )


def parse_time(value: str | None, origin: str, field: str) -> datetime | None:
    """The time an input's field gives (see `draft.read_time`); one that is not a time at all
    is refused, since the user wrote it and can fix it."""
    parsed = read_time(value)
    if value and value.strip() and parsed is None:
        raise UnreadableInput(
            origin,
            f"{field} {value!r} is not a time; write it as ISO 8601, e.g. "
            "2026-03-05T09:30:00+00:00 or 2026-03-05",
            reason="bad-date",
        )
    return parsed
