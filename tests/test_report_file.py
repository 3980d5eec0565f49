"""``--output``'s file: replaced whole when the report is written, untouched otherwise."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from validator.errors import ConfigError
from validator.report_file import ReportFile, _batches, silence_stdout


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_a_run_that_stops_before_writing_leaves_the_old_report(tmp_path: Path) -> None:
    # The file was opened with "w" before the run: a Ctrl-C or a crash left it empty.
    target = tmp_path / "report.xml"
    target.write_text("<testsuites/>", encoding="utf-8")
    output = ReportFile(target)
    output.close()  # what the CLI's finally does when the run raised
    assert target.read_text(encoding="utf-8") == "<testsuites/>"
    assert leftovers(tmp_path) == []


def test_a_written_report_replaces_the_file_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    output = ReportFile(target)
    assert target.read_text(encoding="utf-8") == "old"  # during the run
    output.write('{"version": 1}\n')
    output.close()
    assert target.read_text(encoding="utf-8") == '{"version": 1}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_a_new_report_gets_the_permissions_open_would_give(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        output = ReportFile(tmp_path / "new.json")
        output.write("{}")
        output.close()
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_a_symlinked_report_is_written_through_the_link(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    real = tmp_path / "reports" / "latest.xml"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "report.xml"
    link.symlink_to(real)
    output = ReportFile(link)
    output.write("new")
    output.close()
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_a_pipe_is_written_directly_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    output = ReportFile(fifo)
    output.write("through the pipe")
    output.close()
    reader.join(timeout=5)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


@pytest.mark.parametrize("name", ["missing-folder/report.json", "."])
def test_a_path_that_cannot_take_the_report_fails_before_the_run(tmp_path: Path, name: str) -> None:
    with pytest.raises(ConfigError, match=r"cannot write it: (No such file|Is a directory)"):
        ReportFile(tmp_path / name)


def test_a_name_near_the_system_s_limit_is_written(tmp_path: Path) -> None:
    # Its temporary file was named after it whole: 14 characters more, past 255.
    target = tmp_path / ("r" * 250 + ".xml")
    output = ReportFile(target)
    output.write("<testsuites/>")
    output.close()
    assert target.read_text(encoding="utf-8") == "<testsuites/>"
    assert leftovers(tmp_path) == []


def test_a_report_on_a_read_only_mount_is_refused_as_such(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # os.access says only "no": the mount is what to tell, not a permission a chmod would fix.
    target = tmp_path / "report.xml"
    target.write_text("old", encoding="utf-8")
    monkeypatch.setattr("os.access", lambda *_, **__: False)
    real = os.statvfs(tmp_path)
    read_only = os.statvfs_result((*real[:8], real.f_flag | os.ST_RDONLY, real.f_namemax))
    monkeypatch.setattr("os.statvfs", lambda _: read_only)
    with pytest.raises(ConfigError, match=r"cannot write it: Read-only file system$"):
        ReportFile(target)


@pytest.fixture
def read_only_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing can be made beside the report (a read-only mount), as for a user who is not root."""

    def refused(**_: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refused)


@pytest.mark.usefixtures("read_only_folder")
def test_a_writable_report_in_a_folder_that_is_not_is_written_in_place(tmp_path: Path) -> None:
    # A report file made writable in a read-only mount: nothing can be put beside it to rename.
    target = tmp_path / "report.xml"
    target.write_text("old", encoding="utf-8")

    output = ReportFile(target)
    output.write("new")
    output.close()
    assert target.read_text(encoding="utf-8") == "new"


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
def test_dev_stdout_sent_to_a_file_is_written_through_standard_output(tmp_path: Path) -> None:
    # /dev/stdout led to the file the shell sent output to: it was replaced (the shell's output
    # lost), or opened again and written over from its start.
    log = tmp_path / "log.txt"
    log.write_text("before\n", encoding="utf-8")
    script = (
        "import sys; from pathlib import Path; from validator.report_file import ReportFile\n"
        "print('text first', flush=True)\n"
        "out = ReportFile(Path('/dev/stdout')); out.write('{report}\\n'); out.close()\n"
        "print('summary last')\n"
    )
    with log.open("a", encoding="utf-8") as appended:
        done = subprocess.run(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", script], stdout=appended, check=False
        )
    assert done.returncode == 0
    assert log.read_text(encoding="utf-8") == "before\ntext first\n{report}\nsummary last\n"


