"""Quotes with their speakers: who said what, in one article's text.

`extract_quotes(text, doc)` finds

- **direct** quotes: the words between quotation marks (typographic or straight), attributed
  through the dependency parse to a reporting verb outside the marks: `"…," X said`,
  `X said: "…"`, `X called the letter "…"`, `X described it as "…"`, and a quote continued after
  its cue (`"Part one," she said. "Part two."`), which comes back as two quotes sharing one cue
  and one speaker, unless a sentence between makes another named person its subject;
- **indirect** quotes: the clause a reporting verb governs (`X said that …`, `…, officials
  said`), the infinitive of a verb of urging or promising (`X urged Y to …`), and the clause
  around `according to X`.

Each quote carries exact character offsets: `text[start:end]` of its content span is its
content, and the cue span is the reporting phrase (`said`, `told reporters`, `described … as`,
`according to`). The speaker span is the mention where the quote is attributed (`he`, `the
minister`, `Rich Heffley, a top operative`), never a word inside the quotation marks (a name the
speaker addresses); `speaker` is the person it names, resolved in the article: a surname to the
fullest form of that name the article uses, `he`/`she` to the latest named person the article
made a subject before the cue, a title (`the minister said`) to the latest named person
described by that title, and a role noun more than one person bears to no one
(`people.People.resolve`).

Why rules written here: no packaged quote-attribution model installs and runs offline (the
research systems need hub downloads or a JVM, and none ships on PyPI with its weights), while
spaCy's packaged parser already gives what attribution needs: subjects, clausal complements and
lemmas. The rules follow the conventions of PolNeAR's annotation (a cue, its source and its
content) where those are also what a reader calls the quote; `bench/attribution_eval.py` scores
them against it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from newsweave.analysis.nlp import named_by, parse
from newsweave.analysis.people import People, name_key
from newsweave.analysis.vocabularies import vocabulary

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Marks", "Quote", "extract_quotes", "quoted_stretches"]

Offsets = tuple[int, int]


# Verbs that report what someone said, wrote, thinks or wants, by lemma (what each list is for
# is said in vocabulary/quotes.toml).
REPORTING_VERBS = vocabulary("quotes.reporting-verbs").words
INFINITIVE_VERBS = vocabulary("quotes.infinitive-verbs").words  # `urged Rellik to wait`
OBJECT_VERBS = vocabulary("quotes.object-verbs").words  # `accused Trump of lying`
OBJECT_PREPOSITIONS = vocabulary("quotes.object-prepositions").words  # `described it as`
AS_VERBS = vocabulary("quotes.as-verbs").words  # `described the letter as "…"`
COMPLEMENTIZERS = tuple(vocabulary("quotes.complementizers").words)  # said `that` …
OPENING = "“„«"
CLOSING = "”»"
STRAIGHT = ('"', "''")  # the second: two apostrophes, as some archives print a quote mark
# A quote that opens its sentence within this many characters of the previous quote with a
# cue (and no other cue between) continues that quote: `"Part one," she said. "Part two."`.
CONTINUATION_GAP = 200


@dataclass(frozen=True)
class Quote:
    """One attributed statement in an article; every span is (start, end) into its text."""

    kind: Literal["direct", "indirect"]
    speaker: str | None  # the person or body it is attributed to, resolved; None when unknown
    speaker_span: Offsets | None  # the mention it is attributed to ("he", "the minister")
    cue_span: Offsets  # the reporting phrase ("said", "according to", "described … as")
    content_span: Offsets
    content: str  # text[content_span[0]:content_span[1]]
    focus: str  # what the content says, without a copular clause's subject (see `_focus`)
    context: str  # the sentence(s) holding cue and content, other quotations' words left out


@dataclass(frozen=True)
class Marks:
    """A quoted stretch: `outer` includes the quotation marks, `inner` is what they surround."""

    outer: Offsets
    inner: Offsets


def extract_quotes(text: str, doc: Doc | None = None) -> list[Quote]:
    """The direct and indirect quotes of one article's text, in text order.

    `doc` is `text` parsed by `newsweave.analysis.nlp.parse`; it is parsed here when not given
    (pass it when parsing many texts: `parse` batches them).
    """
    if doc is None:
        doc = next(parse([text]))
    marks = quoted_stretches(text)
    inside = _quote_index(doc, marks)
    parsed = _Parsed(doc)
    found = (
        _direct(doc, marks, inside, parsed) + _indirect(doc, inside) + _according_to(doc, inside)
    )
    people = People(doc, inside)
    quotes = [
        Quote(
            kind=kind,
            speaker=people.resolve(source, cue.idx) if source is not None else None,
            speaker_span=_span_of(source) if source is not None else None,
            cue_span=cue_span,
            content_span=content,
            content=text[content[0] : content[1]],
            focus=_focus(doc, kind, content),
            context=_context(doc, parsed, marks, cue_span, content),
        )
        for kind, cue, cue_span, source, content in sorted(found, key=lambda item: item[1].i)
    ]
    return sorted(set(quotes), key=lambda quote: (quote.content_span, quote.cue_span))


class _Parsed:
    """What the quote rules read of a parse besides its tokens, read out of spaCy once: the
    text, its sentences and the sentence of each token.

    spaCy's `Doc.text`, `Doc.sents` and `Span.sent` walk the whole text at every call; asked
    once per quote, they made quote finding quadratic in an article's length.
    """

    def __init__(self, doc: Doc) -> None:
        self.text = doc.text
        self.spans: list[Span] = list(doc.sents)
        self.starts = [span.start_char for span in self.spans]
        self._number = [0] * len(doc)
        for number, span in enumerate(self.spans):
            self._number[span.start : span.end] = [number] * len(span)

    def of(self, token: Token) -> Span:
        return self.spans[self._number[token.i]]

    def near(self, start: int, end: int) -> list[tuple[Span, str]]:
        """The sentences that may hold a cue for the quotation at `start:end`, in text order,
        each with how it stands to the quotation: it overlaps it (`touches`), it starts after
        it with no word between (`follows`), or it ends before it with no word between
        (`precedes`)."""
        first = max(0, bisect_left(self.starts, start) - 1)
        while first < len(self.spans) and self.spans[first].end_char <= start:
            first += 1  # the first sentence that does not end before the quotation
        found: list[tuple[Span, str]] = []
        before = first - 1
        while before >= 0 and not _has_words(self.text[self.spans[before].end_char : start]):
            found.insert(0, (self.spans[before], "precedes"))
            before -= 1
        after = first
        while after < len(self.spans) and self.spans[after].start_char < end:
            found.append((self.spans[after], "touches"))
            after += 1
        while after < len(self.spans) and not _has_words(
            self.text[end : self.spans[after].start_char]
        ):
            found.append((self.spans[after], "follows"))
            after += 1
        return found


def _focus(doc: Doc, kind: str, content: Offsets) -> str:
    """What an indirect quote says, without its subject when its clause says what something
    *is*: "the letter in which Dravenko proposed the meeting was discourteous and full of
    sneering remarks" is "discourteous and full of sneering remarks". Another outlet renders
    that remark as "disrespectful remarks"; the subject is the topic, not the remark, and would
    make the quote read like any other remark about the meeting. A direct quote is its words."""
    text = doc.text[content[0] : content[1]]
    span = doc.char_span(*content, alignment_mode="expand")
    if kind == "direct" or span is None:
        return text
    judged = _judgement(span)
    if judged is not None:
        return doc.text[judged.idx : content[1]]
    root = span.root
    subject = any(c.dep_ in ("nsubj", "nsubjpass") and c.i < root.i for c in root.children)
    predicate = [c for c in root.children if c.dep_ in ("acomp", "attr") and c.i > root.i]
    if root.lemma_ != "be" or not subject or not predicate or root.i + 1 >= span.end:
        return text
    return doc.text[doc[root.i + 1].idx : content[1]]


def _judgement(span: Span) -> Token | None:
    """Where a verb of judging says what its object is judged as: "described the letter as
    impolite" and "called the plan reckless" report "impolite" and "reckless"; the object is
    the topic, as a copular clause's subject is (`_focus`)."""
    for token in span:
        if token.dep_ == "oprd" and token.i > span.start:
            return token.left_edge
        if token.lower_ == "as" and token.dep_ == "prep" and token.head.dep_ == "dobj":
            described = [c for c in token.children if c.dep_ in ("pobj", "amod", "acomp")]
            if described:
                return described[0].left_edge
    return None


