"""What a video's probe reads as the video gets longer: the index (``moov``) grows with duration.

Run: ``python benchmarks/video_index.py [--minutes 1 5 15]`` (needs ffmpeg, as
``fixtures/make_media.py`` does; nothing else in the benchmarks does).

``online.py`` pads 5-second clips to 200 MB: the bytes read do not grow with the file's size. This
script encodes videos of several minutes (small frames and a low bitrate: the index, not the
picture, is what grows), moov first and moov last, and reads each the way the network stage does
(a 64 KiB first block, then ``read_video_facts`` over a ``RangeFile``), counting requests and
bytes. Issue 3's target is at most 4 requests and 256 KiB per video "whatever its size".
"""

from __future__ import annotations

import argparse
import shutil
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

from validator.probes.rangefile import RangeFile
from validator.probes.video import VideoFacts, read_video_facts

BLOCK = 64 * 1024
TARGET_BYTES = 256 * 1024
TARGET_REQUESTS = 4


def encode(seconds: int, path: Path, *, faststart: bool) -> None:
    """H.264 at 30 fps with AAC audio: the index holds every frame's size and offset."""
    command = [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
        "-f", "lavfi", "-i", f"testsrc=size=160x90:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
        "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "50k", "-g", "60",
        "-c:a", "aac", "-b:a", "16k",
    ]  # fmt: skip
    if faststart:
        command += ["-movflags", "+faststart"]
    subprocess.run([*command, str(path)], check=True)  # noqa: S603 - our own command line


def moov_size(data: bytes) -> int:
    position = 0
    while position + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        if kind == b"moov":
            return size
        position += size or len(data)
    return 0


def probe(data: bytes) -> tuple[int, int, VideoFacts | object]:
    """Requests and bytes the probe costs, the first block included, and what it read."""
    calls: list[tuple[int, int]] = []

    def fetch(first: int, last: int) -> bytes:
        calls.append((first, last))
        return data[first : last + 1]

    file = RangeFile(len(data), fetch, head=fetch(0, BLOCK - 1), block_size=BLOCK)
    facts = read_video_facts(file)
    return len(calls), sum(last - first + 1 for first, last in calls), facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, nargs="+", default=[1, 5, 15])
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        sys.exit("video_index.py needs ffmpeg on the PATH to encode its videos")
    print(f"target: at most {TARGET_REQUESTS} requests and {TARGET_BYTES // 1024} KiB per video")
    with tempfile.TemporaryDirectory() as folder:
        for minutes in args.minutes:
            for faststart in (True, False):
                path = Path(folder) / f"{minutes}min.mp4"
                encode(minutes * 60, path, faststart=faststart)
                data = path.read_bytes()
                requests, read, facts = probe(data)
                duration = facts.duration_s if isinstance(facts, VideoFacts) else None
                within = requests <= TARGET_REQUESTS and read <= TARGET_BYTES
                verdict = "within" if within else "over"
                print(
                    f"  {minutes:>2} min, moov {'first' if faststart else 'last ':<5}  "
                    f"file {len(data) / 1e6:6.1f} MB, moov {moov_size(data) / 1024:5.0f} KiB: "
                    f"{requests} requests, {read / 1024:5.0f} KiB read ({verdict} the target); "
                    f"duration read {duration}"
                )


if __name__ == "__main__":
    main()