@pytest.mark.usefixtures("read_only_folder")
def test_the_in_place_report_is_emptied_only_when_written(tmp_path: Path) -> None:
    # Opened with "w" before the run, an interrupted run left it empty.
    target = tmp_path / "report.xml"
    target.write_text("old report", encoding="utf-8")

    ReportFile(target).close()
    assert target.read_text(encoding="utf-8") == "old report"
    output = ReportFile(target)
    output.write("new")
    output.close()
    assert target.read_text(encoding="utf-8") == "new"


SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - a folder of files under /dev, the point here


@pytest.mark.skipif(not SHARED_MEMORY.is_dir(), reason="needs /dev/shm")
def test_a_regular_file_under_dev_is_replaced_not_appended_to() -> None:
    # Any name under /dev was written as named, with "a": /dev/shm/report.json held two reports.
    target = SHARED_MEMORY / f"pin-preflight-{os.getpid()}.json"
    try:
        for document in ("first", "second"):
            output = ReportFile(target)
            output.write(document)
            output.close()
        assert target.read_text(encoding="utf-8") == "second"
    finally:
        target.unlink(missing_ok=True)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("output", [["-o", "/dev/stdout"], []])
def test_a_report_that_cannot_reach_a_full_stdout_is_an_error(output: list[str]) -> None:
    # -o /dev/stdout: stdout was silenced as if the report went elsewhere (exit 1, no report);
    # a machine format without -o: a traceback.
    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "payloads" / "mixed.json"
    with open("/dev/full", "w", encoding="utf-8") as full:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-m", "validator", "check", "--offline", "-q", "--format", "json",
             *output, str(fixture)],
            stdout=full, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert done.returncode == 2
    assert "No space left on device" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors in /proc")
def test_silencing_standard_output_leaves_no_descriptor_open(tmp_path: Path) -> None:
    with (tmp_path / "out.txt").open("w") as out:
        saved, sys.stdout = sys.stdout, out
        try:
            before = len(os.listdir("/proc/self/fd"))
            for _ in range(10):
                silence_stdout()
            after = len(os.listdir("/proc/self/fd"))
        finally:
            sys.stdout = saved
    assert after == before


def _pieces(count: int = 5_000) -> Iterator[str]:
    """A document made a piece at a time, as the machine reports are: 500 KB, non-ASCII too."""
    for index in range(count):
        yield f"{index:>6} é {'x' * 90}\n"


@pytest.mark.parametrize("in_place", [False, True])
def test_a_document_in_pieces_is_written_whole(
    tmp_path: Path, request: pytest.FixtureRequest, in_place: bool
) -> None:
    if in_place:
        request.getfixturevalue("read_only_folder")
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    output = ReportFile(target)
    output.write(_pieces())
    output.close()
    assert target.read_text(encoding="utf-8") == "".join(_pieces())


def test_pieces_are_written_in_batches_not_one_by_one() -> None:
    batches = list(_batches(_pieces()))
    assert "".join(batches) == "".join(_pieces())
    assert all(len(batch) >= 1 << 16 for batch in batches[:-1])
    assert len(batches) == 8  # about 500,000 characters in 64 KiB batches
    assert list(_batches("a whole document")) == ["a whole document"]


@pytest.mark.skipif(not Path("/dev/stdout").exists(), reason="needs /dev/stdout")
@pytest.mark.parametrize("how", ["write_stdout", "ReportFile"])
def test_pieces_reach_standard_output_whole(how: str) -> None:
    # Through the descriptor, batch by batch: -o /dev/stdout, and a machine format without -o.
    writer = (
        "from validator.report_file import write_stdout as write\n"
        if how == "write_stdout"
        else "from validator.report_file import ReportFile\n"
        "from pathlib import Path\n"
        "write = ReportFile(Path('/dev/stdout')).write\n"
    )
    script = writer + ("write(f'{i:>6} é {\"x\" * 90}\\n' for i in range(5_000))\n")
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script], capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == "".join(_pieces())