def _context(
    doc: Doc, parsed: _Parsed, marks: Sequence[Marks], cue: Offsets, content: Offsets
) -> str:
    """The words of the sentences from cue to content, without other quotations' words, so
    two quotes in one sentence (`called it "X" and said "Y"`) read differently."""
    first = doc.char_span(*cue, alignment_mode="expand")
    last = doc.char_span(*content, alignment_mode="expand")
    text = parsed.text
    if first is None or last is None:
        return text[content[0] : content[1]]
    start = min(parsed.of(first[0]).start_char, parsed.of(last[0]).start_char)
    end = max(parsed.of(first[-1]).end_char, parsed.of(last[-1]).end_char)
    pieces, at = [], start
    for stretch in marks:
        inner_start, inner_end = stretch.inner
        if (
            start <= inner_start
            and inner_end <= end
            and not (inner_start < content[1] and content[0] < inner_end)
        ):
            pieces.append(text[at:inner_start])
            at = inner_end
    pieces.append(text[at:end])
    return " ".join("".join(pieces).split())


def quoted_stretches(text: str) -> list[Marks]:
    """Every stretch between quotation marks; an unclosed one ends at its paragraph's end.

    Typographic marks pair by direction, straight ones alternate; `”` with nothing open
    before a word opens (a common mis-encoding of `“`).
    """
    stretches: list[Marks] = []
    opened: int | None = None
    opened_width = 1
    at = 0
    while at < len(text):
        char = text[at]
        width = 2 if text.startswith("''", at) else 1
        is_straight = width == 2 or char == '"'
        if opened is not None and (char == "\n" or char in OPENING):
            stretches.append(_marks(text, opened, at, opened_width, closed=False))
            opened = None
        if char == "\n":
            pass
        elif opened is None and (
            char in OPENING or is_straight or (char in CLOSING and _opens(text, at))
        ):
            opened, opened_width = at, width
        elif opened is not None and (char in CLOSING or is_straight):
            stretches.append(_marks(text, opened, at + width, opened_width, closed=True))
            opened = None
        at += width
    if opened is not None:
        stretches.append(_marks(text, opened, len(text), opened_width, closed=False))
    return [stretch for stretch in stretches if stretch.inner[0] < stretch.inner[1]]


