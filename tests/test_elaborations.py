"""Elaborations: when a brief asks for more words than its distinct facts fill, the other
renderings of its claims follow, the one adding the most details first
(`briefs.selection.elaborations`)."""

from __future__ import annotations

from newsweave.briefs.selection import Candidate, Rendering, content_words, elaborations

LEAD = "The court dismissed the travel ban case on Tuesday."
FEW_MORE = (
    "The court dismissed the travel ban case on Tuesday in Washington, its clerk wrote in a "
    "brief statement."
)
MANY_MORE = (
    "The court dismissed a major challenge to the travel ban because a new version replaced "
    "it, sending the dispute back to the start."
)
SAYS_AGAIN = "On Tuesday the court dismissed the case about the travel ban."


def _candidate(text: str, renderings: tuple[Rendering, ...], claim: object) -> Candidate:
    return Candidate(claim, None, text, 0, content_words(text), None, 3.0, renderings)  # type: ignore[arg-type]


def test_the_rendering_adding_the_most_details_comes_first():
    renderings = tuple(
        Rendering(None, text, 0, None)  # type: ignore[arg-type]
        for text in (LEAD, SAYS_AGAIN, FEW_MORE, MANY_MORE)
    )
    lead = _candidate(LEAD, renderings, claim=object())
    found = [c.text for c in elaborations([lead], [lead])]
    assert found == [MANY_MORE, FEW_MORE], "most new details first; a repeat never"
