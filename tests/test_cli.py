"""The conventions of the `claims` command: --version, -h, completion, an example in every help."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest

import yaml

from conftest import FIXTURES, valid_record
from toolkit.cli import app


def test_version(cli):
    run = cli("--version")
    assert run.exit_code == 0 and run.stdout.strip() == f"claims {version('claims-toolkit')}"


def test_short_help_and_completion(cli):
    run = cli("-h")
    assert run.exit_code == 0 and "validate" in run.stdout
    assert "--install-completion" in run.stdout


@pytest.mark.parametrize("command", [c.name or c.callback.__name__ for c in app.registered_commands])
def test_every_command_help_ends_with_an_example(cli, command):
    name = command.rstrip("_")
    run = cli(name, "-h")
    assert run.exit_code == 0
    assert "Example: claims " in run.stdout, name


def test_schema_prints_the_schema_in_use(cli, tmp_path):
    from toolkit.schema import default_schema_path

    assert cli("schema").stdout.strip() == str(default_schema_path().resolve())


def test_export_formats_are_listed_and_match_the_writers(cli):
    from toolkit.options import EXPORT_FORMATS
    from toolkit.exporting import FORMATS

    assert set(EXPORT_FORMATS) == set(FORMATS)
    def words(text: str) -> str:  # the help is drawn in a box, wrapped at the terminal's width
        return "".join(text.replace("│", "").split())

    from typer.testing import CliRunner

    wide = CliRunner().invoke(app, ["export", "-h"], env={"COLUMNS": "200"})  # one line per option
    assert "<csv|parquet|jsonl|claimreview>" in wide.stdout
    wrong = cli("export", "fixtures", "--format", "xlsx", "--out", "x.xlsx")
    assert wrong.exit_code == 2 and "'xlsx'isnotoneof'csv','parquet','jsonl','claimreview'" in words(wrong.stderr)


def test_a_reader_that_goes_away_is_no_error(tmp_path):
    """`claims ... | head -1`: the rest of the output has nowhere to go; no message, no traceback
    (each line is echoed and flushed, so the pipe breaks inside the command)."""
    import subprocess
    import sys

    for n in range(2000):
        (tmp_path / f"c{n}.yaml").write_text("status: true\n")
    command = f"{sys.executable} -c 'from toolkit.cli import main; main()' fmt {tmp_path} --check | head -1"
    run = subprocess.run(["bash", "-c", command], capture_output=True, text=True)
    assert run.stdout.startswith("would reformat") and run.stderr == ""


def test_counts_of_one_are_singular(cli, write, tmp_path):
    from conftest import valid_record

    one = write("claims/one.json", json.dumps(valid_record()))
    built = cli("build", one.parent, "--out", tmp_path / "built")
    assert built.stdout.startswith("built 1 claim (1 distinct, 0 repeats, 0 status conflicts)")
    exported = cli("export", one.parent, "--format", "csv", "--out", tmp_path / "one.csv")
    assert exported.stdout.startswith("wrote 1 claim to ")
    write("bad/bad.json", json.dumps(valid_record(status="maybe")))
    failed = cli("build", tmp_path / "bad", "--out", tmp_path / "never")
    assert failed.exit_code == 1 and "claims: 1 error in 1 file" in failed.stderr


@pytest.mark.slow
def test_validate_reads_standard_input_as_dash(tmp_path):
    """`-` is standard input, in any of the formats (told from its text), reported as `-`."""
    import subprocess
    import sys

    from conftest import CLAIMS

    def validate(*args, given: bytes) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "from toolkit.cli import main; main()", "validate", *map(str, args)],
                              input=given, capture_output=True)

    for name in ("washington.json", "analysts.jsonl", "white-house.csv", "koreas-border.yaml"):
        run = validate("-", given=(CLAIMS / name).read_bytes())
        assert run.returncode == 0 and b"OK: " in run.stdout, (name, run.stdout)
    bad = validate("-", given=b"id: x-1\nstatus: nope\n")
    assert bad.returncode == 1 and b"-:2:9: error: the text 'nope' is not a status" in bad.stdout
    twice = validate(CLAIMS / "washington.json", "-", given=(CLAIMS / "washington.json").read_bytes())
    assert b"is used again at -:3:11 [duplicate-id]" in twice.stdout


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_quiet(cli, command):
    assert "--quiet" in cli(command, "--help").stdout and "-q" in cli(command, "--help").stdout


def test_quiet_leaves_only_errors(cli, tmp_path, write):
    """-q: nothing on success; a failed validation prints its errors (no warnings, no summary)."""
    assert cli("validate", FIXTURES, "-q").stdout == ""
    assert cli("build", FIXTURES, "--out", tmp_path / "built", "-q").stdout == ""
    assert (tmp_path / "built" / "README.md").is_file()
    bad = write("claims/bad.yaml", "id: x\nstatus: nope\n")
    run = cli("validate", bad, "-q")
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines and all(": error: " in line for line in lines) and "FAILED" not in run.stdout
    assert cli("build", bad, "--out", tmp_path / "again", "--quiet").stdout.splitlines() == lines


@pytest.mark.slow
def test_export_to_standard_output(cli, tmp_path):
    """`--out -` writes the export to standard output, the message to stderr; no file named `-`."""
    import io
    import subprocess

    import polars as pl

    from desk import CLAIMS, claims

    csv = claims("export", str(FIXTURES), "--format", "csv", "--out", "-", cwd=tmp_path)
    assert csv.returncode == 0, csv.stderr
    assert csv.stdout.startswith("id,speaker,") and csv.stdout.count("\n") == 15
    assert csv.stderr == "wrote 14 claims to -\n" and not (tmp_path / "-").exists()
    parquet = subprocess.run([str(CLAIMS), "export", str(FIXTURES), "--format", "parquet", "--out", "-", "-q"],
                             capture_output=True, cwd=tmp_path)

    assert parquet.stderr == b"" and pl.read_parquet(io.BytesIO(parquet.stdout)).height == 14


def test_fmt_formats_standard_input_to_standard_output(cli):
    run = cli("fmt", "-", input='status: true\ndate: 2018-12-04\nid: abc-def\n')
    assert run.exit_code == 0 and run.stdout == 'id: abc-def\ndate: "2018-12-04"\nstatus: "true"\n'
    json_run = cli("fmt", "-", input='{"status": "true", "id": "abc-def"}')
    assert json_run.stdout == '{\n  "id": "abc-def",\n  "status": "true"\n}\n'
    assert cli("fmt", "-", "--check", input='id: abc-def\n').exit_code == 0
    assert cli("fmt", "-", "--check", input='status: true\nid: abc-def\n').exit_code == 1
    broken = cli("fmt", "-", input="a: [\n")
    assert broken.exit_code == 1 and broken.stderr.startswith("claims: cannot format -:") and broken.stdout == ""


def test_every_command_that_finds_files_takes_exclude(cli, tmp_path, write, monkeypatch):
    """--exclude (declared once, for every command with PATHs) passes over what it matches: a
    broken draft stops none of them."""
    import inspect

    finding = [c.name or c.callback.__name__ for c in app.registered_commands
               if "paths" in inspect.signature(c.callback).parameters]
    assert set(finding) >= {"validate", "build", "export", "stats", "publish", "fmt", "migrate"}
    assert all("--exclude" in cli(c, "--help").stdout for c in finding)
    assert "--exclude" not in cli("new", "--help").stdout
    write("claims/a.yaml", yaml.safe_dump(valid_record(), sort_keys=False))
    write("claims/drafts/broken.yaml", "id: x\nstatus: [\n")
    write("claims.yaml", "license: cc-by-4.0\n")
    monkeypatch.chdir(tmp_path)
    runs = {
        "validate": cli("validate", "--exclude", "drafts"),
        "build": cli("build", "--out", "built", "--exclude", "drafts"),
        "export": cli("export", "--format", "jsonl", "--out", "-", "--exclude", "drafts", "-q"),
        "stats": cli("stats", "--exclude", "drafts"),
        "publish": cli("publish", "--repo", "./store", "--dry-run", "--exclude", "drafts"),
        "fmt": cli("fmt", "--exclude", "drafts"),  # a.yaml is formatted, the broken draft never read
        "migrate": cli("migrate", "--check", "--exclude", "drafts"),
    }
    assert {name: run.exit_code for name, run in runs.items()} == dict.fromkeys(runs, 0), {
        name: run.stderr for name, run in runs.items() if run.exit_code}
    assert cli("validate").exit_code == 1 and cli("build", "--out", "again").exit_code == 1
    assert json.loads(runs["export"].stdout)["id"] == "bolton-commitments-not-lived-up"
