"""Run by every Python process a fast-loop test starts (the fast loop puts this folder on
PYTHONPATH): importing a model package fails the process, with the message to mark the test
slow (`model_imports.py` says why)."""

import sys
from pathlib import Path
from typing import NoReturn

sys.path.append(str(Path(__file__).parents[1]))  # tests/, last: for model_imports only

from model_imports import refuse_model_imports


def _fail(message: str) -> NoReturn:
    raise SystemExit(message)  # not an ImportError, which newsweave reads as a missing install


refuse_model_imports(_fail)
