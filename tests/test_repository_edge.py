"""Settings are untrusted input, and outputs never replace inputs (`toolkit.paths`, `toolkit.outputs`).

Each case is one of the hostile review's (B-numbers of reviews/hostile-2026-12.md): a claims.yaml
written to leak a secret or to read without end, outputs aimed at inputs, settings or git's own
folder, odd release targets, names Windows refuses, and a full disk.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES
from desk import claims, git
from toolkit.errors import PathRefused
from toolkit.paths import check_output, portable_name

SECRET = "hf_SECRETedgetoken123"


@pytest.fixture
def run(cli, desk, monkeypatch):
    """`claims ...` run in the desk's folder (in this process: the paths are relative to it)."""
    monkeypatch.chdir(desk)
    return cli


@pytest.fixture
def desk(tmp_path) -> Path:
    """A desk's git repository (the fixtures, committed), with a secret file beside it, outside."""
    repo = tmp_path / "desk"
    shutil.copytree(FIXTURES, repo)
    git("init", "-q", "-b", "main", cwd=repo)
    git("add", "-A", cwd=repo)
    git("commit", "-qm", "claims", cwd=repo)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "token").write_text(SECRET + "\n")
    (outside / "creds.yaml").write_text(f"id: {SECRET}\nspeaker: x\n")
    return repo


def settle(repo: Path, **settings) -> None:
    """Add `settings` to the desk's claims.yaml."""
    config = repo / "claims.yaml"
    config.write_text(config.read_text() + yaml.safe_dump(settings))


