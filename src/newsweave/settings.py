"""Every setting newsweave has, in one dataclass, with where each value came from.

Values are layered, later layers winning: the defaults below, a TOML file (`--config PATH`, else
`$NEWSWEAVE_CONFIG`, else `./newsweave.toml` when it exists), environment variables named
`NEWSWEAVE_<NAME>` (for example `NEWSWEAVE_DB`), then options given on the command line. The help
text of each field is what `newsweave settings` prints, so the code, the CLI and the docs agree.

A number has a range (`_setting(..., allowed=(least, most, unit))`), shown with its help and
checked in every layer: NaN, an infinity, a negative timeout or a zero interval is refused in
one line naming the setting, where it came from and the range, before anything runs.
"""

from __future__ import annotations

import os
import reprlib
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from newsweave.errors import SettingsError, SettingsFileError

ENV_PREFIX = "NEWSWEAVE_"
DEFAULT_CONFIG = Path("newsweave.toml")
SECRETS = frozenset({"llm_api_key"})


Range = tuple[float, float, str]  # least, most (both allowed), unit


def _setting(default: Any, help: str, allowed: Range | None = None) -> Any:
    return field(default=default, metadata={"help": help, "allowed": allowed})


@dataclass(frozen=True)
class Settings:
    db: str = _setting(
        "newsweave.db",
        "the store: a SQLite file, or a PostgreSQL database's URL (postgresql://…, which needs "
        "the postgres extra) that several workers can share",
    )
    user_agent: str = _setting(
        "newsweave/0.1 (news brief builder)", "User-Agent sent with every request"
    )
    respect_robots: bool = _setting(True, "honour each site's robots.txt")
    allow_private_addresses: bool = _setting(
        False, "allow fetching private, loopback and link-local addresses"
    )
    connect_timeout: float = _setting(
        5.0, "seconds to wait for a connection", (0.1, 600, "seconds")
    )
    read_timeout: float = _setting(
        15.0, "seconds to wait for each read from a server", (0.1, 3600, "seconds")
    )
    max_response_bytes: int = _setting(
        5_000_000, "largest response body fetched, in bytes", (1, 1_000_000_000, "bytes")
    )
    max_redirects: int = _setting(5, "most redirects followed for one URL", (0, 30, "redirects"))
    per_host_interval: float = _setting(
        1.0, "least seconds between two requests to one host", (0, 3600, "seconds")
    )
    feed_fetch_pages: str = _setting(
        "auto",
        "fetch each feed entry's page: always, never, or auto (only when the feed "
        "carries a summary rather than the full text)",
    )
    watch_interval: float = _setting(
        300.0,
        "seconds from the start of one `newsweave watch` cycle to the start of the next",
        (1, 604_800, "seconds"),
    )
    max_file_bytes: int = _setting(
        10_000_000, "largest local file ingested, in bytes", (1, 100_000_000_000, "bytes")
    )
    min_words: int = _setting(
        60, "texts with fewer words are flagged too_short", (0, 10_000, "words")
    )
    embedder: str = _setting(
        "minilm",
        "sentence embedder: minilm (packaged all-MiniLM-L6-v2), static (wordllama: faster, "
        "weaker), or the folder of an ONNX sentence-transformers export",
    )
    support_nli: str = _setting(
        "",
        "folder of an ONNX NLI cross-encoder (model.onnx, tokenizer.json) whose entailment "
        "decides whether articles support a sentence; empty: newsweave's own checker",
    )

    writer: str = _setting(
        "embedded",
        "who drafts the briefs: embedded (newsweave's own, no LLM) or llm (an "
        "OpenAI-compatible chat endpoint; the embedded writer stands in when it fails)",
    )
    llm_base_url: str = _setting(
        "", "base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1"
    )
    llm_model: str = _setting("", "model name sent to the LLM endpoint")
    llm_api_key: str = _setting("", "API key for the LLM endpoint (sent as a Bearer token)")
    llm_timeout: float = _setting(120.0, "seconds to wait for one LLM answer", (1, 3600, "seconds"))
    llm_retries: int = _setting(
        2, "retries of a failed LLM request (connection, 429, 5xx)", (0, 10, "retries")
    )
    engine: str = _setting(
        "local",
        "where embedding, parsing, analysis and brief writing run: local (this process) or "
        "ray (Ray workers, one per CPU; needs the ray extra)",
    )
    ray_address: str = _setting(
        "",
        "the Ray cluster to join with engine ray (e.g. ray://head:10001 or auto); empty: "
        "start a local Ray on this machine's cores",
    )
    keep_unsupported: bool = _setting(
        False,
        "debugging a writer: keep brief sentences that verification finds unsupported, "
        "marked [unsupported], instead of removing them",
    )

    def describe(self) -> list[tuple[str, Any, str]]:
        """(name, value, help) for every setting, in declaration order, a number's help with
        its range; a secret shows only whether it is set."""
        return [
            (f.name, _shown(f.name, getattr(self, f.name)), _help(f.metadata)) for f in fields(self)
        ]


