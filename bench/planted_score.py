"""Scoring the planted-disagreement benchmark (bench/planted_disagreements.py score).

**score** runs every case through the project's real path: the event's articles (the one edited)
written to a JSONL file, `ingest` into a fresh SQLite store, the **gold grouping** written to the
store (`Store.put_event_members`, and copy groups from `dedupe.copy_groups` among each event's
articles), then `analyse_events`. Gold grouping, not the stories stage, because the issue's
misses come from reading values, not clustering. A store holds each event once (one event's
cases go to different stores; the unchanged events have their own). A planted conflict is found
when one disagreement of its event has a side with the old value without the edited article and
a side with the new value holding it (counts compared as numbers, dates as weekday or month and
day, an ISO day as both; places lower-cased; people by surname). The unchanged events of the two
files are the controls: any disagreement on one is a false alarm (some may be real differences
between outlets: `--alarms` prints them to read).
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsweave.analysis.words import MONTHS, WEEKDAYS
from planted_plant import HALVES
from planted_read import KINDS, SCALES, count_value


@dataclass
class Outcome:
    """One planted case scored: "found", "values" (both values in one disagreement, but not the
    edited article alone on the new value's side) or "missed"; with the event's disagreements."""

    case: dict[str, Any]
    result: str
    disagreements: list[Any]


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)
    alarms: dict[str, list[Any]] = field(default_factory=dict)  # control event -> disagreements
    controls: dict[str, str] = field(default_factory=dict)  # control event -> its half
    lost: list[str] = field(default_factory=list)  # cases whose edit ingest did not keep
    seconds: float = 0.0
    articles: int = 0

    def table(self) -> dict[str, dict[str, Any]]:
        """Recall per kind and overall, and false alarms per 100 unchanged events, per half."""
        out: dict[str, dict[str, Any]] = {}
        for half in HALVES:
            mine = [o for o in self.outcomes if o.case["half"] == half]
            row: dict[str, Any] = {}
            for kind in (*KINDS, "all"):
                of = [o for o in mine if kind in ("all", o.case["kind"])]
                found = sum(o.result == "found" for o in of)
                row[kind] = {"cases": len(of), "found": found, "recall": _share(found, len(of))}
            events = [e for e, h in self.controls.items() if h == half]
            if not mine and not events:
                continue
            alarmed = [e for e in events if self.alarms.get(e)]
            row["controls"] = {
                "events": len(events),
                "with_alarm": len(alarmed),
                "alarms": sum(len(self.alarms.get(e, [])) for e in events),
                "per_100": round(100 * _share(len(alarmed), len(events)), 1),
            }
            out[half] = row
        return out


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def read_built(path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The built file's events (by event id) and cases."""
    if not path.is_file():
        raise SystemExit(f"{path} not found; run `build` first (or pass --out)")
    events, cases = {}, []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            if data["type"] == "event":
                events[data["event_id"]] = data
            elif data["type"] == "case":
                cases.append(data)
    return events, cases


def select(
    events: dict[str, dict[str, Any]],
    cases: list[dict[str, Any]],
    halves: Sequence[str],
    kinds: Sequence[str],
    limit: int | None,
    controls: int | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The cases to score (the first `limit` of each kind and half, in the built file's
    order) and the control events (the first `controls` of each half)."""
    chosen = []
    for half in halves:
        for kind in kinds:
            of = [c for c in cases if c["half"] == half and c["kind"] == kind]
            chosen += of[:limit]
    control_ids = []
    for half in halves:
        of = [e for e, data in events.items() if data["half"] == half]
        control_ids += of[:controls]
    return chosen, control_ids


def score(
    events: dict[str, dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    control_ids: Sequence[str],
    folder: Path,
) -> Scores:
    """Run each case's event, and each control, through ingest and the analysis (see the module
    doc); stores and their JSONL inputs go in `folder`."""
    from newsweave.analysis.nlp import minilm

    scores = Scores(controls={e: events[e]["half"] for e in control_ids})
    rounds: list[list[tuple[str, dict[str, Any] | None]]] = [[(e, None) for e in control_ids]]
    by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        by_event[case["event_id"]].append(case)
    for of_event in by_event.values():  # one event's cases in different stores
        for number, case in enumerate(of_event, start=1):
            while len(rounds) <= number:
                rounds.append([])
            rounds[number].append((case["event_id"], case))
    minilm().embed(["A warm-up sentence."])
    start = time.perf_counter()
    for number, entries in enumerate(rounds):
        if not entries:
            continue
        lap = time.perf_counter()
        analysed, edited_ids, articles = _run_round(number, entries, events, folder)
        scores.articles += articles
        for (event_id, case), key in zip(entries, analysed, strict=True):
            found = analysed[key]
            disagreements = list(found.disagreements) if found else []
            if case is None:
                scores.alarms[event_id] = disagreements
            elif edited_ids.get(case["case_id"]) is None:
                scores.lost.append(case["case_id"])
                scores.outcomes.append(Outcome(case, "missed", disagreements))
            else:
                result = match(case, disagreements, edited_ids[case["case_id"]])
                scores.outcomes.append(Outcome(case, result, disagreements))
        print(
            f"store {number}: {len(entries)} events, {articles} articles, "
            f"{time.perf_counter() - lap:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    scores.seconds = time.perf_counter() - start
    return scores


def _run_round(
    number: int,
    entries: Sequence[tuple[str, dict[str, Any] | None]],
    events: dict[str, dict[str, Any]],
    folder: Path,
) -> tuple[dict[str, Any], dict[str, str | None], int]:
    """One fresh store: each entry's event (its articles, one edited for a case) ingested from a
    JSONL file, grouped by the gold event, analysed. Returns each entry's analysis (by the
    store's event id, in entry order), each case's edited article id as stored (None when the
    edit did not survive ingest), and the number of articles."""
    from newsweave.analysis.stage import analyse_events, load_analysis
    from newsweave.ingest.stage import ingest
    from newsweave.settings import Settings
    from newsweave.store import open_store
    from newsweave.stories.dedupe import copy_groups

    path = folder / f"round-{number}.jsonl"
    lines: list[tuple[str, str, bool]] = []  # (store event id, case id or "", is the edited one)
    with path.open("w", encoding="utf-8") as fh:
        for event_id, case in entries:
            key = f"case {case['case_id']}" if case else f"control {event_id}"
            for article in events[event_id]["articles"]:
                is_edited = case is not None and article["id"] == case["article_id"]
                text = case["text"] if is_edited else article["text"]
                fh.write(json.dumps({**article, "text": text}) + "\n")
                lines.append((key, case["case_id"] if case else "", is_edited))
    settings = Settings(db=folder / f"round-{number}.db")
    edited: dict[str, str | None] = {}
    with open_store(settings.db) as store:
        report = ingest([str(path)], store, settings)
        members: dict[str, tuple[str, float]] = {}
        texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for line, (key, case_id, is_edited) in enumerate(lines, start=1):
            article_id = report.article_of.get(f"{path}:{line}")
            if article_id is None:
                continue
            members[article_id] = (key, 1.0)
            article = store.get_article(article_id)
            texts[key].append((article_id, article.text if article else ""))
            if is_edited:
                case = next(c for _, c in entries if c and c["case_id"] == case_id)
                kept = article is not None and case["new"] in article.text
                edited[case_id] = article_id if kept else None
        store.put_event_members(members)
        for rows in texts.values():
            store.put_copy_groups(copy_groups(rows))
        analyse_events(store, settings)
        keys = [f"case {c['case_id']}" if c else f"control {e}" for e, c in entries]
        analysed = {key: load_analysis(store, key) for key in keys}
    return analysed, edited, len(lines)


def match(case: dict[str, Any], disagreements: Sequence[Any], edited_id: str) -> str:
    """ "found" when one disagreement has a side with the old value without the edited article
    and a side with the new value holding it; "values" when the two values are there but not
    so; else "missed"."""
    kind = case["kind"]
    old, new = planted_form(kind, case["key"]), planted_form(kind, case["new_key"])
    result = "missed"
    for disagreement in disagreements:
        olds = [s for s in disagreement.sides if old in value_forms(kind, s.value)]
        news = [s for s in disagreement.sides if new in value_forms(kind, s.value)]
        if olds and news:
            result = "values"
            if any(edited_id not in s.article_ids for s in olds) and any(
                edited_id in s.article_ids for s in news
            ):
                return "found"
    return result


def planted_form(kind: str, key: str) -> str:
    """A planted value's key as compared: a count's number ("12 people" -> "12"), else the key
    ("tuesday", "march 5", "paris", a surname)."""
    return f"{float(key.split()[0]):g}" if kind == "count" else key


def value_forms(kind: str, value: str) -> set[str]:
    """The forms a disagreement side's value is compared in: a count as a number ("12",
    "2 million" -> "2e+06"), a date as a weekday and as month and day (an ISO day gives both),
    a place lower-cased without "the", a person by surname."""
    text = value.strip().lower()
    if kind == "count":
        words = text.replace("-", " ").split()
        number = count_value(words[0]) if words else None
        if number is not None and len(words) > 1 and words[1] in SCALES:
            number *= SCALES[words[1]]
        return {f"{number:g}"} if number is not None else {text}
    if kind == "date":
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return {text, *(w for w in text.split() if w in WEEKDAYS)}
        return {WEEKDAYS[day.weekday()], f"{MONTHS[day.month - 1]} {day.day}"}
    if kind == "place":
        return {text.removeprefix("the ")}
    return {text.split()[-1]} if text.split() else {text}


def print_table(table: dict[str, dict[str, Any]]) -> None:
    print("\n| half | " + " | ".join(KINDS) + " | all | false alarms per 100 unchanged events |")
    print("|---|" + "---|" * (len(KINDS) + 2))
    for half, row in table.items():
        cells = [f"{row[k]['found']}/{row[k]['cases']} ({row[k]['recall']:.2f})" for k in KINDS]
        total = row["all"]
        controls = row["controls"]
        alarms = f"{controls['per_100']} ({controls['with_alarm']} of {controls['events']})"
        print(
            f"| {half} | " + " | ".join(cells) + f" | {total['found']}/{total['cases']} "
            f"({total['recall']:.2f}) | {alarms} |"
        )


def print_case(case: dict[str, Any]) -> None:
    print(
        f"\n{case['case_id']} ({case['file']}, {case['half']}): {case['old']!r} -> {case['new']!r}"
    )
    for label, key in (("before", "before"), ("after", "after"), ("other", "other_sentence")):
        print(f"  {label + ':':7} {' '.join(case[key].split())}")


def print_disagreements(disagreements: Sequence[Any]) -> None:
    for d in disagreements:
        sides = "; ".join(f"{s.value} ({len(s.article_ids)} articles)" for s in d.sides)
        print(f"  found {d.kind} about {d.about!r}: {sides}")