def refused(result, *words: str) -> None:
    """A usage error (exit 2), one clear line naming `words`, no traceback, no secret."""
    code = result.returncode if isinstance(result, subprocess.CompletedProcess) else result.exit_code
    assert code == 2, (code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr and SECRET not in result.stdout + result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# -- B1: the card copies any file claims.yaml names -----------------------------------------------


@pytest.mark.parametrize("card", ["/proc/self/environ", "../../../../../../../proc/self/environ", "../outside/token"])
def test_a_card_outside_the_repository_is_refused_by_build(desk, run, monkeypatch, card):
    settle(desk, card=card)
    monkeypatch.setenv("HF_TOKEN", SECRET)
    refused(run("build", ".", "--out", "build"), "card", "leads outside the repository")
    assert not (desk / "build").exists()


def test_a_card_that_links_out_is_refused_and_nothing_is_published(run, desk, tmp_path):
    (desk / "dataset-card.md").symlink_to(tmp_path / "outside" / "token")  # the default card name
    store = tmp_path / "store"
    result = run("publish", ".", "--repo", str(store))
    refused(result, "dataset-card.md", "leads outside the repository")
    assert not store.exists()


def test_a_card_is_markdown_text_of_bounded_size(run, desk):
    settle(desk, card="card.md")
    (desk / "card.md").write_text("## Methods\n\n" + "word " * 400_000)  # 2 MB
    refused(run("build", ".", "--out", "build"), "card.md", "larger than 1 MB")
    (desk / "card.md").write_bytes(b"## Methods\n\x00\x01binary")
    refused(run("build", ".", "--out", "build"), "card.md", "NUL")


def test_a_card_inside_the_repository_is_still_copied_word_for_word(run, desk):
    settle(desk, card="docs/card.md")
    (desk / "docs").mkdir()
    (desk / "docs" / "card.md").write_text("## Methods\n\nWe read every source twice.\n")
    result = run("build", ".", "--out", "build")
    assert result.exit_code == 0, result.stderr
    assert "We read every source twice." in (desk / "build" / "README.md").read_text()


# -- B26: include escapes the repository ----------------------------------------------------------


@pytest.mark.parametrize("include", [["claims/**", "../outside/**"], ["claims/../../outside/*.yaml"]])
def test_include_never_reads_outside_the_repository(run, desk, include):
    settle(desk, include=include)
    refused(run("validate", "."), "include", "outside")


def test_include_through_a_link_that_leads_out_is_refused(run, desk, tmp_path):
    (desk / "linked").symlink_to(tmp_path / "outside")
    settle(desk, include=["claims/**", "linked/**"])
    refused(run("validate", "."), "include: 'linked/**'", "leads outside the repository")


def test_claim_files_that_link_out_of_the_repository_are_not_read(run, desk, tmp_path):
    """A pull request can add a link as a claim file: to the runner's token file, or a folder of them."""
    (desk / "claims" / "token.yaml").symlink_to(tmp_path / "outside" / "token")
    (desk / "claims" / "more").symlink_to(tmp_path / "outside")
    (desk / "claims" / "env.yaml").symlink_to("/proc/self/environ")
    result = run("validate", ".")
    assert result.exit_code == 1 and SECRET not in result.stdout + result.stderr
    for shown in ("claims/token.yaml", "claims/more", "claims/env.yaml"):
        assert f"{shown}:1:1: error: the path is a link leading outside the repository" in result.stdout


def test_a_fifo_among_the_claim_files_is_reported_not_read(desk):
    os.mkfifo(desk / "claims" / "pipe.yaml")
    result = subprocess.run(
        [str(Path(sys.executable).parent / "claims"), "validate", "."],
        cwd=desk, capture_output=True, text=True, timeout=120,  # a hang guard, not a measure of speed
    )
    assert result.returncode == 1 and "claims/pipe.yaml:1:1: error: the path is not a regular file" in result.stdout


# -- B27, B39: settings that read without end, special files, git's own folder --------------------


def test_a_schema_of_dev_zero_is_refused_at_once(run, desk):
    refused(run("validate", ".", "--schema", "/dev/zero"), "/dev/zero", "not a file of the system")
    settle(desk, schema="/dev/zero")
    refused(run("validate", "."), "schema: '/dev/zero'", "outside the repository")


def test_a_fifo_schema_is_refused_without_waiting_for_a_writer(desk):
    os.mkfifo(desk / "pipe.schema.json")
    settle(desk, schema="pipe.schema.json")
    run = subprocess.run(
        [str(Path(sys.executable).parent / "claims"), "validate", "."],
        cwd=desk, capture_output=True, text=True, timeout=120,  # a hang guard, not a measure of speed
    )
    refused(run, "pipe.schema.json", "FIFO")


def test_a_schema_larger_than_any_schema_is_refused(run, desk):
    document = {"type": "object", "description": "x" * (5 * 1024 * 1024)}
    (desk / "big.schema.json").write_text(yaml.safe_dump(document))
    refused(run("validate", ".", "--schema", "big.schema.json"), "big.schema.json", "larger than 4 MB")


def test_settings_inside_git_folder_are_refused(run, desk):
    settle(desk, schema=".git/config")
    refused(run("validate", "."), "schema: '.git/config'", "git's own folder")


@pytest.mark.parametrize("name", ["speakers.yaml", "claims.yaml"])
def test_a_settings_file_that_links_out_is_refused(run, desk, tmp_path, name):
    (desk / name).unlink()
    (desk / name).symlink_to(tmp_path / "outside" / "creds.yaml")
    refused(run("validate", "."), name, "leads outside the repository")


@pytest.mark.parametrize(
    ("option", "special"),
    [("--speakers", "/proc/self/environ"), ("--map", "/dev/zero"), ("--ratings", "/dev/urandom")],
)
def test_option_files_are_never_system_files(run, desk, tmp_path, option, special):
    (tmp_path / "c.csv").write_text("who,what\n")
    command = ["build", ".", "--out", "b"] if option == "--speakers" else ["import", tmp_path / "c.csv", "--out", "o.yaml"]
    if option == "--map":
        command += ["--from", "csv"]
    refused(run(*command, option, special), special, "not a file of the system")


# -- B2, B8, B9, B23: outputs never replace inputs or settings ------------------------------------


@pytest.mark.parametrize("target", ["claims/koreas-border.yaml", "claims.yaml", "speakers.yaml"])
def test_stats_never_draws_over_an_input_or_a_setting(run, desk, target):
    before = (desk / target).read_bytes()
    for force in ([], ["--force"]):
        result = run("stats", ".", "--plot", target, *force)
        refused(result, "--plot")
        assert (desk / target).read_bytes() == before


def test_stats_replaces_a_chart_only_with_force_and_draws_png_only(run, desk):
    (desk / "chart.png").write_bytes(b"an older chart")
    refused(run("stats", ".", "--plot", "chart.png"), "already exists", "--force")
    assert (desk / "chart.png").read_bytes() == b"an older chart"
    result = run("stats", ".", "--plot", "chart.png", "--force")
    assert result.exit_code == 0, result.stderr
    assert (desk / "chart.png").read_bytes().startswith(b"\x89PNG")
    refused(run("stats", ".", "--plot", "chart.yaml"), ".png")


def test_build_force_never_replaces_an_input_claim_file(run, desk):
    report = desk / "claims" / "build-report.json"
    report.write_text('[{"id": "r-one", "speaker": "A B", "claim": "It is so.", "date": "2018-12-04", '
                      '"status": "true", "sources": [{"url": "https://example.org/r"}]}]\n')
    before = report.read_bytes()
    result = run("build", ".", "--out", "claims", "--force")
    refused(result, "build-report.json", "not even with --force")
    assert report.read_bytes() == before
    assert not (desk / "claims" / ".claims-build").exists()


def test_build_force_never_marks_a_folder_of_claims_as_a_build(run, desk):
    a, b = desk / "claims" / "a", desk / "claims" / "b"
    a.mkdir()
    b.mkdir()
    shutil.move(desk / "claims" / "koreas-border.yaml", a)
    shutil.move(desk / "claims" / "washington.json", b)
    before = run("validate", ".").stdout
    result = run("build", "claims/a", "--out", "claims/b", "--force")
    refused(result, "holds claim files that no build wrote", "washington.json", "drop out")
    assert run("validate", ".").stdout == before


def test_a_build_folder_written_with_force_is_still_rebuilt(run, desk):
    (desk / "out").mkdir()
    (desk / "out" / "notes.txt").write_text("mine")
    assert run("build", ".", "--out", "out", "--force").exit_code == 0
    assert run("build", ".", "--out", "out").exit_code == 0
    assert (desk / "out" / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("target", ["claims.yaml", "speakers.yaml"])
def test_export_force_never_replaces_the_settings_in_use(run, desk, target):
    before = (desk / target).read_bytes()
    refused(run("export", ".", "--format", "jsonl", "--out", target, "--force"), "never replaced")
    assert (desk / target).read_bytes() == before


def test_export_force_never_replaces_the_card_or_the_schema(run, desk):
    settle(desk, card="card.md", schema="desk.schema.json")
    shutil.copy(FIXTURES.parent / "schema" / "claim.schema.json", desk / "desk.schema.json")
    (desk / "card.md").write_text("## Methods\n")
    for target in ("card.md", "desk.schema.json"):
        before = (desk / target).read_bytes()
        refused(run("export", "claims", "--format", "csv", "--out", target, "--force"), "never replaced")
        assert (desk / target).read_bytes() == before


def test_import_force_with_a_new_out_and_an_existing_report(run, desk):
    source = desk / "in.json"
    source.write_text((Path(__file__).parent / "data" / "factcheck-api.json").read_text())
    (desk / "skipped.json").write_text("{}")
    result = run("import", "in.json", "--out", "new.jsonl", "--report", "skipped.json", "--force")
    assert result.exit_code == 0, result.stderr
    assert (desk / "new.jsonl").exists() and (desk / "skipped.json").read_text() != "{}"
    refused(run("import", "in.json", "--out", "x.jsonl", "--report", "x.jsonl"), "--report")


@pytest.mark.parametrize("out", [".git/claims.csv", ".git/refs/out.csv"])
def test_outputs_never_go_into_git_folder(run, desk, out):
    refused(run("export", ".", "--format", "csv", "--out", out), "git repository's own folder")
    refused(run("build", ".", "--out", ".git/build"), "git repository's own folder")
    assert not (desk / out).exists() and not (desk / ".git" / "build").exists()
    git("fsck", "--no-progress", cwd=desk)


def test_new_never_writes_into_git_folder(run, desk):
    result = run("new", "--speaker", "A B", "--claim", "It is so.", "--date", "2018-12-04", "--status", "true",
                 "--source", "https://example.org/a", "--folder", ".git/hooks")
    refused(result, "--folder", "git repository's own folder")
    git("fsck", "--no-progress", cwd=desk)


def test_outputs_never_replace_a_device(run, desk, tmp_path):
    """A device node of the test's own (the null device's numbers), never the system's: were the
    guard broken, the atomic write would replace the node it aims at."""
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    refused(run("export", ".", "--format", "csv", "--out", null, "--force"), "a character device")
    assert null.is_char_device()
    with pytest.raises(PathRefused, match="never written into /dev/null"):
        check_output("/dev/null", what="--out")  # checked only: nothing is written


# -- B10, B36, B43, B44, B50: where a release store may be ----------------------------------------


@pytest.mark.parametrize("repo", [".git/refs/releases", ".git", "./.git/x/y", "./claims/../.git/releases"])
def test_a_store_inside_git_folder_is_refused(run, desk, repo):
    refused(run("publish", ".", "--repo", repo), "--repo", "git")
    git("log", "--all", "--oneline", cwd=desk)
    git("fsck", "--no-progress", cwd=desk)
    assert not (desk / ".git" / "refs" / "releases").exists()


def test_a_store_inside_another_store_is_refused(run, desk, tmp_path):
    store = tmp_path / "store"
    assert run("publish", ".", "--repo", str(store)).exit_code == 0
    refused(run("publish", ".", "--repo", str(store / "refs" / "x")), "git")


def test_a_file_url_names_the_folder_on_this_machine(run, desk, tmp_path):
    for url in (f"file://localhost{tmp_path}/by-host", f"file://{tmp_path}/by-path"):
        result = run("publish", ".", "--repo", url)
        assert result.exit_code == 0, result.stderr
    assert (tmp_path / "by-host" / "HEAD").is_file() and (tmp_path / "by-path" / "HEAD").is_file()
    assert not (desk / "localhost").exists() and not any(desk.glob(f"{tmp_path.parts[1]}*"))
    refused(run("publish", ".", "--repo", "file://elsewhere/srv/releases"), "host 'elsewhere'")
    refused(run("publish", ".", "--repo", "file:releases"), "file:///")


@pytest.mark.parametrize("repo", ["", "  "])
def test_an_empty_repo_is_a_usage_error(run, desk, repo):
    refused(run("publish", ".", "--repo", repo), "--repo is empty")


def test_a_home_folder_of_no_user_is_a_usage_error(run, desk):
    refused(run("publish", ".", "--repo", "~nouser-of-this-machine/x"), "~nouser-of-this-machine")


def test_paths_below_a_file_are_usage_errors(run, desk, tmp_path):
    refused(run("publish", ".", "--repo", "./claims.yaml/x"), "claims.yaml is a file")
    afile = tmp_path / "afile"
    afile.write_text("mine")
    refused(run("init", afile, "--repo", "desk/x", "--license", "cc-by-4.0", "--publisher", "Desk"), "afile is a file")
    assert afile.read_text() == "mine"


# -- B25: names every file system accepts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("speaker", "claim", "written"),
    [("Aux", "中文", "aux-claim.yaml"), ("Nul", "...", "nul-claim.yaml"), ("com1", "!!!", "com1-claim.yaml"),
     ("LPT9", "?", "lpt9-claim.yaml"), ("Con", "", "con-claim.yaml")],
)
def test_new_never_writes_a_name_windows_reserves(run, desk, speaker, claim, written):
    result = run("new", "--speaker", speaker, "--claim", claim or "¿", "--date", "2018-12-04", "--status", "true",
                 "--source", "https://example.org/a")
    assert result.exit_code == 0, result.stderr
    assert (desk / "claims" / written).is_file()
    assert all(portable_name(p.name) for p in (desk / "claims").iterdir())


@pytest.mark.parametrize(
    "name", ["aux.yaml", "AUX", "nul.tar.gz", "Com1.yaml", "lpt9.json", "con", "prn.yaml", "com¹.yaml",
             "claim.", "claim ", "a:b.yaml", 'a"b', "a|b", "a?b", "a*b", "a<b", "a\\b", "tab\there", "", "..", "x" * 256]
)
def test_names_some_file_system_refuses(name):
    assert not portable_name(name)


@pytest.mark.parametrize("name", ["auxiliary.yaml", "console.yaml", "com10.yaml", "nullity.json", "claim-1.yaml", "中文.yaml"])
def test_names_every_file_system_accepts(name):
    assert portable_name(name)


# -- B35: a full disk during build is one clear line ----------------------------------------------


def test_a_full_disk_during_build_is_one_clear_line(desk, tmp_path):
    """A real full disk: a 64 KB tmpfs, mounted in a mount namespace of the command's own (so it
    goes when the command does), filled but for 8 KB: the marker fits, the Parquet shard (19 KB)
    does not, so Polars' own writer meets the full disk. The suite runs as root here."""
    full = tmp_path / "full"
    full.mkdir()
    command = (
        f"mount -t tmpfs -o size=64k tmpfs {full} && head -c 57344 /dev/zero > {full}/filler && "
        f"exec {Path(sys.executable).parent / 'claims'} build . --out {full}/b"
    )
    run = subprocess.run(["unshare", "--mount", "sh", "-c", command], cwd=desk, capture_output=True, text=True)
    assert run.returncode == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr and "polars" not in run.stderr.lower()
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"claims: cannot write {full}/b/"), run.stderr
    assert lines[0].endswith(": No space left on device")
