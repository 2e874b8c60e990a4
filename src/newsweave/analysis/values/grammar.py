"""What the value readers ask of spaCy's parse: plans, negations, conditions, the words of a
clause, and the names a token stands in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsweave.analysis.values.rules import words
from newsweave.analysis.vocabularies import vocabulary
from newsweave.analysis.words import NEGATIONS

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

SUBJECTS = ("nsubj", "nsubjpass")
# Clauses under a verb that tell of another happening than the verb's own.
SUBCLAUSES = frozenset({"relcl", "ccomp", "advcl", "parataxis", "acl", "csubj", "xcomp"})
CONTENT = ("NOUN", "PROPN", "VERB", "ADJ")


def is_negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in NEGATIONS for c in token.children)


def is_plan(token: Token) -> bool:
    """A future, modal or infinitive predicate, or one under "whether" / "if": it asserts
    nothing that happened (rule `grammar.plan`)."""
    future = words("grammar.plan")
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in future for c in token.children):
        return True
    return is_under(token, vocabulary("words.open-question").words)


def is_under(token: Token, marks: tuple[str, ...] | frozenset[str]) -> bool:
    """Whether the token's clause, or one it hangs from, opens on one of `marks` ("if one
    animal tests positive", "whether Korvania would accept")."""
    return any(
        c.dep_ == "mark" and c.lower_ in marks
        for t in (token, *token.ancestors)
        for c in t.children
    )


def verb_above(token: Token) -> Token | None:
    """The nearest verb (or auxiliary used as the main verb) the token hangs from."""
    return next((t for t in (token, *token.ancestors) if t.pos_ in ("VERB", "AUX")), None)


def clause_tokens(verb: Token) -> list[Token]:
    """The verb and what hangs from it, less the clauses under it and its conjuncts."""
    tokens, stack = [], [verb]
    while stack:
        token = stack.pop()
        tokens.append(token)
        stack += [c for c in token.children if c.dep_ not in SUBCLAUSES and c.dep_ != "conj"]
    return tokens


def clause_words(verb: Token | None, sentence: Span) -> frozenset[str]:
    """The content lemmas of the verb's clause (the verb and what hangs from it, less the
    clauses under it, which tell of other happenings), or of the whole sentence with no verb;
    names keep their case, so that "Ward" the name and "ward" the noun stay two words."""
    tokens = list(sentence) if verb is None else clause_tokens(verb)
    generic = words("grammar.generic")
    return frozenset(
        t.text if t.pos_ == "PROPN" else t.lemma_.lower()
        for t in tokens
        if t.pos_ in CONTENT and not t.is_stop and t.lemma_.lower() not in generic
    )


def sentence_words(span: Span) -> frozenset[str]:
    """The lower-cased content lemmas of a sentence."""
    return frozenset(t.lemma_.lower() for t in span if t.pos_ in CONTENT and not t.is_stop)


def name_words(head: Token) -> list[Token]:
    words_ = [head, *(c for c in head.children if c.dep_ in ("compound", "poss", "flat"))]
    return [w for w in words_ if w.pos_ == "PROPN"]