def _opens(text: str, at: int) -> bool:
    before = text[at - 1] if at else " "
    after = text[at + 1] if at + 1 < len(text) else " "
    return before.isspace() and after.isalnum()


def _marks(text: str, start: int, end: int, width: int, *, closed: bool) -> Marks:
    inner_start = start + width
    inner_end = end - (2 if closed and text.endswith("''", 0, end) else 1) if closed else end
    while inner_start < inner_end and text[inner_start].isspace():
        inner_start += 1
    while inner_end > inner_start and text[inner_end - 1].isspace():
        inner_end -= 1
    return Marks((start, end), (inner_start, inner_end))


def _quote_index(doc: Doc, marks: Sequence[Marks]) -> list[int | None]:
    """For each token, the index of the quoted stretch it lies in (marks included), or None."""
    inside: list[int | None] = [None] * len(doc)
    for number, stretch in enumerate(marks):
        span = doc.char_span(*stretch.outer, alignment_mode="expand")
        if span is not None:
            for token in span:
                inside[token.i] = number
    return inside


# kind, cue, cue span, source, content
_Found = tuple[Literal["direct", "indirect"], "Token", Offsets, "Span | None", Offsets]


def _direct(
    doc: Doc, marks: Sequence[Marks], inside: list[int | None], parsed: _Parsed
) -> list[_Found]:
    found: list[_Found] = []
    previous: tuple[int, Token] | None = None  # end of the last attributed quote, its cue
    tokens: list[list[Token]] = [[] for _ in marks]  # the tokens inside each quoted stretch
    for token in doc:
        if (stretch_number := inside[token.i]) is not None:
            tokens[stretch_number].append(token)
    for number, stretch in enumerate(marks):
        cue = _governing_cue(tokens[number], inside) or _neighbour_cue(doc, parsed, stretch, inside)
        if (
            cue is None
            and previous is not None
            and _continues(doc, parsed, stretch, previous, inside)
        ):
            cue = previous[1]
        if cue is None:
            continue
        found.append(("direct", cue, _cue_span(cue), _source(cue, inside), stretch.inner))
        previous = (stretch.outer[1], cue)
    return found


