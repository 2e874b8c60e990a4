"""Quote attribution against PolNeAR (or any file in the attribution schema): F1s and speed.

Runs the library's `evaluate_attribution` (the same code as `newsweave eval attribution`) on the
first `--limit` articles, so a change to the extractor can be checked on a subset in seconds
before the full file is scored once.

    .venv/bin/python bench/attribution_eval.py [FILE] [--limit 100]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsweave.evaluate.attribution import evaluate_attribution

DEV_FILE = Path(__file__).parents[1] / ".." / "shared" / "eval" / "dev" / "attrib-polnear.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEV_FILE)
    parser.add_argument("--limit", type=int, help="score only the first LIMIT articles")
    args = parser.parse_args()
    scores = evaluate_attribution(args.file, limit=args.limit)
    print(
        f"{scores.articles} articles: source F1 {scores.source_f1:.3f}, cue F1 "
        f"{scores.cue_f1:.3f}, content F1 {scores.content_f1:.3f}, attribution F1 "
        f"{scores.attribution_f1:.3f}; {scores.gold_attributions} gold attributions, "
        f"{scores.found_attributions} found; {scores.articles_per_second:.1f} articles/s"
    )


if __name__ == "__main__":
    main()
