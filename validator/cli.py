"""The ``pin-preflight`` command: a thin door onto the engine.

It parses arguments, builds ``Settings`` (``pyproject.toml`` first, flags on top), runs the engine
over the named files and hands the reports to a reporter. Exit status: 0 when no pin has an
error (warnings allowed), 1 when at least one has, 2 when the invocation or an input file is
unusable. An unusable invocation is one line on standard error, never a traceback.

Where the output goes: the text report streams to standard output as pins are checked. A machine
format (``--format json|junit|github``) replaces it there, written once at the end, with nothing
else mixed in; with ``--output FILE`` the chosen format goes to the file and standard output keeps
the text report, so that a CI log stays readable while the file feeds the CI's test view.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import stat
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack, nullcontext, suppress
from pathlib import Path
from typing import Any

from rich.console import Console, RenderableType
from rich.text import Text

import validator
from validator import explain, sources
from validator.arguments import Parser, file_name, output_path, report_format
from validator.codes import CATALOGUE, lookup, matching, suggestion
from validator.codes.selection import unknown_selectors
from validator.engine import Engine
from validator.errors import ConfigError, SourceError, ValidatorError
from validator.interrupts import (
    Terminated,
    dropped_interrupt,
    run_interruptibly,
    signals_handled,
)
from validator.messages import printable, without_tokens
from validator.report import Report, Summary, Tally
from validator.report_file import ReportFile, silence_stdout, write_stdout
from validator.reporters import ReportFormat, Unreadable, catalogue, github, json_, junit, text
from validator.reporters import progress as progress_
from validator.settings import (
    Settings,
    environment_token,
    find_pyproject,
    load_settings,
)

__all__ = ["EXIT_ERRORS", "EXIT_OK", "EXIT_UNUSABLE", "main"]

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_UNUSABLE = 2
_EXIT_INTERRUPTED = 130
_EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell shows for a writer whose reader went away
_UNAWAITED = r"coroutine .* was never awaited"
# Settings whose flag is not their name with dashes (errors name the flag the user typed).
_FLAG_NAMES = {"deadline": "--timeout"}


def main(argv: Sequence[str] | None = None, *, own_process: bool = False) -> int:
    """Run the command line; returns the exit status instead of exiting (for tests).

    ``own_process``: the process ends with the command (the console script, ``command.main``),
    so what a run loads and keeps is frozen for the garbage collector (``_run``). Elsewhere (a
    test, a host program) the collector is left as it was: a host's own freeze is its own.
    """
    if own_process:
        # An interrupt can land between httpcore making a coroutine and awaiting it; Python
        # warns when that coroutine is collected: a line after "interrupted" that tells the
        # person who pressed Ctrl-C nothing. In a process of its own only: a host's (and the
        # tests') warnings are theirs.
        warnings.filterwarnings("ignore", _UNAWAITED, RuntimeWarning)
    try:
        with signals_handled():  # inside the try: a signal as its handlers are put back too
            status = _interruptible_main(argv, own_process=own_process)
            stopped = dropped_interrupt()  # the run outran its being raised again
            if stopped is not None:
                raise stopped
            return status
    except Terminated as stopped:  # before KeyboardInterrupt, which it is a kind of
        _error(stopped.said)
        return stopped.status
    except KeyboardInterrupt:
        _error("interrupted")
        return _EXIT_INTERRUPTED


def _interruptible_main(argv: Sequence[str] | None, *, own_process: bool) -> int:
    """``main`` inside its signal handlers: a signal from the first line on is one line, too.

    Building the parser reads the installed version (tens of milliseconds): a SIGTERM there
    printed a traceback and exited 1, "errors found", for a cancelled CI job.
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
        args.own_process = own_process
    except SystemExit as exc:  # argparse has printed the usage error (or --help)
        return exc.code if isinstance(exc.code, int) else EXIT_UNUSABLE
    except ConfigError as exc:  # --help or --version on a full disk
        _error(str(exc))
        return EXIT_UNUSABLE
    except BrokenPipeError:  # `--help | head`
        silence_stdout()
        return _EXIT_BROKEN_PIPE
    try:
        with warnings.catch_warnings():
            # Pillow warns about the files it reads (a phone photo's odd EXIF): about the
            # media checked, not this program, and its findings say what matters.
            warnings.filterwarnings("ignore", module=r"PIL\.")
            status: int = args.handler(args)
    except ValidatorError as exc:
        _error(str(exc))
        return EXIT_UNUSABLE
    except BrokenPipeError:  # the reader went away (`| head`): nothing more to say to it
        silence_stdout()
        return _EXIT_BROKEN_PIPE
    return status


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="pin-preflight",
        description="Catch what makes a Pinterest pin fail, before you publish it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {validator.__version__}")
    commands = parser.add_subparsers(
        title="commands", metavar="COMMAND", required=True, dest="command"
    )
    parser.commands = commands.choices

    check = commands.add_parser(
        "check",
        help="check pins in JSON, JSON Lines and CSV calendar files",
        description=(
            "Check pins in JSON files (one pin, or an array of pins), JSON Lines files (one "
            "pin per line) and CSV files (.csv): Pinterest's bulk-upload CSV, or a spreadsheet "
            "of your own named in [tool.pin-preflight.csv-columns]. '-' reads standard input "
            "(JSON). Exit status: 0 no errors, 1 errors found, 2 unusable invocation or "
            "unreadable input."
        ),
    )
    check.add_argument(
        "paths", nargs="+", type=file_name, metavar="PATH", help="files to check, or - for stdin"
    )
    check.add_argument(
        "--format",
        type=report_format,
        metavar="{" + ",".join(ReportFormat) + "}",
        default=ReportFormat.TEXT,
        help=(
            "report format (default: text): json (the versioned report), junit (JUnit XML for CI "
            "test views), github (GitHub Actions annotations)"
        ),
    )
    check.add_argument(
        "-o",
        "--output",
        type=output_path,
        metavar="FILE",
        help="write the report in --format to FILE; the terminal keeps the text report",
    )
    check.add_argument(
        "--select",
        action="append",
        metavar="CODE[,CODE...]",
        help="report only these codes: ids, categories (media) or prefixes (media.url); repeatable",
    )
    check.add_argument(
        "--ignore",
        action="append",
        metavar="CODE[,CODE...]",
        help="never report these codes (same forms as --select); repeatable",
    )
    shown = check.add_mutually_exclusive_group()
    shown.add_argument(
        "-q", "--quiet", action="store_true", help="text report: only failing pins and their errors"
    )
    shown.add_argument("-v", "--verbose", action="store_true", help="text report: passing pins too")
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
        help="seconds for all of a URL's requests, retries included (default 30)",
    )
    network.add_argument(
        "--max-redirects", type=int, metavar="N", help="redirects followed (default 10)"
    )
    account = check.add_argument_group(
        "account checks (with an access token, without --offline)",
        "Ask Pinterest, with the token in $PINTEREST_ACCESS_TOKEN, whether the token, boards, "
        "sections and uploaded videos are usable. Only GET requests; the token is never printed.",
    )
    account.add_argument(
        "--token-env",
        metavar="NAME",
        help="read the access token from the environment variable NAME "
        "(default PINTEREST_ACCESS_TOKEN; an error if NAME is not set)",
    )
    account.add_argument(
        "--api-base",
        metavar="URL",
        help="Pinterest's API (default https://api.pinterest.com/v5; the sandbox is "
        "https://api-sandbox.pinterest.com/v5)",
    )
    account.add_argument(
        "--account-checks",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="check the account when a token is set (default); --no-account-checks never does",
    )
    check.add_argument(
        "--config",
        type=lambda text: Path(file_name(text)),
        metavar="PYPROJECT",
        help="read [tool.pin-preflight] from this file (default: the nearest pyproject.toml)",
    )
    check.set_defaults(handler=_check)

    codes = commands.add_parser(
        "codes",
        help="list the finding codes, or explain one",
        description=(
            "Without CODE, list every code; with a code, explain it; with a category or prefix "
            "(media, media.url), list the codes --select would take with it."
        ),
    )
    codes.add_argument(
        "code", nargs="?", metavar="CODE", help="a code (board.missing), category or prefix"
    )
    codes.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="output format"
    )
    codes.set_defaults(handler=_codes)
    explain.add_parser(commands)

    demo = commands.add_parser(
        "demo",
        help="check a sample calendar against a local media server (no internet needed)",
        description=(
            "Serve sample media on 127.0.0.1, write a calendar that mixes good pins with the "
            "classic failures, and check it as 'check' would. Its exit status is check's: 1, "
            "because the calendar has failing pins on purpose."
        ),
    )
    demo.add_argument(
        "--keep",
        type=lambda text: Path(file_name(text, "folder")),
        metavar="DIR",
        help="write the media and calendar to DIR and keep them",
    )
    demo.set_defaults(handler=_demo)
    return parser


