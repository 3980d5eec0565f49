"""Media not hosted yet: local files named by a calendar go through the same probes, offline."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
from pathlib import Path
from typing import Any

import pytest
from support import FIXTURES

from validator import validate_media
from validator.cli import EXIT_ERRORS, main
from validator.probes import local
from validator.probes.local import local_path

MEDIA = FIXTURES / "media"
PIN: dict[str, Any] = {"board_id": "549755885175", "media_source": {"source_type": "video_id",
       "media_id": "4876543210987654321", "cover_image_url": "https://cdn.example.com/c.jpg",
       "cover_image_content_type": "image/jpeg"}}  # fmt: skip


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("file:///srv/clips/a.mp4", Path("/srv/clips/a.mp4")),
        ("file:///srv/my%20clips/a.mp4", Path("/srv/my clips/a.mp4")),  # a file URL is encoded
        ("FILE://localhost/srv/a.mp4", Path("/srv/a.mp4")),
        ("file://server/share/a.mp4", None),  # another machine's: left to the URL checks
        ("file:/srv/a.mp4", Path("/srv/a.mp4")),  # RFC 8089's short form
        ("file:a.mp4", None),  # no absolute path: no file URL
        ("file://[x/a.mp4", None),  # urlsplit refuses the host: left to the URL checks
        ("file://[abc]/a.mp4", None),
        # escapes are bytes of the name: a Latin-1 name, as the system hands it over
        ("file:///srv/lat%E9.mp4", Path(os.fsdecode(b"/srv/lat\xe9.mp4"))),
        ("/srv/clips/a.mp4", Path("/srv/clips/a.mp4")),
        ("./clips/a.mp4", Path("cal/clips/a.mp4")),
        ("../a.mp4", Path("cal/../a.mp4")),
        ("cdn.example.com/a.mp4", None),  # a URL without its scheme, not a file
        ("localhost:8000/a.mp4", None),
        ("example.com", None),
        # A URL mistyped keeps a URL's marks: left to the URL checks, not a file "not found".
        ("https//cdn.example.com/a.mp4", None),
        ("https:\\cdn.example.com\\a.mp4", None),
        ("http/a.mp4", None),
        ("C:\\clips\\a.mp4", None),  # a Windows path: the URL checks name it so
        # A web root's folder is a folder.
        ("www/clip.mp4", Path("cal/www/clip.mp4")),
        ("httpdocs/clip.mp4", Path("cal/httpdocs/clip.mp4")),
        ("videos\\clip one.mp4", Path("cal/videos\\clip one.mp4")),
        # No URL could be meant: a missing file is not found, not a URL without a scheme.
        ("clips/a.mp4", Path("cal/clips/a.mp4")),
        ("Clip one.mp4", Path("cal/Clip one.mp4")),
        ("a.MOV", Path("cal/a.MOV")),
        ("https://cdn.example.com/a.mp4", None),
        ("//cdn.example.com/a.mp4", None),
        ("", None),
    ],
)
def test_what_counts_as_a_local_file(reference: str, expected: Path | None) -> None:
    assert local_path(reference, "cal/calendar.json") == expected


@pytest.mark.parametrize("name", ["a" * 300 + ".mp4", "a\x00.mp4"])
def test_a_name_the_system_refuses_to_look_up_is_no_local_file(tmp_path: Path, name: str) -> None:
    assert local_path(name, str(tmp_path / "calendar.json")) is None


def test_a_bare_relative_path_is_local_when_the_file_exists(tmp_path: Path) -> None:
    (tmp_path / "clips").mkdir()
    (tmp_path / "clips" / "a.mp4").write_bytes(b"")
    assert local_path("clips/a.mp4", str(tmp_path / "c.json")) == tmp_path / "clips" / "a.mp4"
    # A folder named so is local too: the probe says it is no file ("has no scheme" before).
    assert local_path("clips", str(tmp_path / "c.json")) == tmp_path / "clips"


def test_local_videos_are_checked_offline_by_the_same_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("h264-moov-end.mp4", "short-2s.mp4", "clip.webm", "mpeg4-part2.mp4"):
        shutil.copy(MEDIA / name, tmp_path / name)
    videos = ["./h264-moov-end.mp4", "./short-2s.mp4", "./clip.webm", "./mpeg4-part2.mp4",
              "./missing.mp4", "clips/missing.mp4", "Short-2s.mp4",
              "cdn.example.com/missing.mp4"]  # fmt: skip
    entries = [
        {"pin": {**PIN, "media_source": {**PIN["media_source"], "media_id": str(1000 + i)}},
         "video_url": video}
        for i, video in enumerate(videos)
    ]  # fmt: skip
    calendar = tmp_path / "calendar.json"
    calendar.write_text(json.dumps(entries, indent=1), encoding="utf-8")

    status = main(["check", "--offline", "--format", "json", str(calendar)])
    results = json.loads(capsys.readouterr().out)["results"]

    assert status == EXIT_ERRORS
    codes = [sorted({f["code"] for f in result["findings"]}) for result in results]
    assert codes == [
        [],
        ["video.duration_out_of_range"],
        ["media.unsupported_format"],
        ["video.codec_unsupported"],
        ["media.not_found"],
        ["media.not_found"],  # no URL could be meant: not "no scheme: start it with https://"
        ["media.not_found"],  # the name's case mistyped
        ["media.url_invalid"],  # a URL without its scheme
    ]
    missing = results[4]["findings"][0]
    assert missing["field"] == "video_url"
    assert missing["message"].startswith("the file ")
    assert "does not exist on this machine" in missing["message"]
    assert "read from the calendar file's folder" in missing["hint"]


@pytest.mark.parametrize("kind", ["video", "image"])
def test_a_missing_file_given_to_validate_media_is_looked_for_from_the_current_folder(
    kind: str,
) -> None:
    # The hint spoke of the calendar's folder, which a Python caller has none of, and of a video
    # for an image.
    (report,) = validate_media([Path("no-such-folder/launch.mp4")], kind)
    (finding,) = report.findings
    assert finding.code == "media.not_found"
    assert finding.hint == (
        "Check the path: a relative one is read from the current folder. Name the file itself, "
        "not a folder or a link to nowhere."
    )


def test_names_no_file_can_have_are_findings_on_their_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    videos = ["/srv/a\x00.mp4", "./a\x00.mp4", "./" + "a" * 300, "file://[x/a.mp4"]
    entries = [{"pin": {**PIN, "media_source": {**PIN["media_source"], "media_id": str(i)}},
                "video_url": video} for i, video in enumerate(videos)]  # fmt: skip
    calendar = tmp_path / "calendar.jsonl"
    calendar.write_text("".join(json.dumps(e) + "\n" for e in entries), encoding="utf-8")

    status = main(["check", "--offline", "--format", "json", str(calendar)])
    results = json.loads(capsys.readouterr().out)["results"]

    assert status == EXIT_ERRORS
    assert [sorted({f["code"] for f in r["findings"]}) for r in results] == [
        ["media.not_found"],
        ["media.not_found"],
        ["media.not_found"],  # too long a name to be one
        ["media.url_invalid"],  # a file URL whose host urlsplit refuses: the run ended there
    ]
    assert "too long for this system" in results[2]["findings"][0]["message"]
    # A file has no host to check: the hints are a file's.
    assert all("Check the path" in r["findings"][0]["hint"] for r in results[:3])


def test_validate_media_reads_a_video_not_uploaded_yet(tmp_path: Path) -> None:
    shutil.copy(MEDIA / "short-2s.mp4", tmp_path / "my clip.mp4")
    given = [tmp_path / "my clip.mp4", tmp_path / "no" / "such.mp4", str(tmp_path / "my clip.mp4")]

    reports = validate_media(given, "video", offline=True)

    assert [r.codes for r in reports] == [
        {"video.duration_out_of_range"},
        {"media.not_found"},
        {"media.url_invalid"},  # a string is a URL: never read from disk
    ]
    with pytest.raises(TypeError, match="iterable of URLs"):
        validate_media(tmp_path / "my clip.mp4", "video")  # type: ignore[arg-type]


def test_a_device_or_a_pipe_is_no_file_and_does_not_block(tmp_path: Path) -> None:
    fifo = tmp_path / "clip.mp4"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    reports = validate_media([fifo, Path("/dev/zero"), tmp_path], "video", offline=True)
    assert [r.codes for r in reports] == [{"media.not_found"}] * 3
    assert "a device, pipe or socket, not a file" in reports[0].findings[0].message
    assert "a folder, not a file" in reports[2].findings[0].message


def test_a_file_swapped_for_a_pipe_after_it_was_opened_is_not_read(tmp_path: Path) -> None:
    from validator.probes.local import LocalFiles
    from validator.probes.outcome import Budget

    clip = tmp_path / "clip.mp4"
    shutil.copy(MEDIA / "short-2s.mp4", clip)
    files = LocalFiles(65536)
    budget = Budget(10_000_000)
    asyncio.run(files.open(str(clip), budget))
    clip.unlink()
    os.mkfifo(clip)  # a later read must not wait for a writer
    assert asyncio.run(files.read_range(str(clip), 0, 99, budget)) == b""
    assert asyncio.run(files.read_suffix(str(clip), 12, budget)) == b""


def test_a_file_stays_non_blocking_while_read() -> None:
    # A "regular" file whose reads wait (/proc/kmsg, read as root) hung the run: the descriptor
    # was made blocking again after the check. Left non-blocking, such a read fails at once.
    with local._regular(str(MEDIA / "short-2s.mp4")) as (descriptor, size):
        assert not os.get_blocking(descriptor)
        assert size == (MEDIA / "short-2s.mp4").stat().st_size


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_a_socket_or_a_link_loop_is_no_file(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(tmp_path / "media.sock"))
    (tmp_path / "loop.mp4").symlink_to(tmp_path / "loop.mp4")
    try:
        reports = validate_media([tmp_path / "media.sock", tmp_path / "loop.mp4"], "video")
    finally:
        server.close()
    assert [r.codes for r in reports] == [{"media.not_found"}, {"media.not_found"}]
    assert "device or socket" in reports[0].findings[0].message
    assert "loop of symbolic links" in reports[1].findings[0].message