def _is_cue(token: Token, inside: list[int | None]) -> bool:
    """A reporting verb outside quotation marks, or any verb with a `that` clause."""
    if inside[token.i] is not None or token.pos_ not in ("VERB", "AUX"):
        return False
    if token.lemma_.lower() in REPORTING_VERBS:
        return True
    return token.pos_ == "VERB" and any(
        child.dep_ == "ccomp"
        and any(t.dep_ == "mark" and t.lower_ == "that" for t in child.children)
        for child in token.children
    )


def _governing_cue(tokens: Sequence[Token], inside: list[int | None]) -> Token | None:
    """The nearest reporting verb outside the marks, in the same paragraph, that governs a
    word inside them."""
    best: tuple[int, Token] | None = None
    for token in tokens:
        steps, head = 0, token
        while head.head.i != head.i:
            head, steps = head.head, steps + 1
            if _is_cue(head, inside):
                if _is_next_to(head, token, inside) and (best is None or steps < best[0]):
                    best = (steps, head)
                break
    return best[1] if best else None


def _is_next_to(cue: Token, token: Token, inside: list[int | None]) -> bool:
    """Whether no paragraph break or sentence end outside quotation marks parts two tokens.

    The parser sometimes joins sentences (`… decision. "We …," she said.`) and hangs a quote on
    the previous sentence's verb; such a verb is not the quote's cue.
    """
    first, last = sorted((cue.i, token.i))
    return not any(
        inside[t.i] is None and (t.text in (".", "!", "?") or "\n" in t.text)
        for t in cue.doc[first:last]
    )


def _neighbour_cue(
    doc: Doc, parsed: _Parsed, stretch: Marks, inside: list[int | None]
) -> Token | None:
    """A reporting verb without a clause of its own in the quote's sentence, or right beside it
    (a sentence before it leads into it with a colon or comma).

    The parser often cuts `"…," she said.` or `She said: "…"` into separate sentences.
    """
    start, end = stretch.outer
    text = parsed.text
    quoted = doc.char_span(start, end, alignment_mode="expand")
    if quoted is None:  # not within the text (never so for the marks `quoted_stretches` finds)
        return None
    candidates: list[Token] = []
    for sentence, stands in parsed.near(start, end):
        leads = stands == "precedes"
        if not leads or text[sentence.start_char : start].rstrip()[-1:] in (":", ","):
            candidates.extend(
                token
                for token in sentence
                if _is_cue(token, inside)
                and not _clause_of(token, inside)
                and (
                    leads
                    or _is_next_to(
                        token, quoted[0] if token.i < quoted[0].i else quoted[-1], inside
                    )
                )
            )
    if not candidates:
        return None
    return min(candidates, key=lambda token: min(abs(token.idx - start), abs(token.idx - end)))


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)


def _continues(
    doc: Doc,
    parsed: _Parsed,
    stretch: Marks,
    previous: tuple[int, Token],
    inside: list[int | None],
) -> bool:
    """Whether a quote with no cue of its own goes on from the previous attributed quote."""
    previous_end, cue = previous
    start = stretch.outer[0]
    if start - previous_end > CONTINUATION_GAP:
        return False
    sentence = doc.char_span(start, stretch.outer[1], alignment_mode="expand")
    if sentence is None or _has_words(parsed.text[parsed.of(sentence[0]).start_char : start]):
        return False
    gap = doc.char_span(previous_end, start, alignment_mode="contract")
    if gap is None:
        return True
    if any(_is_cue(token, inside) and token != cue for token in gap):
        return False
    return not _someone_else(gap, _source(cue, inside), inside)


