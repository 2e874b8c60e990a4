"""The `newsweave` command: each command is one library call plus its output.

The commands live by group, each module registering its own on `base.main` when imported here:
`run` (ingest, run, backfill, watch: the pipeline), `events` (stories, storylines, claims,
disagreements, brief: what the stages stored), `articles` (articles, show), `feeds`, `serve`,
`evaluation` (eval) and `settings`. `base` holds the group, which turns errors into exit codes,
and the --db/--config options; `output` is how anything reaches the terminal.

The stages, the evaluations and the models are imported by the commands that run them: a
command starts in the time its own imports take (`newsweave settings` needs no spaCy).
"""

from newsweave.cli import articles, evaluation, events, feeds, run, serve, settings  # noqa: F401
from newsweave.cli.base import main

__all__ = ["main"]
