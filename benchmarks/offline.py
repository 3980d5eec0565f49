"""Offline throughput: pin-preflight against jsonschema over the same 100,000 payloads.

Run: ``python benchmarks/offline.py [--count N] [--repeat R]``.

Both sides read the same JSON Lines file and check every pin completely: pin-preflight through the
engine the CLI uses (parse, every offline rule, one report per pin); the baseline decodes each
line and collects every jsonschema error against Pinterest's ``PinCreate`` schema
(``pincreate_schema.py``). pydantic alone (``PinCreate.model_validate_json`` per line) is printed
as the floor our rules sit on. Ratios are the figures to compare across machines; absolute rates
depend on the machine. Targets (issue 2): at least 5x the jsonschema rate, and 100,000 pins/s.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
from pydantic import ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parent))

from payloads import generate
from pincreate_schema import PIN_CREATE_SCHEMA

from validator import sources
from validator.engine import Engine
from validator.model import PinCreate
from validator.settings import Settings


def best_of(repeat: int, run: Callable[[], int]) -> tuple[float, int]:
    """The fastest of ``repeat`` runs (seconds) and what the run counted."""
    best, counted = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        counted = run()
        best = min(best, time.perf_counter() - start)
    return best, counted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="pins in the file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per contender (best counts)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "calendar.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for pin in generate(args.count):
                out.write(json.dumps(pin) + "\n")
        size_mb = path.stat().st_size / 1e6

        engine = Engine(Settings(offline=True))

        def ours() -> int:
            return sum(not report.ok for report in engine.check_all(sources.load(str(path))))

        def pydantic_only() -> int:
            failed = 0
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    try:
                        PinCreate.model_validate_json(line)
                    except ValidationError:
                        failed += 1
            return failed

        validator = jsonschema.Draft202012Validator(PIN_CREATE_SCHEMA)

        def baseline() -> int:
            failed = 0
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    failed += any(True for _ in validator.iter_errors(json.loads(line)))
            return failed

        print(f"{args.count:,} pins, {size_mb:.1f} MB of JSON Lines, best of {args.repeat}")
        rows = [
            ("pin-preflight (parse + rules + report)", *best_of(args.repeat, ours)),
            ("pydantic alone (floor)", *best_of(args.repeat, pydantic_only)),
            ("jsonschema baseline", *best_of(max(1, args.repeat - 2), baseline)),
        ]
        ours_rate = args.count / rows[0][1]
        base_rate = args.count / rows[2][1]
        for name, seconds, failed in rows:
            rate = args.count / seconds
            print(f"  {name:<40} {seconds:7.2f} s  {rate:>10,.0f} pins/s  ({failed:,} failing)")
        print(f"  ratio pin-preflight / jsonschema: {ours_rate / base_rate:.1f}x (target >= 5x)")
        verdict = "meets" if ours_rate >= 100_000 else "misses"
        print(f"  pin-preflight rate {ours_rate:,.0f} pins/s {verdict} the 100,000 pins/s target")


if __name__ == "__main__":
    main()
