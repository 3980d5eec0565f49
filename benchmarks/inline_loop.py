"""An event loop beside large inline images: how long the async API holds it.

Run: ``python benchmarks/inline_loop.py [--side 2000] [--calls 1 6] [--repeat 3]``.

A service calls ``avalidate`` on a pin whose ``image_base64`` holds a photo (a random RGB JPEG
``--side`` pixels square, made with Pillow: noise does not compress, so a 2000 px one is about
6 MB, 8 MB of base64) while a task of its own ticks every millisecond. Printed: the longest
gap between two ticks, with 1 and 6 such calls at once (``asyncio.gather``), against the
baseline of the same check run on the loop itself (``validate(..., offline=True)``, timed): the
gap the loop had before pins slow to check went to a worker thread. Ratios are the figures to
compare across machines. What still holds the loop is pydantic's parse of the pin, one call.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import os
import time

from PIL import Image

from validator import avalidate, validate


def photo_pin(side: int) -> dict[str, object]:
    """An ``image_base64`` pin holding a random ``side`` x ``side`` JPEG."""
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=95)
    data = base64.b64encode(encoded.getvalue()).decode()
    source = {"source_type": "image_base64", "content_type": "image/jpeg", "data": data}
    return {"board_id": "549755885175", "media_source": source}


async def longest_gap(pin: dict[str, object], calls: int) -> float:
    """The longest gap (seconds) between two ticks of a 1 ms ticker while ``calls`` run."""
    gaps: list[float] = []
    running = True

    async def ticker() -> None:
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    reports = await asyncio.gather(*(avalidate(pin, offline=True) for _ in range(calls)))
    running = False
    await ticking
    if not all(report.ok for report in reports):
        raise SystemExit(f"the photo pin failed: {reports[0].findings}")
    return max(gaps)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", type=int, default=2000, help="the photo's width and height")
    parser.add_argument("--calls", type=int, nargs="+", default=[1, 6], help="calls at once")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best counts)")
    args = parser.parse_args()

    pin = photo_pin(args.side)
    data = pin["media_source"]["data"]  # type: ignore[index]
    validate(pin, offline=True)  # imports and first-use caches out of the way
    baseline = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        validate(pin, offline=True)
        baseline = min(baseline, time.perf_counter() - started)
    print(f"a {args.side} px JPEG, {len(data) / 1e6:.1f} MB of base64, best of {args.repeat}")
    print(f"  checked on the loop (the baseline: the loop held)  {baseline * 1000:7.0f} ms")
    for calls in args.calls:
        gap = min(asyncio.run(longest_gap(pin, calls)) for _ in range(args.repeat))
        print(
            f"  {calls} avalidate call(s) at once: longest tick gap   {gap * 1000:7.0f} ms"
            f"  ({gap / baseline:.2f}x the baseline of one)"
        )


if __name__ == "__main__":
    main()
