"""A fetched body, from the bytes on the wire to text: content decoding within a bound, then
the charset.

Written by hand, and why:

- Content decoding. httpx decodes each chunk whole, so one 2 KB chunk of a stacked bomb
  (`Content-Encoding: gzip, gzip`) is inflated to gigabytes before any size can be checked.
  Here every layer is inflated a piece of at most `PIECE` bytes at a time (zlib's
  `max_length`), and every layer's output is counted against the cap as it comes, so memory
  stays within the cap plus a few pieces whatever the ratio or the number of layers. Only
  `gzip` and `deflate` are decoded, as httpx does them (a deflate body may be zlib-wrapped or
  raw); the client asks for nothing else (`ACCEPT_ENCODING`), and any other coding is refused.
- Charsets. Python's codec registry answers for names that are no text encoding (`base64`,
  `zlib`, `uu_codec`) and for its own codecs that no web page means (`idna`, `punycode`,
  `unicode_escape`); decoding with one raises. A page naming one, or a name nobody knows, is
  decoded by its meta charset or as UTF-8 instead, and says so (the `unknown_charset` flag).
"""

from __future__ import annotations

import codecs
import re
import time
import zlib
from collections.abc import Callable, Iterable, Iterator

import httpx

from newsweave.errors import FetchError, ResponseTooLarge, UnsupportedInput

__all__ = ["ACCEPT_ENCODING", "decode_text", "read_body"]

ACCEPT_ENCODING = "gzip, deflate"
PIECE = 64 * 1024  # the most one layer inflates at once
_NO_WEB_CHARSETS = {
    "idna",
    "punycode",
    "undefined",
    "unicode-escape",
    "raw-unicode-escape",
    "mbcs",
    "oem",
}
_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)


class _UnknownCoding(ValueError):
    """The response names a content coding this module does not decode."""


def read_body(response: httpx.Response, cap: int, deadline: float, requested: str) -> bytes:
    """The body of a streamed response with its content codings undone; the bytes on the wire
    and every layer's output are held to `cap` and the monotonic `deadline` as they come.
    Errors name `requested`, the URL the user gave."""

    def check(size: int) -> None:
        if size > cap:
            raise ResponseTooLarge(
                requested,
                f"response is over the {cap:,} byte limit (on the wire or decoded); raise "
                "max_response_bytes to fetch it",
            )
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("the response ran past its overall deadline")

    length = response.headers.get("content-length", "")
    if length.isdigit():
        check(int(length))
    coding = response.headers.get("content-encoding", "")
    try:
        return b"".join(_decoded(_counted(response.iter_raw(), check), coding, check))
    except _UnknownCoding as error:
        raise UnsupportedInput(
            requested,
            f"answered in content coding {error}, which newsweave does not decode (it asks "
            f"for {ACCEPT_ENCODING}); check the URL or the server",
            reason="bad-encoding",
        ) from None
    except zlib.error as error:
        raise FetchError(
            requested,
            f"the response's {coding} content is corrupt ({error}); try again later",
            reason="bad-encoding",
        ) from None


def _counted(chunks: Iterable[bytes], check: Callable[[int], None]) -> Iterator[bytes]:
    size = 0
    for chunk in chunks:
        size += len(chunk)
        check(size)
        yield chunk


def _decoded(
    raw: Iterable[bytes], content_encoding: str, on_size: Callable[[int], None]
) -> Iterator[bytes]:
    """The body under the codings `content_encoding` lists (applied in that order, so undone in
    reverse), in pieces; `on_size` is told the bytes each layer has given so far, as they come,
    and raises to stop. Raises `_UnknownCoding` and `zlib.error`."""
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    chunks: Iterable[bytes] = raw
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate"):
            chunks = _inflated(chunks, coding, on_size)
        elif coding != "identity":
            raise _UnknownCoding(coding)
    return iter(chunks)


def _inflated(
    chunks: Iterable[bytes], coding: str, on_size: Callable[[int], None]
) -> Iterator[bytes]:
    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16 if coding != "deflate" else zlib.MAX_WBITS)
    size, first = 0, coding == "deflate"
    for chunk in chunks:
        data = chunk
        while data:
            try:
                piece = inflate.decompress(data, PIECE)
            except zlib.error:
                if not first:
                    raise
                inflate = zlib.decompressobj(-zlib.MAX_WBITS)  # deflate without the zlib wrap
                piece = inflate.decompress(data, PIECE)
            first = False
            data = inflate.unconsumed_tail
            size += len(piece)
            on_size(size)
            yield piece
    rest = inflate.flush()  # all input is consumed: what zlib still holds is under its window
    on_size(size + len(rest))
    yield rest


def decode_text(content_type: str, body: bytes) -> tuple[str, str | None]:
    """The body as text, by the BOM, else the header's charset, else the page's meta charset,
    else UTF-8; and, when a charset the page declared could not be used, a sentence saying so."""
    if body.startswith(codecs.BOM_UTF8):
        return body.decode("utf-8-sig", errors="replace"), None
    declared: list[str] = []
    if header := _CHARSET.search(content_type):
        declared.append(header.group(1))
    if meta := _META_CHARSET.search(body[:4096]):
        declared.append(meta.group(1).decode("ascii"))
    unusable = []
    for name in declared:
        text = _decoded_as(body, name)
        if text is not None:
            break
        unusable.append(name)
    else:
        text, name = body.decode("utf-8", errors="replace"), "UTF-8"
    if not unusable:
        return text, None
    return text, (
        f"the page declared charset {unusable[0]!r}, which is not a text encoding newsweave "
        f"knows; it was read as {name}"
    )


def _decoded_as(body: bytes, name: str) -> str | None:
    try:
        encoding = codecs.lookup(name).name
        if encoding in _NO_WEB_CHARSETS:
            return None
        return body.decode(encoding, errors="replace")
    except (LookupError, UnicodeError):  # no text encoding (LookupError), or one that fails
        return None
