"""The light install (validation alone): `pip install claims-toolkit` without the `build` extra has
no numpy, polars, pyarrow, datasets or huggingface_hub. Validation, fmt, new and import work without
them; the commands that need them say in one line which extra to install. (The real install is
measured by `make bench`; here the packages are hidden from a real `claims` process.)"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from array import array

from conftest import FIXTURES, valid_record
from toolkit.duplicates import _repeated_by_counting, repeated

WITHOUT_BUILD_EXTRA = """
import sys
HIDDEN = {"numpy", "polars", "pyarrow", "datasets", "huggingface_hub", "pandas", "matplotlib"}
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Hide())
from toolkit.cli import main
sys.argv = ["claims", *sys.argv[1:]]
main()
"""


def claims_without_build_extra(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_BUILD_EXTRA, *map(str, args)], capture_output=True, text=True)


def test_validation_works_without_the_build_extra(write):
    assert claims_without_build_extra("validate", FIXTURES).returncode == 0
    write("claims/a.json", json.dumps(valid_record()))
    write("claims/b.jsonl", json.dumps(valid_record(claim="Another claim.")) + "\n")
    run = claims_without_build_extra("validate", write("claims/c.yaml", "x: 1\n").parent)
    assert run.returncode == 1
    assert "duplicate-id" in run.stdout and "[additionalProperties]" in run.stdout


def test_commands_that_need_the_build_extra_say_so_in_one_line(tmp_path):
    for command in (["build", FIXTURES, "--out", tmp_path / "built"], ["stats", FIXTURES]):
        run = claims_without_build_extra(*command)
        assert run.returncode == 2
        assert run.stderr.strip().splitlines() == [
            f"claims: {command[0]} needs polars, which the light install (validation alone) leaves out: "
            "pip install 'claims-toolkit[build]'"]
    assert not (tmp_path / "built").exists()


def test_counting_finds_the_groups_numpy_finds():
    rng = random.Random(5)
    keys = array("q", (rng.getrandbits(10) for _ in range(5_000)))  # many repeats
    refs = array("q", range(len(keys)))
    assert sorted(_repeated_by_counting(keys, refs)) == sorted(repeated(keys, refs))
    unique = array("q", range(100))
    assert _repeated_by_counting(unique, unique) == [] == repeated(unique, unique)