def _check(
    args: argparse.Namespace,
    settings: Settings | None = None,
    *,
    shown_as: Mapping[str, str] | None = None,
) -> int:
    """``check``; ``settings`` and ``shown_as`` (path → name in reports) are the demo's."""
    if list(args.paths).count("-") > 1:
        raise ConfigError("standard input ('-') can be read only once")
    args.paths = _once_each(args.paths)

    def name_of(path: str) -> str:
        given = (shown_as or {}).get(path)
        # A token given where a file name goes is never repeated, in no report either.
        return given if given is not None else without_tokens(sources.source_name(path))

    shown = [name_of(name) for name in args.paths]
    config = None
    if settings is None:
        config = _config_file(args)
        settings = _settings(args, config)
    engine = Engine(
        settings, token=environment_token(settings, explicit=args.token_env is not None)
    )
    verbosity = (
        text.Verbosity.QUIET
        if args.quiet
        else text.Verbosity.VERBOSE
        if args.verbose
        else text.Verbosity.NORMAL
    )
    report_format: ReportFormat = args.format
    output = _open_output(args.output, args.paths, config) if args.output is not None else None
    text_on_stdout = output is not None or not report_format.for_machines
    console = _console()
    progress = (
        progress_.PinProgress(_console(stderr=True))
        if progress_.wanted(
            report_format,
            to_file=output is not None,
            stderr_is_terminal=progress_.is_terminal(sys.stderr),
            environ=os.environ,
        )
        else None
    )
    # With the progress line drawn on the terminal, text for that same terminal goes through the
    # progress console, which keeps the line below it; text for a pipe or file goes straight,
    # coloured or not (FORCE_COLOR makes the console call any stream a terminal: not the test).
    # Text for a pipe or file is written plain: rich renders styles nobody will see at ~0.1 ms
    # a line, which made a 100,000-row calendar several times slower to report than to check.
    # The console decides, as it does for the summary: a terminal, or FORCE_COLOR set.
    plain = not console.is_terminal
    print_: Callable[[RenderableType], None] = console.print
    if progress is not None and progress_.is_terminal(sys.stdout):
        print_ = progress.print

    listed = verbosity >= text.Verbosity.VERBOSE  # whether pins without findings are listed
    # With --output, the file is what the run is for: a reader of standard output that goes away
    # (`| head`) ends the text there, not the run.
    if sys.stdout is None:  # started with standard output closed (>&-)
        if output is None:
            raise ConfigError("standard output is closed: give --output FILE for the report")
        text_on_stdout = False
    # GitHub's annotations are lines: written to standard output pin by pin, as text is, so a
    # long run holds no reports for them (a 100,000-row calendar held 113 MB).
    streamed = report_format is ReportFormat.GITHUB and output is None and sys.stdout is not None
    stdout_open = text_on_stdout or streamed

    pins_shown = False  # a blank line then parts them from the summary, as in a --output file

    def show(report: Report) -> None:
        nonlocal stdout_open, pins_shown
        if progress is not None:
            progress.advance(report)
        if not stdout_open or not (report.findings or listed):  # most pins: nothing to say
            return
        try:
            if streamed:  # UTF-8 by the descriptor, as the whole document was (a cp1252 pipe)
                write_stdout(github.pin_annotations(report))
            elif plain:
                said = text.pin_plain(report, verbosity)
                pins_shown = pins_shown or bool(said)
                sys.stdout.write(said)
            else:
                for line in text.pin_lines(report, verbosity):
                    pins_shown = True
                    print_(line)
        except OSError as exc:  # the reader went away (| head), or the disk is full
            stdout_open = _stdout_failed(exc, output)

    # The text on stdout is written pin by pin; only a whole document needs every report kept.
    keep = output is not None or (report_format.for_machines and not streamed)
    try:
        with progress if progress is not None else nullcontext():
            run = _run(
                engine, args.paths, show, progress,
                keep=keep, name_of=name_of, freeze=args.own_process,
            )  # fmt: skip
            reports, summary, unreadable = run_interruptibly(run)
        if output is not None:  # first: the summary below may meet a reader gone away
            output.write(_render(report_format, reports, summary, unreadable, verbosity, shown))
        if stdout_open and not streamed:
            try:
                if pins_shown:
                    console.print()
                for line in text.summary_lines(summary, unreadable):
                    console.print(line)
            except OSError as exc:
                _stdout_failed(exc, output)  # the file is written: the status says what it holds
        if streamed:  # the pins' lines are out: what follows them (a full disk: exit 2)
            write_stdout(github.ending(summary, unreadable))
        elif output is None and report_format.for_machines:  # a full disk: exit 2; | head: 141
            write_stdout(_render(report_format, reports, summary, unreadable, verbosity, shown))
    finally:
        if output is not None:
            output.close()
    if unreadable:
        return EXIT_UNUSABLE
    return EXIT_ERRORS if summary.failed else EXIT_OK


