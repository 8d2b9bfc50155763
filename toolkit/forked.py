"""Work shared among forked worker processes, one per core: each worker inherits the caller's state
as it is when the work starts (nothing is copied in), and only the results travel back, each through
a file in a private temporary folder: through the pool's pipe, a worker sending 30 MB waits on the
parent for every 64 KB, and on the other worker's sending (a second in all for 240,000 imported
claims). Results are taken in order as they come, while the workers go on.

Where `fork` is missing (Windows), with one core, inside a worker already (a daemon process may
have no children) or with a single chunk, the chunks are worked here, one after another: the
results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

_WORK: tuple[Callable[[Any, Any], Any], Any, str] | None = None  # the work under way, as the workers inherit it


def cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def work(
    function: Callable[[Any, Chunk], Result], state: Any, chunks: Sequence[Chunk], *, workers: int | None = None
) -> list[Result]:
    """`[function(state, chunk) for chunk in chunks]`, the chunks shared among `workers` forked
    processes (None: one per core). The chunks and what `function` returns must pickle."""
    count = min(cores() if workers is None else workers, len(chunks))
    if count <= 1 or not hasattr(os, "fork") or multiprocessing.current_process().daemon:
        return [function(state, chunk) for chunk in chunks]
    global _WORK
    with tempfile.TemporaryDirectory(prefix="claims-work-") as results:
        _WORK = (function, state, results)
        try:
            with multiprocessing.get_context("fork").Pool(count) as pool:
                return [_result(path) for path in pool.imap(_work_on, chunks)]
        finally:
            _WORK = None


def _work_on(chunk: Any) -> str:
    """Where the worker left what `function` gave for `chunk`."""
    assert _WORK is not None, "set by work() before the workers are forked"
    function, state, results = _WORK
    with tempfile.NamedTemporaryFile(dir=results, delete=False) as file:
        pickle.dump(function(state, chunk), file, protocol=pickle.HIGHEST_PROTOCOL)
    return file.name


def _result(path: str) -> Any:
    """A worker's result, its file removed."""
    with open(path, "rb") as file:
        result = pickle.load(file)
    os.unlink(path)
    return result
