"""One value an article states, as every reader gives it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from newsweave.analysis.nlp import Sentence

Kind = Literal["count", "date", "place", "person", "yes_no"]


@dataclass(frozen=True)
class Mention:
    kind: Kind
    value: str  # as compared: "9", "2026-03-05", "tuesday", "saltmere", "korda", "yes"
    what: frozenset[str]  # what it is a value of: the counted noun, the happening, the holder
    article: int  # position in the event
    sentence: Sentence
    words: frozenset[str] = frozenset()  # content lemmas of its clause: which happening
    shown: str = ""  # as the sentence prints it: "Vesna Korda", "Saltmere", "Thursday"
    also: str | None = None  # a value it agrees with too: a toll with its attackers counted in
    days: frozenset[str] = frozenset()  # the days its sentence dates what happened
    kinds: frozenset[str] = frozenset()  # a count's: what kind of the noun ("robbery" charges)
    places: frozenset[str] = frozenset()  # a count's: the places its clause names
    owners: frozenset[str] = frozenset()  # a count's: whose they are ("pujols" for his runs)
    rounded: int = 0  # a count's: the unit an approximate one is rounded to ("nearly 260,000")
    # a date's other forms it can be compared in: (("weekday", "thursday"), ("month day", ...))
    forms: tuple[tuple[str, str], ...] = ()
    role: str = ""  # a person's: "said" (the speaker of a remark) or "led"; a place's: "near"
    level: str = ""  # a place's: "country", "region" or "city"
    edge: str = ""  # a date's: "late" ("late Tuesday", "Tuesday night") or "early"
    context: frozenset[str] = frozenset()  # content lemmas of its whole sentence
    parties: frozenset[str] = frozenset()  # a date's: the subject and object of its verb
    clause: str = ""  # a date's: its clause as printed, the date left out ("Rellik rejected ...")
    # a date's: what its sentence tells happened before or after ("following the shootings")
    apart: frozenset[str] = frozenset()
