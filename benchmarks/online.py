"""Online cost: bytes, requests and wall time of the network checks, against downloading everything.

Run: ``python benchmarks/online.py [--latency-ms 20] [--big-mb 200]``.

A loopback server (``tests/media_server.py``) adds a fixed latency to every answer and serves a
calendar of 1,000 items over 500 unique URLs: 700 image pins over 300 image URLs (JPEG and PNG,
baseline, progressive, large EXIF header), 200 video pins sharing 100 cover URLs, and 100 video
files checked with ``validate_media`` (H.264 and H.265, moov first and last, MOV, fragmented),
two of them ``--big-mb`` MB (moov first, moov last). The baseline downloads each unique URL
whole with httpx at the same concurrency and parses it (Pillow, pymediainfo). Targets (issue 3):
at most 4 requests and 256 KiB per video whatever its size, 2 requests and 80 KiB per image,
under 2 % of all media bytes, wall time within 1.5x of ceil(requests / concurrency) x latency.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from pymediainfo import MediaInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from media_server import MEDIA, MediaServer, serve  # noqa: E402 - tests/ is not a package

from validator.engine import Engine  # noqa: E402
from validator.probes.sniff import iso_boxes  # noqa: E402
from validator.settings import Settings  # noqa: E402
from validator.sources import from_objects  # noqa: E402
from validator.urls import MediaKind  # noqa: E402

IMAGES = ["photo-baseline.jpg", "photo-progressive.jpg", "big-header.jpg", "square.jpg",
          "graphic.png"]  # fmt: skip
COVERS = ["cover.jpg", "cover.png"]
VIDEOS = ["h264-faststart.mp4", "h264-moov-end.mp4", "h265.mp4", "clip.mov", "landscape.mp4",
          "fragmented.mp4"]  # fmt: skip
CONCURRENCY = 16


def make_big_videos(folder: Path, megabytes: int) -> list[str]:
    """Two sparse MP4s of ``megabytes`` MB: the fixture's moov before and after a huge mdat."""
    source = (MEDIA / "h264-faststart.mp4").read_bytes()
    boxes = {box.type: box for box in iso_boxes(source, len(source))}
    ftyp = source[boxes["ftyp"].start : boxes["ftyp"].start + boxes["ftyp"].size]
    moov = source[boxes["moov"].start : boxes["moov"].start + boxes["moov"].size]
    payload = megabytes * 1_000_000
    names = []
    for order in ("first", "last"):
        path = folder / f"big-moov-{order}.mp4"
        with path.open("wb") as out:
            out.write(ftyp)
            if order == "first":
                out.write(moov)
            out.write((payload + 8).to_bytes(4, "big") + b"mdat")  # 32-bit size: < 4 GB here
            out.seek(payload, io.SEEK_CUR)  # a hole: sparse on disk, zeros when read
            if order == "last":
                out.write(moov)
            out.truncate()
        names.append(path.name)
    return names


def calendar(server: MediaServer, big: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """1,000 items over 500 unique URLs: pins (images, video covers) and video URLs."""
    image_urls = [server.url(f"/media/{IMAGES[i % len(IMAGES)]}?u={i}") for i in range(300)]
    cover_urls = [server.url(f"/media/{COVERS[i % len(COVERS)]}?c={i}") for i in range(100)]
    pins: list[dict[str, Any]] = []
    for i in range(700):
        url = image_urls[i % len(image_urls)]
        pins.append({"board_id": "549755885175",
                     "media_source": {"source_type": "image_url", "url": url}})  # fmt: skip
    for i in range(200):
        cover = cover_urls[i % len(cover_urls)]
        kind = "image/png" if cover.split("?")[0].endswith(".png") else "image/jpeg"
        source = {"source_type": "video_id", "media_id": str(4876543210987654321 + i),
                  "cover_image_url": cover, "cover_image_content_type": kind}  # fmt: skip
        pins.append({"board_id": "549755885175", "media_source": source})
    videos = [server.url(f"/media/{VIDEOS[i % len(VIDEOS)]}?v={i}") for i in range(98)]
    videos += [server.url(f"/media/{name}") for name in big]
    return pins, videos


async def ours(pins: list[dict[str, Any]], videos: list[str]) -> tuple[int, int, int]:
    settings = Settings(allow_private_hosts=True, concurrency=CONCURRENCY, per_host=CONCURRENCY)
    engine = Engine(settings)
    failed = 0
    async with engine.session() as session:
        failed += sum([not r.ok async for r in session.check_all(from_objects(pins))])
        failed += sum([not r.ok async for r in session.check_media(videos, MediaKind.VIDEO)])
        return failed, session.requests, session.bytes_read


async def naive(urls: list[str]) -> tuple[int, int]:
    """Download every unique URL whole, then parse it: what a straightforward checker does."""
    slots = asyncio.Semaphore(CONCURRENCY)
    total = 0
    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=120) as client:

        async def one(url: str) -> int:
            async with slots:
                body = (await client.get(url)).content
            if url.split("?")[0].endswith((".jpg", ".png")):
                with Image.open(io.BytesIO(body)) as image:
                    image.load()
            else:
                await asyncio.to_thread(MediaInfo.parse, io.BytesIO(body))
            return len(body)

        sizes = await asyncio.gather(*(one(url) for url in urls))
        total = sum(sizes)
    return len(urls), total