def _someone_else(gap: Span, source: Span | None, inside: list[int | None]) -> bool:
    """Whether a stretch between two quotations makes a person other than the first one's
    source the subject of a sentence (`"…," Varga said. Brekke nodded. "…"`): the second
    quotation may be that person's, so it does not go on from the first."""
    speaker = {name_key(t.text) for t in source or () if t.pos_ == "PROPN"}
    return any(
        token.dep_ in ("nsubj", "nsubjpass")
        and (token.pos_ == "PROPN" or token.ent_type_ == "PERSON")
        and inside[token.i] is None
        and (source is None or not source.start <= token.i < source.end)
        and name_key(token.text) not in speaker
        for token in gap
    )


def _clause_of(cue: Token, inside: list[int | None]) -> Token | None:
    """The clausal complement a reporting verb governs outside quotation marks, if any."""
    for child in cue.children:
        if child.dep_ == "ccomp" and inside[child.i] is None:
            return child
    return None


def _indirect(doc: Doc, inside: list[int | None]) -> list[_Found]:
    found: list[_Found] = []
    for token in doc:
        if not _is_cue(token, inside):
            continue
        for part in _reported(token):
            part = _nearest_sentence(part, token, inside)
            start, end = _trimmed(part, leading=COMPLEMENTIZERS)
            words = [t for t in part if not t.is_punct]
            quoted = sum(inside[t.i] is not None for t in words)
            if start >= end or quoted >= 0.8 * len(words):  # a direct quote covers it
                continue
            found.append(
                ("indirect", token, _cue_span(token), _source(token, inside), (start, end))
            )
    return found


def _nearest_sentence(run: list[Token], cue: Token, inside: list[int | None]) -> list[Token]:
    """The piece of a run next to its cue, cut where a sentence ends outside quotation marks.

    The parser sometimes joins `… back. "We have no silver bullets," he said.` into one
    sentence and hangs the first sentence on `said`; the cue reports only what is next to it.
    """
    pieces: list[list[Token]] = [[]]
    for token in run:
        pieces[-1].append(token)
        ends = token.text in (".", "!", "?") or (token.is_space and "\n" in token.text)
        if ends and inside[token.i] is None:
            pieces.append([])
    pieces = [piece for piece in pieces if piece]
    if len(pieces) < 2:
        return run
    return min(pieces, key=lambda piece: min(abs(piece[0].i - cue.i), abs(piece[-1].i - cue.i)))


def _reported(cue: Token) -> list[list[Token]]:
    """What a reporting verb reports, as runs of tokens: its clausal complement; the clause
    it interrupts (`The industry, she said, is …`: two runs); an object and infinitive (`urged
    Rellik to wait`); or, for verbs of judging, its object and what it is judged as or for."""
    doc = cue.doc
    for child in cue.children:
        if child.dep_ == "ccomp":
            return [list(child.subtree)]
    if cue.dep_ == "parataxis" and cue.head.pos_ in ("VERB", "AUX"):
        own = range(cue.left_edge.i, cue.right_edge.i + 1)
        clause = list(cue.head.subtree)
        return [
            run
            for run in (
                [t for t in clause if t.i < own.start],
                [t for t in clause if t.i >= own.stop],
            )
            if run
        ]
    lemma = cue.lemma_.lower()
    objects = [t for t in cue.children if t.dep_ in ("dobj", "dative") and t.i > cue.i]
    if lemma in INFINITIVE_VERBS:
        for child in cue.children:
            if child.dep_ == "xcomp" and any(t.dep_ == "aux" for t in child.children):
                start = (
                    objects[0].left_edge.i
                    if objects and objects[0].i < child.i
                    else child.left_edge.i
                )
                return [list(doc[start : child.right_edge.i + 1])]
    if lemma in OBJECT_VERBS:
        parts = [
            t
            for t in cue.children
            if t.i > cue.i
            and (
                t.dep_ in ("dobj", "oprd") or (t.dep_ == "prep" and t.lower_ in OBJECT_PREPOSITIONS)
            )
        ]
        if parts:
            return [list(doc[parts[0].left_edge.i : parts[-1].right_edge.i + 1])]
    return []


