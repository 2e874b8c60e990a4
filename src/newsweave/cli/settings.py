"""`newsweave settings`: the effective settings and what each one does."""

from __future__ import annotations

import click
from rich.table import Table

from newsweave.cli.base import main, with_settings
from newsweave.cli.output import out, print_json, shown
from newsweave.settings import Settings


@main.command("settings")
@click.option("--json", "as_json", is_flag=True, help="print JSON")
@with_settings
def settings_command(settings: Settings, as_json: bool) -> None:
    """Print the effective settings and what each one does."""
    rows = settings.describe()
    if as_json:
        print_json({name: value for name, value, _ in rows})
        return
    table = Table(title="settings (defaults < TOML file < NEWSWEAVE_* < options)")
    for column in ("name", "value", "what it does"):
        table.add_column(column, overflow="fold")
    for name, value, help in rows:
        table.add_row(shown(name), shown(str(value)), shown(help))
    out.print(table)
