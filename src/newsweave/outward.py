"""What may leave newsweave: text without control characters or credentials, and links that
are only ever http(s).

Everything scraped passes through here on its way out — the pages and the JSON API, the Atom
feeds, the briefs in every format and the terminal — whatever the store holds (an older store,
or something that slipped past ingest), so every output is safe on its own:

- `safe_text` removes, with `strip_controls` (the one list, which ingest's cleaning uses too), the
  control characters (C0 but tab and newline, DEL, C1, lone surrogates and the noncharacters
  U+FFFE and U+FFFF) that XML 1.0 forbids, that a terminal runs as escape sequences (ESC, CSI,
  OSC 8 hyperlinks, BEL) and that would corrupt a page, and the bidi embeddings, overrides and
  isolates that reorder what is shown around them; a carriage return becomes a newline, since
  alone it lets a line overwrite the one before.
  It also removes the credentials of any URL in the text ("https://user:pass@host/" becomes
  "https://host/"), and of a bare "user:pass@host", which is how a site without a name of
  its own once became an outlet called by its credentials.
- `safe_data` applies `safe_text` to every string of a JSON-ready value.
- `safe_link` is the one decision of what may become a link (an href, a Markdown link, a URL
  a JSON consumer is handed): an absolute http or https URL with a host, its credentials
  removed; anything else (`javascript:`, `vbscript:`, `data:`, `file:`, a relative or
  scheme-relative address) is None. The scheme is read as a browser reads it — leading
  spaces and controls skipped, tabs and newlines inside ignored, case ignored — so neither
  " JaVaScRiPt:" nor "java\\tscript:" passes; an allowlist means no spelling of another
  scheme can.

Hand-written rather than a sanitising library: the rules are these few, and the libraries that
exist clean HTML, not URLs, terminal text and XML at once.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "CONTROLS",
    "LINK_SCHEMES",
    "one_line",
    "safe_data",
    "safe_link",
    "safe_text",
    "strip_controls",
    "without_credentials",
]

LINK_SCHEMES = ("http", "https")
# C0 and C1 controls but tab and line feed, DEL, the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069; the bidi marks U+200E and U+200F are kept), lone surrogates
# (JSON can spell them, and SQLite cannot store them) and the noncharacters U+FFFE, U+FFFF.
CONTROLS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)

# The userinfo of a URL (after "scheme://", or "//" at the start of a word), up to its last
# "@" before the host; and a bare "user:password@host". Neither crosses whitespace, a quote
# or an angle bracket, so in HTML a match never reaches into the markup around a text.
_URL_USERINFO = r"(?:(?<=://)|(?<=:\\\\)|(?<=^//)|(?<=[\s(<\"']//))[^\s/\\?#\"'<>]*@"
_BARE_USERINFO = r"(?<![^\s(<\"'])[^\s/\\?#@\"'<>:]+:[^\s/\\?#\"'<>]*@(?=[\w\[])"
_CREDENTIALS = re.compile(f"{_URL_USERINFO}|{_BARE_USERINFO}")


def safe_text(text: str) -> str:
    """`text` without control characters (tab and newline stay) or credentials."""
    return without_credentials(strip_controls(text))


def strip_controls(text: str) -> str:
    """`text` without control characters or bidi overrides; line breaks become "\\n"."""
    return CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str | None, limit: int) -> str:
    """A name, title or message as one line: no control characters, each run of whitespace one
    space, at most `limit` characters (cut at a word in its second half, with an ellipsis)."""
    line = " ".join(CONTROLS.sub(" ", text or "").split())
    if len(line) <= limit:
        return line
    head = line[: limit - 1]
    if " " in head[limit // 2 :]:  # cut at a word, unless that loses half the line
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def without_credentials(text: str) -> str:
    """`text` (a URL, a message naming URLs, any text) with the `user:password@` of every URL
    in it, and every bare "user:password@host", taken out; the rest is left as it is."""
    return _CREDENTIALS.sub("", text) if "@" in text else text


def safe_data(data: Any) -> Any:
    """`data` (dicts, lists and scalars, as JSON holds) with `safe_text` applied to every
    string in it."""
    if isinstance(data, str):
        return safe_text(data)
    if isinstance(data, dict):
        return {key: safe_data(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [safe_data(value) for value in data]
    return data


def safe_link(url: str | None) -> str | None:
    """`url` as something that may become a link: an absolute http(s) URL with a host,
    without credentials or controls; None for anything else."""
    if not url:
        return None
    address = safe_text(url).replace("\t", "").replace("\n", "").strip()
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:  # a malformed IPv6 host or port
        return None
    if parts.scheme.lower() not in LINK_SCHEMES or not host:
        return None
    return address
