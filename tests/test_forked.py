"""Work shared among forked workers: the results of the real processes, in order, and nothing left behind."""

from __future__ import annotations

import os
import tempfile

from toolkit import forked


def _block(state: int, chunk: int) -> tuple[int, int, bytes]:
    return chunk, os.getpid(), bytes([chunk % 256]) * state  # large enough to need many pipe-fulls


def test_results_come_back_in_order_from_other_processes(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the results' folder is made
    chunks = list(range(9))
    done = forked.work(_block, 3_000_000, chunks, workers=2)
    assert [chunk for chunk, _, _ in done] == chunks
    assert all(data == bytes([chunk]) * 3_000_000 for chunk, _, data in done)
    assert os.getpid() not in {pid for _, pid, _ in done}  # worked by the workers, not here
    assert list(tmp_path.iterdir()) == []  # every result's file, and the folder, removed


def test_one_worker_works_here_with_the_same_results(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    done = forked.work(_block, 10, [1, 2], workers=1)
    assert [(chunk, pid) for chunk, pid, _ in done] == [(1, os.getpid()), (2, os.getpid())]
    assert list(tmp_path.iterdir()) == []