def check_setting(name: str, value: Any, origin: str) -> Any:
    """`value`, when it is in the range of the number setting `name` (any value of a setting
    without one); a SettingsError naming the setting, `origin` and the range otherwise."""
    allowed = _FIELDS[name].metadata["allowed"]
    if allowed is None:
        return value
    least, most, _ = allowed
    if not least <= value <= most:  # NaN fails every comparison, an infinity the bounds
        raise SettingsError(
            f"setting {name} in {origin} must be {_range(allowed)}, not {reprlib.repr(value)}"
        )
    return value


def _help(metadata: Any) -> str:
    allowed = metadata["allowed"]
    return f"{metadata['help']}; {_range(allowed)}" if allowed else metadata["help"]


def _range(allowed: Range) -> str:
    least, most, unit = allowed
    return f"from {_number(least)} to {_number(most)} {unit}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


_FIELDS = {f.name: f for f in fields(Settings)}


def _shown(name: str, value: Any) -> Any:
    if name in SECRETS:
        return "(set)" if value else ""
    return value


def load_settings(
    config: Path | None = None,
    overrides: dict[str, Any] | None = None,
    environ: dict[str, str] | None = None,
) -> Settings:
    """Settings from defaults, a TOML file, NEWSWEAVE_* variables and explicit overrides."""
    environ = dict(os.environ if environ is None else environ)
    settings = Settings()
    path = config or (Path(environ["NEWSWEAVE_CONFIG"]) if "NEWSWEAVE_CONFIG" in environ else None)
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    if path is not None:
        settings = _apply(settings, _read_toml(path), origin=str(path))
    from_env = {
        name[len(ENV_PREFIX) :].lower(): value
        for name, value in environ.items()
        if name.startswith(ENV_PREFIX) and name != "NEWSWEAVE_CONFIG"
    }
    settings = _apply(settings, from_env, origin="environment")
    return _apply(settings, {k: v for k, v in (overrides or {}).items() if v is not None}, "option")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsFileError(f"settings file {path} does not exist; check --config") from None
    except IsADirectoryError:
        raise SettingsFileError(
            f"settings file {path} is a folder; give the TOML file in it with --config"
        ) from None
    except OSError as error:
        raise SettingsFileError(
            f"settings file {path} cannot be read ({error.strerror}); check --config"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsFileError(
            f"settings file {path} is not valid TOML ({error}); check --config"
        ) from None


def _apply(settings: Settings, values: dict[str, Any], origin: str) -> Settings:
    changes = {}
    for name, value in values.items():
        if name not in _FIELDS:
            choices = ", ".join(_FIELDS)
            raise SettingsError(f"unknown setting {name!r} in {origin}; known settings: {choices}")
        value = _coerce(name, value, type(_FIELDS[name].default), origin)
        changes[name] = check_setting(name, value, origin)
    if "feed_fetch_pages" in changes and changes["feed_fetch_pages"] not in (
        "auto",
        "always",
        "never",
    ):
        raise SettingsError(
            f"setting feed_fetch_pages in {origin} must be auto, always or never, "
            f"not {changes['feed_fetch_pages']!r}"
        )
    if changes.get("writer", "embedded") not in ("embedded", "llm"):
        raise SettingsError(
            f"setting writer in {origin} must be embedded or llm, not {changes['writer']!r}"
        )
    if changes.get("engine", "local") not in ("local", "ray"):
        raise SettingsError(
            f"setting engine in {origin} must be local or ray, not {changes['engine']!r}"
        )
    return replace(settings, **changes)


def _coerce(name: str, value: Any, kind: type, origin: str) -> Any:
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    text = str(value).strip()
    try:
        if kind is bool:
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if kind is Path:
            return Path(text).expanduser()
        return kind(text)
    except ValueError:
        raise SettingsError(
            f"setting {name} in {origin} must be a {kind.__name__}, not {reprlib.repr(value)}"
        ) from None
