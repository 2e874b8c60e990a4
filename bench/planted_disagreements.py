"""Planted disagreements (issue 25): dev events with one outlet's value changed, and how many of
those changes the analysis finds.

    .venv/bin/python bench/planted_disagreements.py build [--eval-dir DIR] [--out FILE]
    .venv/bin/python bench/planted_disagreements.py show [--kind count] [--sample 10]
    .venv/bin/python bench/planted_disagreements.py score [--half held-out] [--limit N] [--json F]
    .venv/bin/python bench/planted_disagreements.py build --fresh     # then show / score --fresh
    .venv/bin/python bench/planted_disagreements.py build --new       # then show / score --new
    .venv/bin/python bench/planted_disagreements.py build --unseen    # then show / score --unseen

`--fresh` works on the fresh held-out set: the ECB+ clustering dev file's events, planted with a
seed of their own into their own built file (`planted_build.FRESH_OUT`). `--new` works on the
new held-out set: the summarization events planted again with another seed (`NEW_SEED`), the
values the first build planted left out (`planted_build.NEW_OUT`, all of the "new" half).
`--unseen` works on the unseen set: the ECB+ events' values that the fresh set did not plant,
planted with `UNSEEN_SEED` (`planted_build.UNSEEN_OUT`, halves "unseen-tune" and
"unseen-held-out").

The benchmark plants one outlet's error into dev events and scores how many the analysis finds;
its parts: `planted_read` (the values an article states, and the rules that keep a value out),
`planted_plant` (one event's planted cases), `planted_build` (the built file), `planted_score`
(the cases and the unchanged events through ingest and the analysis), `planted_quick` (the
same read with each unchanged article ingested and parsed once: `score --quick`).
BENCHMARKS.md (issue 25) has the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from planted_build import (
    DEFAULT_OUT,
    FRESH_OUT,
    FRESH_SEED,
    NEW_OUT,
    UNSEEN_OUT,
    build,
    build_unseen,
)
from planted_plant import FRESH_FILE, HALVES, NEW_SEED, SEED
from planted_quick import score_quick
from planted_read import KINDS
from planted_score import print_case, print_disagreements, print_table, read_built, score, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("build", help="plant the cases and write the built file")
    making.add_argument("--eval-dir", type=Path, default=None, help="holds dev/ (../shared/eval)")
    making.add_argument("--seed", type=int, help=f"{SEED}; with --fresh {FRESH_SEED}")
    showing = commands.add_parser("show", help="print planted cases to read")
    showing.add_argument("--sample", type=int, default=10, help="cases per kind (0: all)")
    scoring = commands.add_parser("score", help="run the cases through ingest and analysis")
    scoring.add_argument("--limit", type=int, help="cases per kind and half, from the top")
    scoring.add_argument("--controls", type=int, help="unchanged events per half, from the top")
    scoring.add_argument("--misses", type=int, default=0, help="print this many missed cases")
    scoring.add_argument("--alarms", action="store_true", help="print the controls' alarms")
    scoring.add_argument("--json", type=Path, help="also write the figures to this file")
    scoring.add_argument("--quick", action="store_true", help="each unchanged article read once")
    for command in (showing, scoring):
        command.add_argument("--half", choices=(*HALVES, "all"), default="all")
        command.add_argument("--kind", choices=KINDS, action="append")
    for command in (making, showing, scoring):
        command.add_argument("--out", type=Path, help=f"the built file ({DEFAULT_OUT})")
        command.add_argument("--fresh", action="store_true", help=f"the fresh set ({FRESH_OUT})")
        command.add_argument("--new", action="store_true", help=f"the new set ({NEW_OUT})")
        command.add_argument("--unseen", action="store_true", help=f"the unseen set ({UNSEEN_OUT})")
    args = parser.parse_args()
    args.out = args.out or (
        FRESH_OUT if args.fresh else NEW_OUT if args.new else UNSEEN_OUT if args.unseen else None
    )
    args.out = args.out or DEFAULT_OUT
    if args.command == "build":
        start = time.perf_counter()
        if args.unseen:
            summary = build_unseen(args.eval_dir, args.out)
        elif args.fresh:
            summary = build(args.eval_dir, args.out, args.seed or FRESH_SEED, (FRESH_FILE,))
        elif args.new:
            summary = build(args.eval_dir, args.out, NEW_SEED, before=DEFAULT_OUT)
        else:
            summary = build(args.eval_dir, args.out, args.seed or SEED)
        print(json.dumps(summary, indent=1))
        print(f"built {args.out} in {time.perf_counter() - start:.0f} s")
        return
    halves = HALVES if args.half == "all" else (args.half,)
    kinds = args.kind or KINDS
    events, cases = read_built(args.out)
    if args.command == "show":
        for kind in kinds:
            of = [c for c in cases if c["kind"] == kind and c["half"] in halves]
            rng = random.Random(SEED)
            for case in rng.sample(of, min(args.sample or len(of), len(of))):
                print_case(case)
        return
    chosen, control_ids = select(events, cases, halves, kinds, args.limit, args.controls)
    with tempfile.TemporaryDirectory(prefix="planted-") as folder:
        scorer = score_quick if args.quick else score
        scores = scorer(events, chosen, control_ids, Path(folder))
    table = scores.table()
    print_table(table)
    rate = scores.articles / scores.seconds if scores.seconds else 0.0
    print(
        f"\n{len(chosen)} planted cases and {len(control_ids)} unchanged events, "
        f"{scores.articles} articles analysed in {scores.seconds:.0f} s ({rate:.1f} articles/s); "
        f"values found without the edited article on its side: "
        f"{sum(o.result == 'values' for o in scores.outcomes)}; edits lost at ingest: "
        f"{len(scores.lost)}"
    )
    for outcome in [o for o in scores.outcomes if o.result != "found"][: args.misses]:
        print_case(outcome.case)
        print_disagreements(outcome.disagreements)
    if args.alarms:
        for event_id, disagreements in scores.alarms.items():
            if disagreements:
                print(f"\ncontrol {event_id} ({events[event_id]['file']}):")
                print_disagreements(disagreements)
    if args.json:
        figures = {"table": table, "seconds": round(scores.seconds, 1), "articles": scores.articles}
        figures["lost"] = scores.lost
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
