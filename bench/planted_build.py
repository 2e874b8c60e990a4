"""Building the planted-disagreement benchmark's file (bench/planted_disagreements.py build).

**build** reads summ-multinews.jsonl and summ-allsides.jsonl from the dev eval folder
(`--eval-dir`, else $NEWSWEAVE_EVAL_DIR, else ../shared/eval beside the repository, as
`cluster_data.dev_dir` finds it). The text stays out of the repository: the built file goes to
`--out` (default /tmp/nw_cache/planted-disagreements.jsonl), beside the parses and sentence
vectors it caches. Every article is parsed with the project's spaCy pipeline (`nlp.parse`) and
read for values (`planted_read`) and planted (`planted_plant`).

Every count, place and person case and 45 dates were then read; the few that got through the
rules and are still no disagreement are in `EXCLUDED`, each with its reason.

`build --fresh` builds the fresh held-out set the same way from the ECB+ clustering dev file
(cluster-ecbplus.jsonl, its articles grouped by their gold event: events of another corpus than
the summarization files the analysis's rules were written on), with a seed of its own, into its
own file. Every one of its 237 cases was read before any further tuning; the 80 that a careful
reader would not call a disagreement (datelines, scores, times, another remark of the speaker,
a team's city, a cut name) are in `EXCLUDED` too, leaving 157.

`build --new` builds the new held-out set (issue 25, fourth pass) from the summarization events
again, with another seed and no cap on the values planted per event, into its own file: a value
the first build planted is of the "again" half (another edit of it: another article edited or
another new value; the very same edit is left out), any other of the "new" half. The data hold
few shared values the first build left: most of the set is "again". Its cases were read before
any change to the analysis; those no disagreement are in `EXCLUDED`.

`build --unseen` builds the unseen set (issue 25, fifth pass) from the ECB+ events again
(`build_unseen`): seed `UNSEEN_SEED`, no cap, and only the values (event, kind, value) the fresh
set's planting did not choose, its excluded cases included, so no case edits a value an earlier
pass planted, read or tuned on. Its events fall in "unseen-tune" and "unseen-held-out" by a
salted hash (`planted_plant.unseen_half`). Every case was read before any change to the
analysis; those no disagreement are in `EXCLUDED`.

The built file is JSON lines: a "build" line (seed, cases kept per kind and half, rejections per
rule), an "event" line per event of two or more articles (its articles as the file has them),
and a "case" line per planted value (event, kind, edited article, old and new value and key, the
sentence before and after, one other article's sentence, the edited text). The half is by a hash
of the event id, "tune" or "held-out", for cases and controls alike: tune issue 25's rules on
"tune" only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cluster_data import dev_dir
from newsweave.analysis.nlp import load_nlp, parse
from planted_plant import (
    FRESH_FILE,
    SEED,
    UNSEEN_SEED,
    Article,
    Case,
    Plan,
    build_pools,
    half_of,
    plant_event,
    unseen_half,
)
from planted_read import Similarity, find_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc

FILES = ("summ-multinews.jsonl", "summ-allsides.jsonl")
DEFAULT_OUT = Path("/tmp/nw_cache/planted-disagreements.jsonl")
# The fresh held-out set: the ECB+ clustering dev file's events (articles grouped by their gold
# event), which no planted case came from while the rules were written, planted with a seed of
# its own, read case by case and frozen before any further tuning (`build --fresh`).
FRESH_OUT = Path("/tmp/nw_cache/planted-fresh.jsonl")
FRESH_SEED = 2026
# The new held-out set: the summarization events planted again (`build --new`, seed NEW_SEED),
# without the values the first build planted, read case by case and frozen before the fourth
# pass changed the analysis.
NEW_OUT = Path("/tmp/nw_cache/planted-new.jsonl")
# The unseen set (`build --unseen`): values of the ECB+ events no earlier build planted.
UNSEEN_OUT = Path("/tmp/nw_cache/planted-unseen.jsonl")

# Cases that passed the rules and that a careful reading did not call a disagreement (read
# 2026-12-07: every count, place and person case, and 45 of the dates), with the reason each.
EXCLUDED = {
    "place-3d89ec8f6b-2": "'not a North Carolina hurricane' is a figure of speech, not a place",
    "place-4197e8e21c-1": "his home outside Philadelphia and a prison near it are two places",
    "place-c04ce37539-1": "Fairfax here is a media company, not a place",
    "place-fd1c911781-1": "the other article does not say whose law it is",
    "place-0da7e0e4e6-1": "where the son spoke and the home she was taken from: two happenings",
    "place-55b1c658ad-1": "the other article does not place the pile-up",
    "place-6e1dac3157-1": "Malibu lies in L.A. county: L.A. does not contradict it",
    "person-228a850d63-1": "another remark of the same speaker",
    "person-75608448ca-1": "another remark of the same speaker",
    "person-987ab5472a-1": "another remark of the same speaker",
    "person-3e6de3880e-1": "another act of the same sheriff",
    "person-63d3533bf6-1": "another remark of the same speaker",
    "person-590b00eabe-1": "Clinton is named in the quote, not its speaker",
    "person-92b1359381-1": "another remark of the same speaker",
    "person-69ea8fcbae-1": "another passage of the statement",
    "person-fd1c911781-1": "another remark of the same speaker",
    "person-8a9c723c4c-1": "another remark of the same speaker",
    "date-c9f8c29b0c-1": "the mockery and the ousting are two happenings of one day",
    # The fresh set (ECB+, `build --fresh`), every case read 2026-12-07 before any tuning:
    "count-c0ab739bdc-2": "the ages that follow name two sons",
    "count-a0ab7a8c6c-1": "a duration in minutes, not a count",
    "count-d7eff88d57-1": "a measure (gallons a minute), printed split ('5, 000')",
    "count-3f04a61409-1": "the other article counts his earlier sentences, another thing",
    "count-e63ffe5185-1": "'number 12' names an incarnation, it counts nothing",
    "count-f3862b138d-3": "a ratio ('five times the limit'), not a count",
    "count-50143ff051-1": "the edited sentence names its two buildings; the other's are others",
    "count-fc6b746915-3": "a score",
    "count-851f075ebb-1": "printed split ('20, 000'): the edit changes a part of the number",
    "count-7ca8a07953-3": "a time of day",
    "count-af74cb6a86-3": "targeted and wounded are two things",
    "count-fc6b746915-1": "a bound ('14 or more') with no noun",
    "count-851f075ebb-3": "printed split ('1, 300'): the edit changes a part of it",
    "count-7816ed9d3f-2": "the other article's 4 names a cable",
    "count-fc6b746915-2": "a rank ('No. 5 seed')",
    "count-50143ff051-2": "the sentence's own total (three) contradicts the edit",
    "count-9d9dc752b7-1": "touchdown passes and passes at the end: two things",
    "count-a5e82eb6d3-1": "the sentence names its three groups",
    "count-309d24ee1c-1": "a time of day in a dateline",
    "count-af74cb6a86-1": "the other article's three are of another shooting",
    "date-e3a3a5640c-1": "a dateline",
    "date-d7eff88d57-1": "a dateline",
    "date-af74cb6a86-1": "a plan (the next hearing)",
    "date-3f04a61409-1": "two announcements months apart",
    "date-b7f2c5bc35-1": "a dateline",
    "date-42fea23462-1": "a dateline",
    "date-68dab3c706-1": "a date of publishing",
    "date-ad4bf6a450-1": "a dateline",
    "date-829aa72ab7-1": "a dateline",
    "date-b30b934627-1": "a dateline",
    "person-9d9dc752b7-2": "another remark of the same speaker",
    "person-381779e688-2": "another remark of the same speaker",
    "person-309d24ee1c-1": "another remark of the same speaker",
    "person-e63ffe5185-1": "another remark of the same speaker",
    "person-b30b934627-1": "another remark of the same speaker",
    "person-4cbef6c421-2": "another remark of the same speaker",
    "person-e63ffe5185-3": "another remark of the same speaker",
    "person-d6170a7bc8-3": "another remark of the same speaker",
    "person-a5e82eb6d3-1": "another passage of the statement",
    "person-b30b934627-2": "another remark of the same speaker",
    "person-42fea23462-1": "another report of the same columnist",
    "person-7ca8a07953-1": "another remark of the same speaker",
    "person-af74cb6a86-1": "'said nothing': no remark",
    "person-f3862b138d-1": "another remark of the same speaker",
    "person-fc6b746915-2": "a condition ('if Luck leads'), no leader",
    "person-5d64067457-1": "another remark of the same speaker",
    "person-0b0fc52766-3": "another remark of the same speaker",
    "person-851f075ebb-3": "a remark and an announcement: two acts",
    "person-1d99593500-1": "another remark of the same speaker",
    "person-fc6b746915-1": "'added 101 yards' is no remark",
    "person-a5e82eb6d3-2": "another remark of the same speaker",
    "person-a0ab7a8c6c-1": "a company, not a person",
    "person-7bfa14de58-3": "another remark of the same speaker",
    "person-1e5ce584a2-1": "the other article gives him another remark",
    "person-f3862b138d-2": "a rank ('Sgt.'), not a name",
    "place-a0ab7a8c6c-3": "the edited sentence still places the same disruption in Alexandria",
    "place-42fea23462-1": "Boston is the team here, not a place",
    "place-e3a3a5640c-1": "'Santa' is no place's name (cut from a longer one)",
    "place-af74cb6a86-1": "'Santa' is no place's name (cut from a longer one)",
    "place-68dab3c706-2": "the prosecutors' state and the rehab's: two things",
    "place-a5e82eb6d3-1": "'Santa' is no place's name (cut from a longer one)",
    "place-e63ffe5185-1": "'Santa' is no place's name (cut from a longer one)",
    "place-3f04a61409-2": "where his crimes were and whose inmate he is: two things",
    "place-b7f2c5bc35-1": "Hollywood names the film industry here",
    "place-a460e742fb-2": "the prison's city and the boss's neighbourhood: two things",
    "place-fc6b746915-1": "Kansas City is the team here, not a place",
    "place-af74cb6a86-2": "'Santa' is no place's name (cut from a longer one)",
    "place-912f7cf035-1": "the pirates' ports and where ships are held: two things",
    "place-50143ff051-1": "a state's abbreviation put for a city",
    "place-e3a3a5640c-2": "'Santa' is no place's name (cut from a longer one)",
    "place-0b0fc52766-1": "the rampage's neighbourhood and another man's bombings: two things",
    "place-d7eff88d57-1": "where colonists settled and whose farmers: two things",
    "place-5d64067457-1": "'Santa' is no place's name (cut from a longer one)",
    "place-68dab3c706-3": "the attorney's city and the facility's: two things",
    "place-7bfa14de58-2": "Palin is a person",
    "place-d6170a7bc8-1": "'Washington insiders' is a figure of speech",
    "place-50143ff051-2": "two happenings in Berlin",
    "place-912f7cf035-3": "'Delhi-class' names a kind of ship",
    "place-4cbef6c421-2": "her birth and her degree: two happenings",
    "place-1e5ce584a2-3": "'Santa' is no place's name (cut from a longer one)",
    # The new set (`build --new`), every value never planted before read 2026-12-07 (the same
    # judgement as the seed-25 reading of the same values), and the "again" cases skimmed:
    "new-place-0da7e0e4e6-1": "where the son spoke and the home she was taken from: two happenings",
    "new-person-228a850d63-1": "another remark of the same speaker",
    "new-place-4197e8e21c-2": "his home outside Philadelphia and a prison near it are two places",
    "new-person-590b00eabe-1": "Clinton is named in the quote, not its speaker",
    "new-date-3e6de3880e-1": "a date of saying",
    "new-person-3e6de3880e-1": "another remark of the same sheriff",
    "new-person-75608448ca-2": "another remark of the same speaker",
    "new-place-c04ce37539-1": "Fairfax here is a media company, not a place",
    "new-person-63d3533bf6-1": "another remark of the same speaker",
    "new-person-987ab5472a-1": "another remark of the same speaker",
    "new-person-92b1359381-1": "another remark of another speaker",
    "new-place-3d89ec8f6b-1": "'not a North Carolina hurricane' is a figure of speech, not a place",
    "new-place-6e1dac3157-1": "Malibu lies in L.A. county: L.A. does not contradict it",
    "new-place-fd1c911781-1": "Maine's law and Oregon's rabid animals: two things",
    "new-person-fd1c911781-1": "another remark of the same officer",
    "new-person-8a9c723c4c-1": "another remark of the same husband",
    "new-person-69ea8fcbae-1": "another passage of the statement",
    "new-date-c9f8c29b0c-1": "the mockery and the ousting are two happenings of one day",
    "new-place-55b1c658ad-1": "the other article does not place the pile-up",
    "new-person-afed109b9a-1": "'Own' is no name: the new value is garbled",
    # The unseen set (`build --unseen`), every case read 2026-12-07 before any change to the
    # analysis and before any of its cases was scored:
    "unseen-count-50143ff051-6": "printed split ('40, 000'); the other's 20 are others",
    "unseen-count-50143ff051-7": "the sentence's own list (a man, two women) contradicts it",
    "unseen-count-851f075ebb-3": "printed split ('1, 300'): the edit changes a part of it",
    "unseen-count-912f7cf035-2": "the sentence names its two countries",
    "unseen-count-7ca8a07953-5": "a distance (feet), not a count",
    "unseen-count-381779e688-1": "the other's 6 is a version's label",
    "unseen-count-9d9dc752b7-6": "a rank ('No. 5 seed')",
    "unseen-count-9d9dc752b7-8": "a score",
    "unseen-count-fc6b746915-10": "printed split ('4, 051'): the edit changes a part of it",
    "unseen-count-fc6b746915-12": "a score",
    "unseen-count-fc6b746915-16": "printed split ('13, 000'): the edit changes a part of it",
    "unseen-count-7816ed9d3f-4": "the sentence names its twelve countries",
    "unseen-count-c0ab739bdc-2": "the injured and the dead: two things",
    "unseen-count-309d24ee1c-5": "printed split ('20, 000'): the edit changes a part of the number",
    "unseen-place-4cbef6c421-4": "'Santa' is no place's name (a Santa hat)",
    "unseen-place-4cbef6c421-6": "where she modelled and the office she worked in: two things",
    "unseen-place-1e5ce584a2-1": "the father's move and the son's return: two people",
    "unseen-place-7816ed9d3f-3": "the other's Alexandria is of January's cut: another happening",
    "unseen-place-a0ab7a8c6c-4": "the effect in one country and services in another: two things",
    "unseen-place-309d24ee1c-4": "where the team arrived and the camp attacked: two things",
    "unseen-person-a5e82eb6d3-4": "another remark of the same speaker",
    "unseen-person-e63ffe5185-2": "another remark of the same speaker",
    "unseen-person-c0ab739bdc-1": "another remark of the same speaker",
    "unseen-date-68dab3c706-3": "a dateline",
    "unseen-date-68dab3c706-4": "a date of publishing",
    "unseen-date-3f04a61409-1": "the other article's date is a dateline",
    "unseen-date-3f04a61409-2": "the capture and the escape: two happenings",
    "unseen-date-50143ff051-2": "a dateline",
    "unseen-date-851f075ebb-2": "a dateline",
    "unseen-date-42fea23462-1": "the flight and the e-mail: two happenings",
    "unseen-date-28a7f237cb-1": "a dateline",
    "unseen-date-af74cb6a86-5": "a date of publishing",
    "unseen-date-7ca8a07953-2": "a dateline",
    "unseen-date-e3a3a5640c-2": "a dateline",
    "unseen-date-381779e688-1": "'Patch Tuesday' is a name",
    "unseen-date-829aa72ab7-1": "the release and the blog post: two happenings",
    "unseen-date-1e5ce584a2-3": "a date of publishing",
    "unseen-date-1e5ce584a2-5": "a date of publishing",
    "unseen-date-fc6b746915-1": "a dateline",
    "unseen-date-e63ffe5185-1": "the other article's date is a dateline",
}


def read_events(
    eval_dir: Path | str | None, files: Sequence[str] = FILES
) -> list[tuple[str, str, list[Article], list[dict[str, Any]]]]:
    """(file, event id, articles, the articles as the file has them) of each event of the dev
    files: a summarization file's lines are events, a clustering file's articles are grouped by
    their gold event."""
    folder = dev_dir(eval_dir)
    events = []
    for name in files:
        path = folder / name
        if not path.is_file():
            raise SystemExit(f"{path} not found; pass --eval-dir (the folder holding dev/)")
        with path.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
        if name == FRESH_FILE:
            grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for row in rows:
                grouped[row.pop("gold")].append(row)
            rows = [{"id": gold, "articles": of} for gold, of in grouped.items()]
        for data in rows:
            articles = [Article(a["id"], a["text"]) for a in data["articles"]]
            events.append((name, data["id"], articles, data["articles"]))
    return events


def parsed(texts: Sequence[str]) -> list[Doc]:
    """The texts parsed by the project's pipeline, cached in /tmp/nw_cache as a DocBin."""
    from spacy.tokens import DocBin

    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-docs-{key}.spacy"
    nlp = load_nlp()
    if path.is_file():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse(texts, workers=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(path)
    return docs


def sentence_similarity(sentences: Iterable[str]) -> Similarity:
    """The cosine of two of these sentences by MiniLM (the analysis's embedder), their vectors
    embedded once and cached in /tmp/nw_cache."""
    import numpy as np

    from newsweave.analysis.nlp import minilm

    texts = sorted(set(sentences))
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-sentences-{key}.npy"
    if path.is_file():
        vectors = np.load(path)
    else:
        vectors = np.asarray(minilm().embed(texts), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        np.save(path, vectors)
    index = {text: n for n, text in enumerate(texts)}
    return lambda a, b: float(vectors[index[a]] @ vectors[index[b]])


Event = tuple[str, str, list[Article], list[dict[str, Any]]]


def build(
    eval_dir: Path | str | None,
    out: Path,
    seed: int = SEED,
    files: Sequence[str] = FILES,
    before: Path | None = None,
) -> dict[str, Any]:
    """Plant the cases (see the module doc) in the events of `files` and write the built file;
    its summary. With `before` (an earlier built file of the same events), a case of a value it
    planted (the same event, kind and value) is of the "again" half (another edit of a value the
    analysis was tuned on), and left out when it is the same edit."""
    planted: dict[tuple[str, str, str], tuple[str, str]] = {}
    if before is not None:
        if not before.is_file():
            raise SystemExit(f"{before} not found; run `build` first")
        with before.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines]
        planted = {
            (r["event_id"], r["kind"], r["key"]): (r["article_id"], r["new"])
            for r in rows
            if r["type"] == "case"
        }
    events, plans = _planted(eval_dir, files, seed)
    cases = [case for plan in plans for case in plan.cases if case.case_id not in EXCLUDED]
    again = Counter(c.kind for c in cases if (c.event_id, c.kind, c.key) in planted)
    cases = [
        c if (c.event_id, c.kind, c.key) not in planted else replace(c, half="again")
        for c in cases
        if planted.get((c.event_id, c.kind, c.key)) != (c.article_id, c.new)
    ]
    halves = {(name, event_id): half_of(name, event_id) for name, event_id, _, _ in events}
    return _write(out, seed, events, halves, cases, plans, {"planted before": dict(again)})


def build_unseen(eval_dir: Path | str | None, out: Path) -> dict[str, Any]:
    """The unseen set (`build --unseen`, issue 25's fifth pass): the ECB+ events planted with
    `UNSEEN_SEED` and no cap, keeping only values (event, kind, value) that the fresh set's
    planting (`FRESH_SEED`, capped, its excluded cases included) did not choose, so no case
    edits a value any earlier pass planted, read or tuned on. Its events fall in two halves by
    `unseen_half`'s salted hash: "unseen-tune" and "unseen-held-out"."""
    files = (FRESH_FILE,)
    events, fresh = _planted(eval_dir, files, FRESH_SEED)
    used = {(c.event_id, c.kind, c.key) for plan in fresh for c in plan.cases}
    halves = {(name, event_id): unseen_half(event_id) for name, event_id, _, _ in events}
    _, plans = _planted(eval_dir, files, UNSEEN_SEED, halves)
    cases = [
        case
        for plan in plans
        for case in plan.cases
        if case.case_id not in EXCLUDED and (case.event_id, case.kind, case.key) not in used
    ]
    extra = {"planted before": len(used), "fresh seed": FRESH_SEED}
    return _write(out, UNSEEN_SEED, events, halves, cases, plans, extra)


def _planted(
    eval_dir: Path | str | None,
    files: Sequence[str],
    seed: int,
    halves: dict[tuple[str, str], str] | None = None,
) -> tuple[list[Event], list[Plan]]:
    """The events of `files` and each file's planting with `seed`; with `halves` (each event's
    half), the cases are of that half and every shared value is planted."""
    events = read_events(eval_dir, files)
    docs = parsed([a.text for _, _, articles, _ in events for a in articles])
    at = 0
    mentions, event_docs = [], []
    for _, _, articles, _ in events:
        event_docs.append(docs[at : at + len(articles)])
        mentions.append([find_mentions(doc) for doc in event_docs[-1]])
        at += len(articles)
    similarity = sentence_similarity(
        m.sentence for event in mentions for ms in event for m in ms if m.rejected is None
    )
    plans = []
    for name in files:
        of_file = [i for i, event in enumerate(events) if event[0] == name]
        pools = build_pools(
            (doc, ms) for i in of_file for doc, ms in zip(event_docs[i], mentions[i], strict=True)
        )
        plan = Plan()
        plans.append(plan)
        for i in of_file:
            _, event_id, articles, _ = events[i]
            if len(articles) >= 2:
                half = halves[(name, event_id)] if halves else None
                one = plant_event(
                    name, event_id, articles, mentions[i], pools, similarity, seed, half
                )
                plan.cases += one.cases
                plan.rejected += one.rejected
    return events, plans


def _write(
    out: Path,
    seed: int,
    events: Sequence[Event],
    halves: dict[tuple[str, str], str],
    cases: Sequence[Case],
    plans: Sequence[Plan],
    extra: dict[str, Any],
) -> dict[str, Any]:
    """Write the built file (see the module doc); its summary line."""
    rejected = [(event_id, rule, m) for plan in plans for event_id, rule, m in plan.rejected]
    summary = {
        "type": "build",
        "seed": seed,
        "kept": dict(Counter(f"{c.kind} {c.half}" for c in cases)),
        "rejected": dict(Counter(f"{m.kind} {rule}" for _, rule, m in rejected)),
        "hand-read": sorted(EXCLUDED),
        **extra,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(summary) + "\n")
        for name, event_id, articles, raw in events:
            if len(articles) >= 2:
                line = {"type": "event", "file": name, "event_id": event_id}
                line |= {"half": halves[(name, event_id)], "articles": raw}
                fh.write(json.dumps(line) + "\n")
        for case in cases:
            fh.write(json.dumps({"type": "case", **asdict(case)}) + "\n")
        for event_id, rule, m in rejected:
            line = {"type": "rejected", "event_id": event_id, "rule": rule, **asdict(m)}
            line.pop("words")
            fh.write(json.dumps(line) + "\n")
    return summary


# --- scoring --------------------------------------------------------------------------------
