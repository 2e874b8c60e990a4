"""The engines: the stages' heavy work in this process or on Ray workers, with the same result.

The fast tests hold the seam's contract (`engine.map`: results in order, an item's error in its
place; the `engine` setting). The slow ones run the sample corpus, as the `sqlite_pipeline`
fixture runs it in process (all of it but one article, then that article), on a local Ray with
two CPUs, and compare every event, analysis (claims, disagreements, quotes, statements) and
brief with the in-process run's; once as it is, and once with a worker killed (SIGKILL) in the
middle of the analysis and another in the middle of the briefs, which Ray restarts and whose
tasks it runs again.
"""

from __future__ import annotations

import os
import shutil
import signal
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from conftest import ELEVEN_DEAD, SAMPLE, Pipeline, store_outcome
from newsweave.engine import LocalEngine, engine_for
from newsweave.errors import SettingsError
from newsweave.pipeline import run_pipeline
from newsweave.settings import Settings, load_settings
from newsweave.store import open_store


def _halve(number: int) -> float:
    if number == 3:
        raise ValueError("three is odd")
    return number / 2


def test_local_engine_yields_each_result_in_order_and_an_error_in_its_place() -> None:
    results = list(LocalEngine().map(_halve, [2, 3, 4]))
    assert results[0] == 1 and results[2] == 2
    assert isinstance(results[1], ValueError) and str(results[1]) == "three is odd"


def test_the_engine_setting_is_local_by_default_and_checked() -> None:
    assert isinstance(engine_for(Settings()), LocalEngine)
    with pytest.raises(SettingsError, match=r"engine .* must be local or ray, not 'spark'"):
        load_settings(overrides={"engine": "spark"}, environ={})


@pytest.fixture(scope="module")
def ray_engine() -> Iterator[Any]:
    """A local Ray with two CPUs (two workers), shut down after the module's tests."""
    pytest.importorskip("ray")
    import ray

    from newsweave.engine import RayEngine

    yield RayEngine(cpus=2)
    ray.shutdown()


def _run_on_ray(folder: Path, engine: Any, kill: bool = False) -> str:
    """The sample corpus run as `sqlite_pipeline` runs it, on `engine`; with `kill`, a worker
    is killed when the first event is analysed and the other when the first brief is written."""
    corpus = folder / "articles"
    shutil.copytree(SAMPLE / "articles", corpus)
    late = folder / ELEVEN_DEAD
    shutil.move(corpus / ELEVEN_DEAD, late)
    db = str(folder / "store.db")
    settings = Settings(db=db, engine="ray")
    killed: list[str] = []

    def progress(step: str, done: int, total: int) -> None:
        if kill and step in ("analysing", "writing briefs") and step not in killed:
            killed.append(step)
            os.kill(engine.worker_pids()[len(killed) - 1], signal.SIGKILL)

    with open_store(db) as store:
        run = partial(run_pipeline, store=store, settings=settings, engine=engine)
        for sources in ([str(corpus)], [str(late)]):
            report = run(sources, progress=progress)
            assert not report.failed_events()
    assert killed == (["analysing", "writing briefs"] if kill else [])
    return db


@pytest.mark.slow
def test_ray_gives_the_same_events_analyses_and_briefs_as_in_process(
    sqlite_pipeline: Pipeline, ray_engine: Any, tmp_path: Path
) -> None:
    expected = store_outcome(sqlite_pipeline.db)
    assert len(expected) >= 10 and any(len(v[3]) == 2 for v in expected.values())
    assert store_outcome(_run_on_ray(tmp_path, ray_engine)) == expected


@pytest.mark.slow
def test_a_killed_ray_worker_is_restarted_and_its_work_redone(
    sqlite_pipeline: Pipeline, ray_engine: Any, tmp_path: Path
) -> None:
    before = ray_engine.worker_pids()
    db = _run_on_ray(tmp_path, ray_engine, kill=True)
    after = ray_engine.worker_pids()
    assert all(old != new for old, new in zip(before, after, strict=True))  # both restarted
    assert store_outcome(db) == store_outcome(sqlite_pipeline.db)
