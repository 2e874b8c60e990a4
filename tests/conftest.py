"""Hypothesis profiles: random examples where developers run the tests, fixed ones in CI.

Property tests search a new part of their input space on every local run, which is how they
find edge cases; CI (`.ci/run` sets HYPOTHESIS_PROFILE=ci) runs the same examples each time, so
a submission's result does not depend on the draw. An edge case found locally goes into the
test as an `@example`, and CI runs it from then on.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
