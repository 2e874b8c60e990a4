"""The `newsweave` group, its exit codes, and the --db/--config options every command takes.

Errors are turned into one line on stderr and an exit code here, in one place: 0 when all went
well, 1 when the command failed (for `ingest` and `run`: when no input could be used), 2 when
the settings file cannot be read (as for a bad option), 3 when a batch was partly rejected (the
rest was stored) or an event could not be analysed or written (the rest were), and 70 for an
internal error, which is a bug in newsweave.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from newsweave.cli.output import err, shown
from newsweave.errors import NewsweaveError, SettingsFileError
from newsweave.settings import Settings, load_settings
from newsweave.store import Store, open_store, shown_location, store_exists

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
EXIT_INTERNAL = 70
# The largest count or offset an option takes; far past any store, well inside SQLite's integers.
MAX_COUNT = 1_000_000_000
Count = click.IntRange(0, MAX_COUNT)


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except SettingsFileError as error:
            err.print(shown(f"error: {error}"))
            sys.exit(EXIT_USAGE)
        except NewsweaveError as error:
            err.print(shown(f"error: {error}"))
            sys.exit(EXIT_FAILED)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            err.print("interrupted; what was committed before stays in the store")
            sys.exit(130)
        except Exception as error:
            err.print(
                shown(
                    f"internal error: {type(error).__name__}: {error}. This is a bug in "
                    "newsweave; please report it with the command you ran."
                )
            )
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newsweave")
def main() -> None:
    """newsweave: one neutral, cited brief per news event, from many outlets."""


def with_settings(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command --db and --config, and hand it the effective Settings."""

    @click.option("--db", help="the store: a SQLite file or a postgresql:// URL [NEWSWEAVE_DB]")
    @click.option(
        "--config", type=click.Path(path_type=Path), help="TOML settings file [NEWSWEAVE_CONFIG]"
    )
    @functools.wraps(command)
    def wrapper(db: str | None, config: Path | None, **kwargs: Any) -> Any:
        overrides = {"db": db, "engine": kwargs.pop("engine", None)}
        return command(load_settings(config, overrides), **kwargs)

    return wrapper


def existing_store(settings: Settings) -> Store:
    if not store_exists(settings.db):
        raise NewsweaveError(
            f"no store at {shown_location(settings.db)}; run `newsweave ingest SOURCE…` first "
            "or give --db"
        )
    return open_store(settings.db)