def per_file(server: MediaServer, fragment: str) -> tuple[int, int]:
    """(requests, bytes sent) for the URLs whose path contains ``fragment``, worst case."""
    by_url: dict[str, list[int]] = {}
    for entry in server.log:
        if fragment in entry.path:
            by_url.setdefault(entry.path, []).append(entry.sent)
    if not by_url:
        return 0, 0
    return max(len(v) for v in by_url.values()), max(sum(v) for v in by_url.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--big-mb", type=int, default=200)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    with tempfile.TemporaryDirectory() as folder:
        big = make_big_videos(Path(folder), args.big_mb)
        with serve((MEDIA, Path(folder)), latency=latency) as server:
            pins, videos = calendar(server, big)
            unique = sorted({p["media_source"].get("url") or p["media_source"]["cover_image_url"]
                             for p in pins} | set(videos))  # fmt: skip
            sizes = {url: _size(server, url) for url in unique}
            media_bytes = sum(sizes.values())

            start = time.perf_counter()
            failed, requests, read = asyncio.run(ours(pins, videos))
            wall = time.perf_counter() - start
            ours_log = list(server.log)
            server.log.clear()

            start = time.perf_counter()
            base_requests, base_bytes = asyncio.run(naive(unique))
            base_wall = time.perf_counter() - start

            server.log[:] = ours_log
            image_req, image_bytes = per_file(server, "?u=")
            video_req, video_bytes = per_file(server, "?v=")
            big_req, big_bytes = per_file(server, "big-moov-")

    bound = math.ceil(requests / CONCURRENCY) * latency
    print(f"{len(pins) + len(videos):,} items, {len(unique)} unique URLs, "
          f"{media_bytes / 1e6:,.1f} MB of media, latency {args.latency_ms:g} ms, "
          f"concurrency {CONCURRENCY}")  # fmt: skip
    print(f"  pin-preflight  {wall:6.2f} s  {requests:5d} requests  {read / 1e6:8.2f} MB read "
          f"({read / media_bytes:.2%} of media)  {failed} failing")  # fmt: skip
    print(f"  naive baseline {base_wall:6.2f} s  {base_requests:5d} requests  "
          f"{base_bytes / 1e6:8.2f} MB read (100% of media)")  # fmt: skip
    print(f"  speed-up {base_wall / wall:.1f}x; bytes {base_bytes / max(read, 1):,.0f}x fewer")
    print(f"  lower bound ceil(requests/concurrency) x latency = {bound:.2f} s; "
          f"wall / bound = {wall / max(bound, 1e-9):.2f} (target <= 1.5)")  # fmt: skip
    print(f"  worst image: {image_req} requests, {image_bytes / 1024:.0f} KiB (target <= 2, 80)")
    print(f"  worst small video: {video_req} requests, {video_bytes / 1024:.0f} KiB "
          f"(target <= 4, 256)")  # fmt: skip
    print(f"  worst {args.big_mb} MB video: {big_req} requests, {big_bytes / 1024:.0f} KiB "
          f"(target <= 4, 256)")  # fmt: skip


def _size(server: MediaServer, url: str) -> int:
    name = url.split("/media/", 1)[1].split("?")[0]
    path = server.file(name)
    return path.stat().st_size if path is not None else 0


if __name__ == "__main__":
    main()
