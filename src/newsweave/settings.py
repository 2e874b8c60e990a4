"""Every setting newsweave has, in one dataclass, with where each value came from.

Values are layered, later layers winning: the defaults below, a TOML file (`--config PATH`, else
`$NEWSWEAVE_CONFIG`, else `./newsweave.toml` when it exists), environment variables named
`NEWSWEAVE_<NAME>` (for example `NEWSWEAVE_DB`), then options given on the command line. The help
text of each field is what `newsweave settings` prints, so the code, the CLI and the docs agree.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from newsweave.errors import SettingsError

ENV_PREFIX = "NEWSWEAVE_"
DEFAULT_CONFIG = Path("newsweave.toml")
SECRETS = frozenset({"llm_api_key"})


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    db: Path = _setting(Path("newsweave.db"), "SQLite file the store lives in")
    user_agent: str = _setting(
        "newsweave/0.1 (news brief builder)", "User-Agent sent with every request"
    )
    respect_robots: bool = _setting(True, "honour each site's robots.txt")
    allow_private_addresses: bool = _setting(
        False, "allow fetching private, loopback and link-local addresses"
    )
    connect_timeout: float = _setting(5.0, "seconds to wait for a connection")
    read_timeout: float = _setting(15.0, "seconds to wait for each read from a server")
    max_response_bytes: int = _setting(5_000_000, "largest response body fetched, in bytes")
    max_redirects: int = _setting(5, "most redirects followed for one URL")
    per_host_interval: float = _setting(1.0, "least seconds between two requests to one host")
    feed_fetch_pages: str = _setting(
        "auto",
        "fetch each feed entry's page: always, never, or auto (only when the feed "
        "carries a summary rather than the full text)",
    )
    watch_interval: float = _setting(
        300.0,
        "seconds from the start of one `newsweave watch` cycle to the start of the next "
        "(at least 1)",
    )
    max_file_bytes: int = _setting(10_000_000, "largest local file ingested, in bytes")
    min_words: int = _setting(60, "texts with fewer words are flagged too_short")
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
    llm_timeout: float = _setting(120.0, "seconds to wait for one LLM answer")
    llm_retries: int = _setting(2, "retries of a failed LLM request (connection, 429, 5xx)")
    keep_unsupported: bool = _setting(
        False,
        "debugging a writer: keep brief sentences that verification finds unsupported, "
        "marked [unsupported], instead of removing them",
    )

    def describe(self) -> list[tuple[str, Any, str]]:
        """(name, value, help) for every setting, in declaration order; a secret shows only
        whether it is set."""
        return [
            (f.name, _shown(f.name, getattr(self, f.name)), f.metadata["help"])
            for f in fields(self)
        ]


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
        raise SettingsError(f"settings file {path} does not exist; check --config") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path} is not valid TOML ({error})") from None


def _apply(settings: Settings, values: dict[str, Any], origin: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes = {}
    for name, value in values.items():
        if name not in known:
            choices = ", ".join(known)
            raise SettingsError(f"unknown setting {name!r} in {origin}; known settings: {choices}")
        changes[name] = _coerce(name, value, type(known[name].default), origin)
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
            f"setting {name} in {origin} must be a {kind.__name__}, not {value!r}"
        ) from None