def _render(
    report_format: ReportFormat,
    reports: list[Report],
    summary: Summary,
    unreadable: list[Unreadable],
    verbosity: text.Verbosity,
    files: Sequence[str],
) -> Iterable[str]:
    """The whole report in ``report_format`` (the text format as plain text, for a file).

    The JSON and JUnit documents come a result at a time, to be written as they are made.
    ``files``: the sources given, as reports name them (JUnit gives each a suite).
    """
    if report_format is ReportFormat.JSON:
        return json_.pieces(reports, summary, unreadable)
    if report_format is ReportFormat.JUNIT:
        return junit.pieces(reports, summary, unreadable, files)
    if report_format is ReportFormat.GITHUB:
        return [github.render(reports, summary, unreadable)]
    return [text.render(reports, summary, verbosity, unreadable)]


async def _run(
    engine: Engine,
    paths: Sequence[str],
    show: Callable[[Report], None],
    progress: progress_.PinProgress | None = None,
    *,
    keep: bool,
    name_of: Callable[[str], str] = sources.source_name,
    freeze: bool = False,
) -> tuple[list[Report], Summary, list[Unreadable]]:
    """Check every file in one session: one client, each URL probed once.

    Every report is shown and counted; with ``keep``, also returned. Unreadable files are
    reported on stderr and collected (the CI formats show them too); the others still run.
    ``freeze``: the process is the command's own, and ends with it (see ``_FREEZE_EVERY``).
    """
    reports: list[Report] = []
    tally = Tally()
    unreadable: list[Unreadable] = []
    if freeze:
        gc.freeze()  # what is loaded so far (modules, schemas) lives on: no collection rescans it
    async with engine.session() as session:
        for name in paths:
            if progress is not None:
                progress.source(name_of(name))
            try:
                calendar = sources.load(
                    name, settings=engine.settings, now=engine.now, shown=name_of(name)
                )
                async for report in session.check_all(calendar):
                    tally.add(report)
                    if keep:
                        reports.append(report)
                        if freeze and len(reports) % _FREEZE_EVERY == 0:
                            gc.freeze()
                    show(report)
            except SourceError as exc:
                said = without_tokens(str(exc))
                unreadable.append(Unreadable(name_of(name), said))
                if progress is not None:  # above the progress line, which owns the terminal
                    progress.print(Text(f"pin-preflight: error: {printable(said)}"))
                else:
                    _error(str(exc))
    return reports, tally.summary(), unreadable


