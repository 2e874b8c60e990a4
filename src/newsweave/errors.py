"""The exceptions newsweave raises, named after the condition they report.

    NewsweaveError                  every error the project raises on purpose
    ├── SettingsError               a settings file, variable or override is invalid
    │   └── SettingsFileError       the settings file cannot be read as TOML
    ├── StoreError                  the store cannot be opened or written
    │   └── StoreLocked             another process holds the store's write lock too long
    ├── WorkerLost                  a worker process ended before it answered
    ├── AmbiguousId                 an id prefix names several events or articles
    └── InputError                  one input given by the user cannot be used
        ├── UnsupportedInput        not a kind of input newsweave reads
        ├── UnreadableInput         empty, binary, too large or malformed
        ├── EvaluationRefused       a gold file whose items were not all read
        └── FetchError              fetching a URL failed
            ├── AddressNotAllowed   the URL resolves to a private, loopback or link-local address
            ├── RobotsDisallowed    the site's robots.txt forbids fetching the URL
            ├── FetchTimeout        the server did not answer in time
            ├── HTTPStatusError     the server answered with an error status
            └── ResponseTooLarge    the response is over the size cap

Every message says what happened, to which input, and what to try. The CLI turns any
`NewsweaveError` into one line and a non-zero exit code; an expected rejection of one item in a
batch is a value (`model.Rejection`) built from the error's message, so the rest of the batch
goes on.
"""

from __future__ import annotations

from newsweave.outward import one_line


class NewsweaveError(Exception):
    """Base of every error newsweave raises on purpose."""


class SettingsError(NewsweaveError):
    """A setting has an unknown name or a value of the wrong type."""


class SettingsFileError(SettingsError):
    """The settings file (--config, NEWSWEAVE_CONFIG) is missing, a folder, unreadable or not
    TOML: the command line or the environment is wrong, as with a bad option."""


class StoreError(NewsweaveError):
    """The store cannot be opened, migrated or written."""


class StoreLocked(StoreError):
    """Another process kept the store's write lock past the busy timeout."""


class WorkerLost(NewsweaveError):
    """A process working for this one ended before it answered."""


class AmbiguousId(NewsweaveError):
    """An id prefix that starts the ids of several events (or articles), so which one is
    meant cannot be told; `count` of them, the first few in `candidates`."""

    def __init__(self, kind: str, prefix: str, count: int, candidates: list[str]) -> None:
        self.prefix = prefix
        self.count = count
        self.candidates = candidates
        more = ", …" if count > len(candidates) else ""
        super().__init__(
            f"{prefix!r} is ambiguous: {count} {kind}s have ids starting with it "
            f"({', '.join(candidates)}{more}); give more of the id"
        )


class InputError(NewsweaveError):
    """One input (file, URL, feed, line) cannot be used.

    `input` names the input as the user gave it; `reason` is a short stable key used to count
    rejections by kind (for example ``"empty"`` or ``"http-404"``).
    """

    reason = "unreadable"

    def __init__(self, input: str, message: str, *, reason: str | None = None) -> None:
        self.input = input
        if reason is not None:
            self.reason = reason
        super().__init__(f"{input}: {message}")


class EvaluationRefused(InputError):
    """A gold file whose items were not all read: scoring it would score another file."""

    reason = "gold-rejected"


class UnsupportedInput(InputError):
    reason = "unsupported"


class UnreadableInput(InputError):
    reason = "unreadable"


class FetchError(InputError):
    reason = "fetch-failed"


class AddressNotAllowed(FetchError):
    reason = "private-address"


class RobotsDisallowed(FetchError):
    reason = "robots-disallowed"


class FetchTimeout(FetchError):
    reason = "timeout"


class HTTPStatusError(FetchError):
    reason = "http-error"

    def __init__(self, input: str, status: int, message: str) -> None:
        self.status = status
        super().__init__(input, message, reason=f"http-{status}")


class ResponseTooLarge(FetchError):
    reason = "too-large"


REASON_CHARS = 300  # the longest one-line reason `one_line_reason` gives


def one_line_reason(error: BaseException) -> str:
    """An error as one line a user can read, for a failure recorded or reported while the rest
    goes on: a NewsweaveError's message, any other exception's type and message (a bug, or an
    input no check foresaw). On one line (`outward.one_line`), cut to REASON_CHARS."""
    text = str(error) if isinstance(error, NewsweaveError) else f"{type(error).__name__}: {error}"
    return one_line(text[: REASON_CHARS * 4], REASON_CHARS)  # a message may quote a whole input
