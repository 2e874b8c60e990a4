"""Gold files and the score every evaluation shares: reading a JSONL gold file, and F1.

Each evaluation (`clustering`, `support`, `attribution`, `summaries`) reads one file in a
schema of the evaluation README, one JSON object a line; `jsonl_objects` reads it the same way
for all of them, with errors that name the file or the line and say how a line should look.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from newsweave.errors import UnreadableInput
from newsweave.ingest.files import jsonl_lines

__all__ = ["GOLD_LINE_BYTES", "f1_score", "jsonl_objects"]

GOLD_LINE_BYTES = 100_000_000  # the longest line of a gold file read (a summarization event)


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def jsonl_objects(path: Path, schema: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path:line, object) for every non-blank line of a file in one of the eval schemas.

    A missing file, a line that is not a JSON object and a file with no lines are each an
    `UnreadableInput` naming the file or the line, with `schema` saying how a line should look.
    """
    if path.is_dir():
        raise UnreadableInput(str(path), f"is a folder, not a file; give a .jsonl file: {schema}")
    if not path.is_file():
        raise UnreadableInput(str(path), f"no such file; give a .jsonl file: {schema}")
    count = 0
    for origin, line in jsonl_lines(path, GOLD_LINE_BYTES):
        if not isinstance(line, str):
            raise UnreadableInput(origin, f"{line}; {schema}") from None
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UnreadableInput(origin, f"line is not JSON ({error.msg}); {schema}") from None
        if not isinstance(data, dict):
            raise UnreadableInput(origin, f"line is not a JSON object; {schema}")
        count += 1
        yield origin, data
    if not count:
        raise UnreadableInput(str(path), f"file has no lines; {schema}")
