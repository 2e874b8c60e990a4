"""How the commands print: two consoles, and text from outside newsweave made safe to show.

Whatever the store holds reaches the terminal through `shown` (or `print_json`): literally,
never read as Rich markup or emoji codes, and without control characters or credentials
(`outward.safe_text`), so a scraped title can neither crash a command nor send the terminal an
escape sequence, a hyperlink or a bell. A URL is printed only when it is an http(s) link
(`outward.safe_link`), as the web pages and the API show it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.console import Console
from rich.text import Text

from newsweave.outward import safe_data, safe_text

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)


def shown(text: str, style: str = "", *, lines: bool = False) -> Text:
    """Text from the store (or anything outside newsweave) as the terminal gets it: as it is,
    never read as markup or emoji codes, without control characters or credentials, and on
    one line unless `lines`."""
    safe = safe_text(text)
    return Text(safe if lines else safe.replace("\n", " ").replace("\t", " "), style=style)


def print_json(data: Any) -> None:
    """`data` as JSON on stdout, every string in it through `outward.safe_text`."""
    out.print_json(data=safe_data(data), default=str)


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "—"
