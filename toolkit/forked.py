"""Work shared among forked worker processes, one per core: each worker inherits the caller's state
as it is when the work starts (nothing is copied in), and only the results travel back.

Where `fork` is missing (Windows), with one core, inside a worker already (a daemon process may
have no children) or with a single chunk, the chunks are worked here, one after another: the
results are the same either way.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

_WORK: tuple[Callable[[Any, Any], Any], Any] | None = None  # the work under way, as the workers inherit it


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
    _WORK = (function, state)
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            return pool.map(_work_on, chunks, chunksize=1)
    finally:
        _WORK = None


def _work_on(chunk: Any) -> Any:
    assert _WORK is not None, "set by work() before the workers are forked"
    function, state = _WORK
    return function(state, chunk)
