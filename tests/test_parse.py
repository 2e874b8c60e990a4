"""Parsing in worker processes: the same Docs in the same order, and no worker left behind when
the reader stops early."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import warnings
from itertools import islice

import pytest

from newsweave.analysis.nlp import PROCESS_MIN_TEXTS, parse, sentences_of
from newsweave.onnx import default_threads
from test_hostile_pipeline import assert_die_with

pytestmark = pytest.mark.slow  # spaCy parses in every test

TEXTS = [
    f"Report {n}: the council of Port Casimir met on Monday. It voted {n} to one for the plan, "
    f"officials said.\n\nThe mayor, Ana Velle, called the vote {'historic' if n % 2 else 'late'}."
    for n in range(24)
]


def test_workers_give_the_docs_of_one_process_in_order():
    assert len(TEXTS) >= PROCESS_MIN_TEXTS  # enough texts for the workers to start
    few = parse(TEXTS[:2], workers=True)
    assert next(few).text == TEXTS[0]
    assert not multiprocessing.active_children()  # a few texts are parsed here, by no worker
    few.close()
    alone = [sentences_of(doc) for doc in parse(TEXTS)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # spaCy warns when a worker does not end cleanly
        workers = [sentences_of(doc) for doc in parse(TEXTS, workers=True)]
    assert workers == alone


def test_a_reader_that_takes_every_doc_and_stops_lets_the_workers_end_cleanly():
    docs = parse(TEXTS, workers=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [doc.text for doc in islice(docs, len(TEXTS))] == TEXTS
        docs.close()


def test_a_reader_that_stops_early_leaves_no_worker_behind():
    # long texts: the workers' Docs fill their pipes while nobody reads them
    texts = [" ".join([text] * 40) for text in TEXTS]
    before = set(multiprocessing.active_children())
    stopped = threading.Event()

    def read_one_and_stop() -> None:
        docs = parse(texts, workers=True)
        assert next(docs).text == texts[0]
        list(islice(docs, 1))
        docs.close()
        stopped.set()

    reader = threading.Thread(target=read_one_and_stop, daemon=True)
    reader.start()
    assert stopped.wait(timeout=120), "closing the parse waited for its workers for ever"
    assert set(multiprocessing.active_children()) - before == set()


# A process whose start method is spawn (a spawned process's own, as a benchmark's child has;
# macOS's default) or forkserver (a fork server's children are not the process's own): the
# parse workers are started so too, and get their handler pickled.
SPAWNED = """
import multiprocessing, sys, time, warnings
multiprocessing.set_start_method(sys.argv[2])
from newsweave.analysis.nlp import parse, sentences_of
texts = [f"Report {n}: the council met on Monday. It voted {n} to one, officials said." * 4
         for n in range(24)]
docs = parse(texts, workers=True)
first = next(docs)
print(*sorted(child.pid for child in multiprocessing.active_children()), flush=True)
if sys.argv[1] == "wait":
    time.sleep(600)
with warnings.catch_warnings():
    warnings.simplefilter("error")  # spaCy warns when a worker does not end cleanly
    workers = [sentences_of(doc) for doc in [first, *docs]]
print(workers == [sentences_of(doc) for doc in parse(texts)], flush=True)
"""

MULTI_CORE = pytest.mark.skipif(default_threads() == 1, reason="one core: no parse workers")


START_METHODS = pytest.mark.parametrize("method", ["spawn", "forkserver"])


@MULTI_CORE
@START_METHODS
def test_the_workers_start_under_spawn_and_give_the_docs_of_one_process(method):
    result = subprocess.run(
        [sys.executable, "-c", SPAWNED, "read", method],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    workers, same = result.stdout.splitlines()
    assert len(workers.split()) == default_threads()  # one worker per core, not a parse here
    assert same == "True"


@MULTI_CORE
@START_METHODS
def test_spawned_workers_die_with_a_process_killed_by_sigkill(method):
    process = subprocess.Popen(
        [sys.executable, "-c", SPAWNED, "wait", method], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    workers = [int(pid) for pid in process.stdout.readline().split()]
    assert len(workers) == default_threads()
    assert_die_with(process, workers)


def test_a_closing_quotation_mark_stays_with_its_sentence():
    """The parser splits the closing mark off a quotation's last sentence; without it the
    sentence would read as the outlet's own words, and a brief could state it as fact."""
    text = (
        '"We have received no formal notification," said Daria Lent. "We hear statements to '
        'journalists. A diplomatic note is something different."\n\nOfficials said a '
        "delegation would travel."
    )
    sentences = sentences_of(next(parse([text])))
    assert [s.text for s in sentences][-2:] == [
        'A diplomatic note is something different."',
        "Officials said a delegation would travel.",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)
    assert [s.index for s in sentences] == list(range(len(sentences)))
