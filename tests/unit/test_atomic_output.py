"""studio_files.atomic_output: the one rule for files we are told to write (--out of
profiles_sandbox dump and of profile_block batch). Real files, FIFOs, links and /dev/null."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from studio_files.atomic_output import AtomicOutput, OutputRefused, output_path, write_replacing
from tests.devices import a_character_device


def test_a_new_file_is_written_whole_with_the_usual_mode(tmp_path):
    target = tmp_path / "out.csv"
    assert write_replacing(target, lambda out: out.write("a,b\n")) == 4
    assert target.read_text() == "a,b\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_replaced_file_keeps_its_mode(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    write_replacing(target, lambda out: out.write("new\n"))
    assert target.read_text() == "new\n" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_write_that_fails_midway_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("the old export\n")

    def half_then_fail(out) -> int:
        out.write("ProfileId\nabc\n")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_replacing(target, half_then_fail)
    assert target.read_text() == "the old export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkfifo(p), "a named pipe (FIFO)"),
    (lambda p: p.mkdir(), "a folder"),
])
def test_fifos_and_folders_are_refused_and_stay(tmp_path, make, kind):
    target = tmp_path / "out.csv"
    make(target)
    before = target.lstat()
    with pytest.raises(OutputRefused, match=rf"is {kind.replace('(', '[(]').replace(')', '[)]')}, "
                                            "not a regular file; --out needs"):
        write_replacing(target, lambda out: out.write("x"))
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_dev_null_itself_is_refused_by_the_check_alone():
    # The check only (it never writes): a write test aimed at /dev/null itself would, run as root
    # against a regression, replace the machine's /dev/null.
    with pytest.raises(OutputRefused, match="is a character device, not a regular file"):
        output_path(os.devnull)


def test_a_device_and_a_link_to_it_are_refused_and_stay(tmp_path):
    device = a_character_device(tmp_path)
    link = tmp_path / "null.csv"
    link.symlink_to(device)
    for given in (device, link):
        with pytest.raises(OutputRefused, match="is a character device, not a regular file"):
            write_replacing(given, lambda out: out.write("x"))
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert link.is_symlink() and os.readlink(link) == str(device)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({device.name, "null.csv"} - {"null"})


def test_a_link_is_followed_to_its_regular_file_and_stays_a_link(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old\n")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert output_path(link) == real
    write_replacing(link, lambda out: out.write("new\n"))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new\n"


def test_a_dangling_link_and_a_missing_folder_are_refused(tmp_path):
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "missing.csv")
    with pytest.raises(OutputRefused, match="is a link to a missing file"):
        write_replacing(dangling, lambda out: out.write("x"))
    with pytest.raises(OutputRefused, match="the folder .* does not exist"):
        write_replacing(tmp_path / "no" / "out.csv", lambda out: out.write("x"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.csv"]
    assert not (tmp_path / "missing.csv").exists()


def test_a_fifo_made_in_place_during_the_write_is_not_replaced(tmp_path):
    target = tmp_path / "out.csv"
    with AtomicOutput(target) as output:
        output.file.write("rows\n")
        os.mkfifo(target)
        with pytest.raises(OutputRefused, match="is a named pipe"):
            output.commit()
    assert target.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_dash_is_stdout(capsys):
    with AtomicOutput("-") as output:
        output.file.write("to stdout\n")
        output.commit()
    assert capsys.readouterr().out == "to stdout\n"


def test_nothing_is_committed_without_commit(tmp_path):
    target = Path(tmp_path / "out.csv")
    with AtomicOutput(target) as output:
        output.file.write("unfinished")
    assert list(tmp_path.iterdir()) == []