# The cyclic garbage collector's full passes rescan every object that has lived long: at the
# start of a run, the modules and schemas loaded (a full pass cost ~35 ms, 0.2 s of a
# 100,000-row run); in a run that keeps every report (the machine formats and --output need them
# all), that growing, cycle-free heap too (13 % of such a run). Frozen objects are skipped, and
# still freed by reference counting. Only in the command's own process, which ends with the run:
# nothing is unfrozen, as gc.unfreeze() would thaw a host's own freeze too (and on 3.12 the
# interpreter's, which freezes 375 objects of its own at start).
_FREEZE_EVERY = 10_000


def _open_output(path: str, inputs: Iterable[str], config: Path | None) -> ReportFile:
    """``--output``, checked before the run rather than after it (``ReportFile``).

    An input named as the output (a calendar, or the configuration read) is refused: the report
    would replace it.
    """
    if path == "-":  # what a user means by it goes without -o; ./- is a file named "-"
        raise ConfigError("--output -: leave --output out to write the report to standard output")
    target = _identity(path)
    if any(_identity(name) == target for name in inputs):  # "-" too: `- -o in.json < in.json`
        raise ConfigError(f"--output {path}: is also an input file; it would be overwritten")
    if config is not None and _identity(str(config)) == target:
        raise ConfigError(f"--output {path}: is the configuration file; it would be overwritten")
    return ReportFile(Path(path))


