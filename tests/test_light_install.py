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
import pytest

pytestmark = pytest.mark.slow  # builds the wheel and installs it into a fresh virtual environment

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


def test_the_built_wheel_runs_the_quick_start_in_a_fresh_venv(tmp_path, built_wheel, hub):
    """The README's quick start, run by the wheel `make dist` builds (not this checkout), installed
    with the build extra into a new virtual environment. Its dependencies are held at the versions
    of this environment (pip finds them in its cache, and the test Hub speaks those clients' API)."""
    import os

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pins = tmp_path / "constraints.txt"
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], check=True,
                            capture_output=True, text=True).stdout
    pins.write_text("\n".join(line for line in frozen.splitlines() if not line.startswith("claims-toolkit")) + "\n")
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                              "--quiet", "--no-compile", "-c", str(pins), f"{built_wheel}[build]"],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    claims_in_venv = str(venv / "bin" / "claims")
    env = {**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": ""}

    def run(*args: str, cwd=tmp_path) -> subprocess.CompletedProcess:
        done = subprocess.run([*args], cwd=cwd, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{args}: {done.stdout}{done.stderr}"
        return done

    where = run(str(venv / "bin" / "python"), "-c", "import toolkit; print(toolkit.__file__)").stdout
    assert where.startswith(str(venv)), "the installed package, not the checkout"
    version = run(claims_in_venv, "--version").stdout.split()[-1]
    assert version == built_wheel.name.split("-")[1]
    run(claims_in_venv, "init", "korea-claims", "--repo", "my-desk/korea-claims", "--license", "cc-by-4.0",
        "--publisher", "Korea Desk")
    desk = tmp_path / "korea-claims"
    workflows = {name: (desk / ".github/workflows" / name).read_text() for name in ("validate.yml", "publish.yml")}
    assert f'CLAIMS_TOOLKIT: "claims-toolkit=={version}"' in workflows["validate.yml"]
    assert f'CLAIMS_TOOLKIT: "claims-toolkit[build]=={version}"' in workflows["publish.yml"]
    run("git", "init", "-q", cwd=desk)
    (desk / "claims" / "bolton-commitments-not-lived-up.yaml").unlink()  # the example: never published
    new = run(claims_in_venv, "new", "--speaker", "Moon Jae-in", "--claim", "The verification is a new milestone.",
              "--date", "2018-12-12", "--status", "unverified", "--source", "https://www.yna.co.kr/moon", cwd=desk)
    assert new.stdout.strip() == "claims/moon-jae-in-the-verification-is-a-new-milestone.yaml"
    run("git", "add", "-A", cwd=desk)
    run("git", "-c", "user.name=Desk", "-c", "user.email=desk@korea-desk.test", "commit", "-qm", "A new desk", cwd=desk)
    assert run(claims_in_venv, "validate", cwd=desk).stdout.strip() == "OK: 1 record in 1 file, no problems"
    run(claims_in_venv, "fmt", "--check", cwd=desk)
    plan = run(claims_in_venv, "publish", "--dry-run", cwd=desk).stdout
    assert "would publish v1.0.0 to my-desk/korea-claims (the first version)" in plan
    published = run(claims_in_venv, "publish", cwd=desk).stdout
    assert "published v1.0.0 to my-desk/korea-claims" in published