def _trimmed(tokens: Sequence[Token], *, leading: Iterable[str] = ()) -> Offsets:
    """Character span of tokens without edge punctuation or a leading complementizer."""
    leading = set(leading)
    first, last = 0, len(tokens) - 1
    while first <= last and (tokens[first].is_punct or tokens[first].lower_ in leading):
        first += 1
    while last >= first and tokens[last].is_punct:
        last -= 1
    if first > last:
        return (0, 0)
    return (tokens[first].idx, tokens[last].idx + len(tokens[last].text))


def _according_to(doc: Doc, inside: list[int | None]) -> list[_Found]:
    """`according to X, …` and `…, according to X`: X is the source, the clause the content."""
    found: list[_Found] = []
    for token in doc:
        if token.lower_ != "according" or inside[token.i] is not None:
            continue
        to = next((child for child in token.children if child.lower_ == "to"), None)
        source = (
            next((child for child in to.children if child.dep_ == "pobj"), None) if to else None
        )
        if to is None or source is None:
            continue
        phrase = range(token.left_edge.i, token.right_edge.i + 1)
        clause = [t for t in token.head.subtree if t.i not in phrase] if token.head != token else []
        before = [t for t in clause if t.i < phrase.start]
        after = [t for t in clause if t.i >= phrase.stop]
        side = after if len(after) >= len(before) else before
        start, end = _trimmed(side)
        if start >= end:
            continue
        kind: Literal["direct", "indirect"] = (
            "direct" if all(inside[t.i] is not None for t in side if not t.is_punct) else "indirect"
        )
        cue_span = (token.idx, to.idx + len(to.text))
        found.append(
            (
                kind,
                token,
                cue_span,
                source.doc[source.left_edge.i : source.right_edge.i + 1],
                (start, end),
            )
        )
    return found


def _cue_span(cue: Token) -> Offsets:
    """The reporting phrase: the verb with its particle, `as` (`described … as`), or the
    listeners of `told` (`told reporters`)."""
    end_token = cue
    for child in cue.children:
        if child.dep_ == "prt" and child.i == cue.i + 1:
            end_token = child
        elif cue.lemma_ == "tell" and child.dep_ in ("dobj", "dative") and child.i > cue.i:
            if child.right_edge.i - cue.i <= 4:
                end_token = max(end_token, child.right_edge, key=lambda t: t.i)
        elif cue.lemma_.lower() in AS_VERBS and child.lower_ == "as" and 0 < child.i - cue.i <= 8:
            end_token = child
    return (cue.idx, end_token.idx + len(end_token.text))


def _source(cue: Token, inside: list[int | None]) -> Span | None:
    """Who the cue attributes to: its subject, or the subject of the verb it hangs from
    (`…, saying …`, `…, telling reporters …`).

    A word inside quotation marks is never the subject: the parser hangs a name the speaker
    addresses on the cue (`"Secretary Clinton — great," he said.` has `Clinton` for a second
    subject of `said`), and the quoted words are what is said, not who says it."""
    verb: Token | None = cue
    for _ in range(3):
        if verb is None:
            return None
        subjects = [
            child
            for child in verb.children
            if child.dep_ in ("nsubj", "nsubjpass") and inside[child.i] is None
        ]
        # a dateline taken for the subject gives way to the real one
        subject = next((word for s in subjects for word in named_by(s)), None)
        if subject is not None:
            if subject.dep_ == "nsubjpass":
                agent = next((c for c in verb.children if c.dep_ == "agent"), None)
                pobj = (
                    next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
                )
                subject = pobj or subject
            return _noun_phrase(subject)
        if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp", "acl") and verb.head != verb:
            verb = verb.head
        else:
            return None
    return None


def _noun_phrase(head: Token) -> Span:
    """A subject's whole phrase (appositions and relative clauses included), commas trimmed."""
    tokens = list(head.subtree)
    start, end = tokens[0].i, tokens[-1].i + 1
    doc = head.doc
    while start < head.i and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end - 1 > head.i and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def _span_of(span: Span) -> Offsets:
    return (span.start_char, span.end_char)