def _stdout_failed(exc: OSError, output: ReportFile | None) -> bool:
    """Whether standard output stays open after a write to it failed: never, or it raises.

    It raises when the report had nowhere else to go: a reader gone away (``| head``) ends the
    run with 141, a full disk is one clear error. With ``--output``, the file is the report:
    the run goes on without standard output.
    """
    if output is None or output.shares_stdout:  # -o /dev/stdout: the report goes there too
        if isinstance(exc, BrokenPipeError):
            raise exc
        silence_stdout()  # what is still buffered would fail again at exit: status 120
        raise ConfigError(f"cannot write the report to standard output: {exc.strerror}") from None
    silence_stdout()
    return False


def _once_each(paths: Sequence[str]) -> list[str]:
    """``paths`` without repeats of a file (two globs that both match it, a path given twice).

    Checked twice, its pins would be counted twice and each reported as a duplicate of itself.
    """
    seen: set[object] = set()
    kept: list[str] = []
    for name in paths:
        key = _identity(name)
        if key is not None and key in seen:
            _stderr_line(f"{sources.display_name(name)} is given twice: checked once")
            continue
        if key is not None:
            seen.add(key)
        kept.append(name)
    return kept


def _identity(name: str) -> object:
    """What makes a file the same file: its device and inode (through symlinks and hard links).

    A file not there (yet) is known by its resolved path. Standard input (``-``) is the file or
    pipe it reads (``< pins.json`` is pins.json, and so is ``/dev/stdin``); a terminal or a
    device such as /dev/null is no file of the user's, and ``None``.
    """
    if name == "-":
        try:
            status = os.fstat(0)
        except OSError:  # closed (0<&-)
            return None
        if not (stat.S_ISREG(status.st_mode) or stat.S_ISFIFO(status.st_mode)):
            return None
        return (status.st_dev, status.st_ino)
    try:
        status = os.stat(name)
    except (OSError, ValueError):
        try:
            return Path(name).resolve()
        except (OSError, RuntimeError):  # the working folder is gone; a loop of links (3.11)
            return name
    return (status.st_dev, status.st_ino)


def _demo(args: argparse.Namespace) -> int:
    """The sample calendar, checked with the demo's settings (not the user's pyproject)."""
    from validator import demo as demo_  # imported here: its server is for this command only

    with ExitStack() as stack:
        try:
            if args.keep is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
            demo = stack.enter_context(demo_.prepared(args.keep))
        except OSError as exc:
            where = f"--keep {args.keep}" if args.keep is not None else "the demo's files"
            raise ConfigError(f"{where}: cannot write it: {exc.strerror or exc}") from None
        write_stdout(
            f"Serving sample media at {demo.server.base}; checking {demo.calendar.name} "
            f"({demo.pins} pins, some broken on purpose).\n\n"
        )
        check_args = _parser().parse_args(["check", "--", str(demo.calendar)])  # "-dash/..."
        check_args.own_process = args.own_process
        # Reports name the calendar as the header does, not by a temporary path that is gone
        # when the command ends (a kept one, by its path). The demo is about media: a token in
        # the environment must not send it to Pinterest.
        status = _check(
            check_args,
            demo.settings.model_copy(update={"account_checks": False}),
            shown_as={str(demo.calendar): demo.calendar.name} if args.keep is None else None,
        )
    write_stdout(
        "\nThe demo calendar fails on purpose (exit status 1). Next: pin-preflight check "
        "YOUR-CALENDAR, and pin-preflight codes CODE to read about a finding.\n"
    )
    if args.keep is not None:
        write_stdout(
            f"The media and {demo.calendar.name} are kept in {args.keep}, to read: the "
            "calendar's URLs name this run's server, which has stopped.\n"
        )
    return status


