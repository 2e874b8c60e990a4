"""Where the heavy per-item work of the stages runs: in this process, or on Ray workers.

The stages hand an engine one kind of work, `map(task, items)`: the results of `task` over
`items`, in order, an item's error yielded in its place (one event's failure is its own). The
stages decide what a task is (a batch of texts to embed, one event to parse and analyse, one
brief to draft and verify) and keep everything ordered to themselves: the clustering decisions,
the storylines and every write to the store stay in the process that calls the stages.

`LocalEngine` (the `engine` setting's default, `local`) runs each task here, as a plain loop.
`RayEngine` (`engine = "ray"`) runs them on Ray actors, one per CPU of the cluster: an actor is a
worker process that stays up for the whole run, so the models a task loads (spaCy, MiniLM, the
support checker; each is cached per process by its loader) are loaded once per worker, not once
per task. `ray_address` joins a running cluster; empty, a local Ray is started with one worker
per core this process may use. At most `WINDOW` tasks per worker are in flight, so the driver
builds the items (an event's articles, a brief's material) only a little ahead of the workers:
memory stays bounded whatever the run's size. Ray, not a scheduler of newsweave's own: it keeps
the workers, ships the items and restarts what dies.

A worker that dies (killed, out of memory) is restarted by Ray and the tasks it held are run
again (`max_restarts` and `max_task_retries` unbounded on the actors): a task's result is kept
only when it returns, and every task is one item's pure function, so running it twice is safe.
When the cluster itself is gone, `WorkerLost` says so and the run stops; what it stored stays,
and the next run does the rest.

A task must be a module-level function (or a `functools.partial` of one) whose arguments can be
pickled: Ray ships it by reference, and every worker imports newsweave itself.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import Any, Protocol, TypeVar

from newsweave.errors import SettingsError, WorkerLost
from newsweave.onnx import default_threads
from newsweave.settings import Settings

__all__ = ["Engine", "LocalEngine", "RayEngine", "engine_for"]

WINDOW = 2  # tasks in flight per Ray worker: one running, one waiting to start
OBJECT_STORE_BYTES = 256 * 1024 * 1024  # a local Ray's shared memory for items and results

Item = TypeVar("Item")
Result = TypeVar("Result")


class Engine(Protocol):
    """Runs a stage's per-item work (see the module doc)."""

    @property
    def in_process(self) -> bool:
        """Whether tasks run in this process (the stages then use what they hold already)."""
        ...

    def map(
        self, task: Callable[[Item], Result], items: Iterable[Item]
    ) -> Iterator[Result | Exception]: ...


class LocalEngine:
    """Every task in this process, one after the other."""

    in_process = True

    def map(
        self, task: Callable[[Item], Result], items: Iterable[Item]
    ) -> Iterator[Result | Exception]:
        for item in items:
            yield _outcome(task, item)


class RayEngine:
    """Tasks on Ray actors, one per CPU of the cluster (see the module doc)."""

    in_process = False

    def __init__(self, address: str = "", *, cpus: int | None = None) -> None:
        ray = _ray()
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # Ray reports nothing home
            local = {
                "num_cpus": cpus or default_threads(),
                "object_store_memory": OBJECT_STORE_BYTES,
            }
            try:
                ray.init(
                    address=address or None,
                    include_dashboard=False,
                    log_to_driver=False,
                    logging_level=logging.WARNING,
                    **({} if address else local),
                )
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise SettingsError(
                    f"cannot start or join Ray at {address or 'a new local cluster'} ({error}); "
                    "check the ray_address setting, or leave it empty for a local Ray"
                ) from None
        count = max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(_Worker)
        self._ray = ray
        self.workers = [actor.remote() for _ in range(count)]

    def map(
        self, task: Callable[[Item], Result], items: Iterable[Item]
    ) -> Iterator[Result | Exception]:
        """`task` over `items` on the workers, in turn, at most WINDOW per worker in flight;
        the results in the order of the items."""
        pending: deque[Any] = deque()
        limit = WINDOW * len(self.workers)
        for number, item in enumerate(items):
            worker = self.workers[number % len(self.workers)]
            pending.append(worker.run.remote(task, item))
            if len(pending) >= limit:
                yield self._result(pending.popleft())
        while pending:
            yield self._result(pending.popleft())

    def worker_pids(self) -> list[int]:
        """The process id of each worker, in order (a test kills one)."""
        return list(self._ray.get([worker.pid.remote() for worker in self.workers]))

    def _result(self, reference: Any) -> Any:
        try:
            return self._ray.get(reference)
        except self._ray.exceptions.RayError as error:  # the task's own errors come back as values
            raise WorkerLost(
                f"a Ray worker was lost and could not be restarted ({type(error).__name__}); "
                "check the cluster, then run again: what was stored stays"
            ) from None


class _Worker:
    """One Ray actor: runs the tasks it is given; its process keeps the models they load."""

    def run(self, task: Callable[[Any], Any], item: Any) -> Any:
        return _outcome(task, item)

    def pid(self) -> int:
        return os.getpid()


def _outcome(task: Callable[[Item], Result], item: Item) -> Result | Exception:
    """`task(item)`, or the error it raised: one item's error is that item's alone."""
    try:
        return task(item)
    except Exception as error:
        return error


def engine_for(settings: Settings) -> Engine:
    """The engine the `engine` setting names; a Ray engine is made once per process and
    `ray_address`, so its workers (and the models they hold) serve every stage and run."""
    if settings.engine == "ray":
        return _ray_engine(settings.ray_address)
    return LocalEngine()


@lru_cache(maxsize=1)
def _ray_engine(address: str) -> RayEngine:
    return RayEngine(address)


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise SettingsError(
            "the ray engine needs Ray, which is not installed; run `pip install "
            "'newsweave[ray]'`, or set engine to local"
        ) from None
    return ray
