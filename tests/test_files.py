"""The one atomic writer (`toolkit.files`) keeps what makes a file that file: a symbolic link is
written through, the mode is kept, and a read-only or hard-linked file is refused with the reason
(review 2026-12: B13). Every writer (fmt, migrate, export, import, new) writes through it."""

from __future__ import annotations

import os
import stat

import pytest

from toolkit.files import WriteRefused, write_text

UNFORMATTED = """\
id: flow-test
speaker: Someone
claim: A claim.
date: 2018-12-12
status: "true"
sources:
  - url: https://example.org/a
"""


def test_a_symbolic_link_is_written_through(tmp_path, cli):
    shared = tmp_path / "shared" / "l.yaml"
    shared.parent.mkdir()
    shared.write_text(UNFORMATTED)
    link = tmp_path / "claims" / "l.yaml"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(shared, link.parent))
    assert cli("fmt", link.parent).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "../shared/l.yaml"
    assert 'date: "2018-12-12"' in shared.read_text()


def test_the_mode_is_kept(tmp_path, cli):
    private = tmp_path / "claims" / "p.yaml"
    private.parent.mkdir()
    private.write_text(UNFORMATTED)
    private.chmod(0o600)
    assert cli("fmt", private).exit_code == 0
    assert 'date: "2018-12-12"' in private.read_text()
    assert stat.S_IMODE(private.stat().st_mode) == 0o600


def test_a_read_only_file_is_refused(tmp_path, cli):
    locked = tmp_path / "claims" / "r.yaml"
    locked.parent.mkdir()
    locked.write_text(UNFORMATTED)
    locked.chmod(0o444)
    run = cli("fmt", locked)
    assert run.exit_code == 1
    assert f"cannot format {locked}: cannot write it: the file is read-only (mode 0444)" in run.stderr
    assert locked.read_text() == UNFORMATTED and stat.S_IMODE(locked.stat().st_mode) == 0o444
    assert cli("fmt", "--check", locked).exit_code == 1  # --check writes nothing: it only says


def test_a_hard_linked_file_is_refused(tmp_path, cli):
    one = tmp_path / "claims" / "h.yaml"
    one.parent.mkdir()
    one.write_text(UNFORMATTED)
    other = tmp_path / "h2.yaml"
    os.link(one, other)
    run = cli("migrate", one)  # nothing to migrate: a file left as it was is not written at all
    assert run.exit_code == 0
    run = cli("fmt", one)
    assert run.exit_code == 1 and "the file has 2 hard links" in run.stderr
    assert os.path.samefile(one, other) and one.read_text() == UNFORMATTED


def test_the_writer_itself_refuses_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("mine")
    target.chmod(0o400)
    with pytest.raises(WriteRefused) as refused:
        write_text(target, "theirs")
    assert "read-only" in refused.value.strerror
    assert target.read_text() == "mine" and os.listdir(tmp_path) == ["out.txt"]


def test_a_new_file_follows_the_umask(tmp_path):
    mask = os.umask(0o027)
    try:
        write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(mask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640
