"""The ``pin-preflight`` command: a thin door onto the engine.

It parses arguments, builds ``Settings`` (``pyproject.toml`` first, flags on top), runs the engine
over the named files and hands the reports to a reporter. Exit status: 0 when no pin has an
error (warnings allowed), 1 when at least one has, 2 when the invocation or an input file is
unusable. An unusable invocation is one line on standard error, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from rich.console import Console

from validator import sources
from validator.codes import CATALOGUE, lookup
from validator.engine import Engine
from validator.errors import ConfigError, SourceError, ValidatorError
from validator.report import Report, Summary
from validator.reporters import ReportFormat, catalogue, json_, text
from validator.settings import Settings, find_pyproject, load_settings

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_UNUSABLE", "main"]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_UNUSABLE = 2
_EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status instead of exiting (for tests)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage error (or --help)
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    try:
        status: int = args.handler(args)
    except ValidatorError as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _error("interrupted")
        return _EXIT_INTERRUPTED
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pin-preflight",
        description="Catch what makes a Pinterest pin fail, before you publish it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)

    check = commands.add_parser(
        "check",
        help="check pin payloads in JSON / JSON Lines files",
        description=(
            "Check pins in JSON files (one pin, or an array of pins) and JSON Lines files (one "
            "pin per line). '-' reads standard input. Exit status: 0 no errors, 1 errors found, "
            "2 unusable invocation or unreadable input."
        ),
    )
    check.add_argument("paths", nargs="+", metavar="PATH", help="files to check, or - for stdin")
    check.add_argument(
        "--format",
        type=ReportFormat,
        choices=list(ReportFormat),
        default=ReportFormat.TEXT,
        help="report format (default: text)",
    )
    shown = check.add_mutually_exclusive_group()
    shown.add_argument(
        "-q", "--quiet", action="store_true", help="list only failing pins and their errors"
    )
    shown.add_argument("-v", "--verbose", action="store_true", help="list passing pins too")
    check.add_argument(
        "--offline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="decide from the payloads alone, fetch nothing",
    )
    check.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="treat warnings as errors",
    )
    network = check.add_argument_group("network checks (without --offline)")
    network.add_argument(
        "--allow-private-hosts",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fetch URLs on private and loopback addresses (tests, local demos)",
    )
    network.add_argument(
        "--deep",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="download and decode images completely",
    )
    network.add_argument(
        "--concurrency", type=int, metavar="N", help="requests in flight at once (default 16)"
    )
    network.add_argument(
        "--per-host", type=int, metavar="N", help="requests in flight per host (default 4)"
    )
    network.add_argument(
        "--timeout",
        type=float,
        metavar="SECONDS",
        dest="deadline",
        help="deadline for probing one URL (default 30)",
    )
    network.add_argument(
        "--max-redirects", type=int, metavar="N", help="redirects followed (default 10)"
    )
    check.add_argument(
        "--config",
        type=Path,
        metavar="PYPROJECT",
        help="read [tool.pin-preflight] from this file (default: the nearest pyproject.toml)",
    )
    check.set_defaults(handler=_check)

    codes = commands.add_parser(
        "codes",
        help="list the finding codes, or explain one",
        description="Without CODE, list every code; with CODE, explain it.",
    )
    codes.add_argument("code", nargs="?", metavar="CODE", help="a code such as board.missing")
    codes.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format"
    )
    codes.set_defaults(handler=_codes)
    return parser


def _check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    engine = Engine(settings)
    as_text = args.format is ReportFormat.TEXT
    verbosity = (
        text.Verbosity.QUIET
        if args.quiet
        else text.Verbosity.VERBOSE
        if args.verbose
        else text.Verbosity.NORMAL
    )
    console = _console()
    if list(args.paths).count("-") > 1:
        raise ConfigError("standard input ('-') can be read only once")

    def show(report: Report) -> None:
        if as_text:
            for line in text.pin_lines(report, verbosity):
                console.print(line)

    reports, unreadable = asyncio.run(_run(engine, args.paths, show))
    summary = Summary.of(reports)
    if as_text:
        if reports and verbosity > text.Verbosity.QUIET and summary.pins != summary.ok:
            console.print()
        for line in text.summary_lines(summary):
            console.print(line)
    else:
        sys.stdout.write(json_.render(reports, summary))
    if unreadable:
        return EXIT_UNUSABLE
    return EXIT_ERRORS if summary.failed else EXIT_OK


async def _run(
    engine: Engine, paths: Sequence[str], show: Callable[[Report], None]
) -> tuple[list[Report], int]:
    """Check every file in one session: one client, each URL probed once.

    Unreadable files are reported on stderr and counted; the others still run.
    """
    reports: list[Report] = []
    unreadable = 0
    async with engine.session() as session:
        for name in paths:
            try:
                async for report in session.check_all(sources.load(name)):
                    reports.append(report)
                    show(report)
            except SourceError as exc:
                unreadable += 1
                _error(str(exc))
    return reports, unreadable


def _codes(args: argparse.Namespace) -> int:
    if args.code is None:
        codes = list(CATALOGUE.values())
        if args.format == "json":
            document: Any = [catalogue.entry_dict(code) for code in codes]
            sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        elif args.format == "markdown":
            sys.stdout.write(catalogue.markdown_table(codes))
        else:
            sys.stdout.write(catalogue.listing(codes))
        return EXIT_OK
    try:
        code = lookup(args.code)
    except KeyError as exc:
        raise ConfigError(str(exc.args[0])) from None
    if args.format == "json":
        document = catalogue.entry_dict(code)
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(catalogue.entry_text(code))
    return EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    pyproject = args.config if args.config is not None else find_pyproject(Path.cwd())
    if args.config is not None and not args.config.is_file():
        raise ConfigError(f"{args.config}: no such file")
    flags = ("offline", "strict", "allow_private_hosts", "deep", "concurrency", "per_host",
             "deadline", "max_redirects")  # fmt: skip
    overrides = {key: getattr(args, key) for key in flags if getattr(args, key) is not None}
    return load_settings(pyproject, overrides)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True, emoji=False)


def _error(message: str) -> None:
    sys.stderr.write(f"pin-preflight: error: {message}\n")


def _version() -> str:
    try:
        return version("pin-preflight")
    except PackageNotFoundError:
        return "(not installed)"