def _codes(args: argparse.Namespace) -> int:
    """The catalogue, one code of it, or the codes a selector takes in (``media``, ``media.url``).

    A selector lists what ``--select`` with it would report, so the two never disagree.
    """
    wanted = "" if args.code is None else args.code.strip().lower()
    if not wanted:
        codes = list(CATALOGUE.values())
    else:  # codes are lower case; `BOARD.MISSING` means one
        codes = [CATALOGUE[wanted]] if wanted in CATALOGUE else matching(wanted)
        if not codes:
            try:
                lookup(wanted)
            except KeyError as exc:
                raise ConfigError(str(exc.args[0])) from None
    single = len(codes) == 1 and codes[0].id == wanted
    if args.format == "json":
        document: Any = (
            catalogue.entry_dict(codes[0])
            if single
            else [catalogue.entry_dict(code) for code in codes]
        )
        write_stdout(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "markdown":
        write_stdout(catalogue.markdown_table(codes))
    elif single:
        write_stdout(catalogue.entry_text(codes[0]))
    else:
        write_stdout(catalogue.listing(codes))
    return EXIT_OK


def _config_file(args: argparse.Namespace) -> Path | None:
    """The configuration to read: ``--config``, else the nearest ``pyproject.toml`` with a table."""
    if args.config is not None:
        try:  # is_dir() and is_file() raise too, in a folder this user may not look into
            mode = args.config.stat().st_mode
        except FileNotFoundError:
            raise ConfigError(f"--config {args.config}: no such file") from None
        except OSError as exc:
            raise ConfigError(
                f"--config {args.config}: cannot read it: {exc.strerror or exc}"
            ) from None
        if stat.S_ISDIR(mode):
            raise ConfigError(f"--config {args.config}: is a folder; name its pyproject.toml")
        if not stat.S_ISREG(mode):  # a device, a pipe: /dev/null, <(...), /dev/stdin
            why = "not a file (a TOML file is read whole, by name)"
            raise ConfigError(f"--config {args.config}: {why}")
        return Path(args.config)
    try:
        here = Path.cwd()
    except OSError:  # the working folder was deleted under the shell: nothing to find above it
        return None
    return find_pyproject(here)


def _settings(args: argparse.Namespace, config: Path | None) -> Settings:
    flags = ("offline", "strict", "allow_private_hosts", "deep", "concurrency", "per_host",
             "deadline", "max_redirects", "token_env", "api_base", "account_checks")  # fmt: skip
    overrides = {key: getattr(args, key) for key in flags if getattr(args, key) is not None}
    for key in ("select", "ignore"):
        if getattr(args, key) is not None:
            overrides[key] = _selectors(f"--{key}", getattr(args, key))
    names = {key: _FLAG_NAMES.get(key, "--" + key.replace("_", "-")) for key in overrides}
    return load_settings(config, overrides, names, named=args.config is not None)


def _selectors(flag: str, values: Iterable[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` as ``("a", "b", "c")``, each checked against the catalogue.

    Checked here as well as by ``Settings`` so that the message names the flag, not the
    ``pyproject.toml`` the other settings came from, and suggests the code that was meant.
    """
    selectors = tuple(part.strip() for value in values for part in value.split(",") if part.strip())
    if not selectors:
        raise ConfigError(f"{flag}: no code given")
    unknown = unknown_selectors(selectors)
    if unknown:
        raise ConfigError(
            f"{flag}: no code matches {', '.join(map(repr, unknown))}{suggestion(unknown[0])} "
            "(pin-preflight codes lists them)"
        )
    return selectors


class _Console(Console):
    """rich's console, except that a reader going away ends the run as any other write does."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError  # rich would exit with 1, which here means "errors found"


def _console(*, stderr: bool = False) -> Console:
    console = _Console(highlight=False, soft_wrap=True, emoji=False, stderr=stderr)
    if console.width < 1:  # COLUMNS=0, which rich takes for a width: every line came out empty
        console.width = shutil.get_terminal_size().columns  # the terminal's, or 80
    return console


def _error(message: str) -> None:
    _stderr_line(f"error: {message}")


def _stderr_line(message: str) -> None:
    """``pin-preflight: MESSAGE`` on standard error, if it is there to take it.

    Messages quote file names, which may hold a line break (a forged line, or a workflow command
    in a CI log), an escape sequence, or a token given where a file goes: shown escaped, on one
    line, the token masked.
    """
    if sys.stderr is None:  # started with standard error closed (2>&-): the status says it
        return
    with suppress(OSError):  # its terminal is gone (hung up): the status says it
        sys.stderr.write(f"pin-preflight: {printable(without_tokens(message))}\n")
