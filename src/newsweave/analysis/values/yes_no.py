"""Yes/no facts: whether something happened, for the predicates whose negation news disputes.

The predicates are a short table (rule `yes_no.predicates`): attending (attend, travel, lead,
head, participate, join) and confirming. A predicate is "no" when it is negated ("did not
attend", "has not yet confirmed"); plans and conditions are not read ("will lead", "whether
Korvania would accept"). The `what` is the concept and the names of who did it; two are about
the same thing when each one's subject is named in the other sentence, or their sentences are
aligned in one claim (the core's test).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from newsweave.analysis.nlp import Sentence
from newsweave.analysis.values.grammar import SUBJECTS, is_negated, is_plan, name_words
from newsweave.analysis.values.mention import Mention
from newsweave.analysis.values.rules import table

if TYPE_CHECKING:
    from spacy.tokens import Span, Token


def read_yes_no(span: Span, article: int, sentence: Sentence) -> Iterable[Mention]:
    polar = table("yes_no.predicates")
    for token in span:
        if token.pos_ != "VERB" or is_plan(token) or token.lemma_ not in polar:
            continue
        value = "no" if is_negated(token) else "yes"
        what = frozenset({polar[token.lemma_], *_subject_names(token)})
        yield Mention("yes_no", value, what, article, sentence)


def concept(mention: Mention) -> str:
    concepts = set(table("yes_no.predicates").values())
    return next(word for word in mention.what if word in concepts)


def _subject_names(token: Token) -> set[str]:
    """Lower-cased proper-noun words naming who did it: the subject (the agent of a passive),
    else the subject of the clause it confirms ("Korvania will ..., a spokesman confirmed")."""
    agents = [g for c in token.children if c.dep_ == "agent" for g in c.children]
    subjects = agents or [c for c in token.children if c.dep_ in SUBJECTS]
    names = {w.lower_ for s in subjects for w in name_words(s)}
    if names:
        return names
    clauses = [c for c in token.children if c.dep_ in ("ccomp", "dep")] + (
        [token.head] if token.dep_ in ("parataxis", "ccomp") else []
    )
    return {
        w.lower_
        for clause in clauses
        for s in clause.children
        if s.dep_ in SUBJECTS
        for w in name_words(s)
    }
