"""The pytest plugin: every pin of a calendar file becomes a test that passes or fails.

Registered through the ``pytest11`` entry point, so pytest loads it in every project where
pin-preflight is installed; it therefore does nothing until asked. ``--pin-preflight`` turns it on
with the default patterns (``*.pins.json``, ``*.pins.jsonl``, ``*.pins.ndjson``, ``*.pins.csv``:
names nobody gives a test fixture by accident), and the ini setting ``pin_preflight_calendars``
turns it on with the project's own patterns. A calendar file named on the command line is
collected whatever its name, as pytest does for a test module.

Collection reads each file and makes one item per pin, named after its location and title. A
file's pins are checked together as its items run, each item waiting for its own report (a pin's
verdict can depend on the others: ``calendar.duplicate_pin``), in one engine session for the whole
pytest session, that is one HTTP client and one probe per URL per process (per xdist worker).

This module is imported by every pytest run of every project that installed pin-preflight, so its
own imports are pytest and the standard library; the engine's modules are imported when the
plugin is turned on (or a test runs).
"""

from __future__ import annotations

import argparse
import fnmatch
import itertools
import json
import os
import re
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import pytest

# Where pytest's failure representations live (no public name; every plugin with its own items
# uses them): imported by pytest itself already.
from _pytest._code.code import (
    ReprExceptionInfo,
    ReprFileLocation,
    ReprTracebackNative,
    TerminalRepr,
)

if TYPE_CHECKING:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor
    from types import TracebackType

    from validator.engine import Engine, Session
    from validator.report import Report
    from validator.settings import Settings
    from validator.sources import PinInput

__all__ = ["DEFAULT_PATTERNS", "PinPreflightFailure", "PinPreflightWarning"]

#: Files collected by ``--pin-preflight`` when ``pin_preflight_calendars`` is not set.
DEFAULT_PATTERNS = ("*.pins.json", "*.pins.jsonl", "*.pins.ndjson", "*.pins.csv")

#: What a calendar file named on the command line may be called (what ``sources.load`` reads).
_CALENDAR_SUFFIXES = (".json", ".jsonl", ".ndjson", ".csv")

_INI = "pin_preflight_calendars"
_STALE_OUTPUT = "pin_preflight_stale"  # the key of a worker's output to the xdist controller
_COLLECTED_OUTPUT = "pin_preflight_collected"  # and of how many calendars the worker collected
_RERUN_OUTPUT = "pin_preflight_rerun"  # and of the files it ran whole under --lf
_MARKER = "pin_preflight"
_CHECKER = "pin-preflight-checker"
_T = TypeVar("_T")
_P = ParamSpec("_P")


class PinPreflightWarning(UserWarning):
    """A warning finding of a pin: worth fixing, but Pinterest would accept the pin.

    A category of its own so that a project can filter these (``-W error::...`` fails the pins
    that have one, ``ignore::...`` hides them) without touching other warnings.
    """


class PinPreflightFailure(Exception):
    """A pin that Pinterest would refuse: raised by its item and shown as its findings."""

    def __init__(self, report: Report) -> None:
        super().__init__(", ".join(finding.code for finding in report.errors))
        self.report = report


class UnreadableCalendar(Exception):
    """A calendar file that cannot be read at all (``SourceError``): the message says why."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """The switch, the network options, and the ini setting that names calendar files."""
    group = parser.getgroup("pin-preflight", "pin-preflight: check Pinterest pin calendars")
    group.addoption(
        "--pin-preflight",
        action="store_true",
        default=False,
        help="collect pin calendar files (pin_preflight_calendars, default "
        f"{' '.join(DEFAULT_PATTERNS)}) and check every pin as a test",
    )
    # None when absent, so that [tool.pin-preflight] in pyproject.toml decides; --no-... undoes
    # what the table says.
    group.addoption(
        "--pin-preflight-offline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="decide from the payloads alone; fetch no media URL",
    )
    group.addoption(
        "--pin-preflight-allow-private-hosts",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fetch media URLs on private and loopback addresses (local servers in tests)",
    )
    group.addoption(
        "--pin-preflight-strict",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="warning findings fail the pin",
    )
    parser.addini(
        _INI,
        "glob patterns of pin calendar files; setting it turns pin-preflight on without the flag",
        type="args",
        default=[],
    )


def _matches(path: str, pattern: str) -> bool:
    """``fnmatch``, each ``**/`` that starts the pattern or a folder standing for no folder too.

    Elsewhere (``content**/x``) it is fnmatch's: its ``**`` is a ``*``, as in git.
    """
    parts = _FOLDERS_STAR.split(pattern)
    for kept in itertools.product((True, False), repeat=len(parts) - 1):  # a pattern has few
        variant = parts[0]
        for keep, part in zip(kept, parts[1:], strict=True):
            variant += ("**/" if keep else "") + part
        if fnmatch.fnmatch(path, variant):
            return True
    return False


# A "**/" at the start of a pattern or right after a "/": the place of any folders.
_FOLDERS_STAR = re.compile(r"(?:(?<=/)|^)\*\*/")


class _OffNotice:
    """Says at the end of the run that options were given while the plugin is off.

    A line, not a ``PytestConfigWarning``: under ``filterwarnings = error`` the warning was an
    INTERNALERROR that ran no test at all (an option set for every project in ``PYTEST_ADDOPTS``
    reaches the projects without calendars too), and it showed this file's path and source.
    """

    def __init__(self, config: pytest.Config, given: list[str]) -> None:
        self.config = config
        self.given = given

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):  # an xdist worker: the controller says it
            return
        terminalreporter.write_line(
            f"pin-preflight: {', '.join(self.given)} given, but pin-preflight is off: turn it on "
            f"with --pin-preflight or the {_INI} ini setting",
            yellow=True,
        )


def pytest_configure(config: pytest.Config) -> None:
    """Register the collector when asked to (flag or ini); otherwise do nothing at all."""
    patterns: list[str] = config.getini(_INI)
    if not config.getoption("pin_preflight") and not patterns:
        given = [flag for flag, name in _FLAGS if config.getoption(name) is not None]
        if given:  # "no tests ran", and nothing said why
            config.pluginmanager.register(_OffNotice(config, given), _CHECKER)
        return
    config.addinivalue_line("markers", f"{_MARKER}: a pin checked by pin-preflight")
    settings, source = _settings(config)
    if not settings.offline and not _no_pin_runs(config):
        _check_environment(settings)
    config.pluginmanager.register(
        _Checker(config, settings, tuple(patterns) or DEFAULT_PATTERNS, source),
        _CHECKER,
    )


_FLAGS = (
    ("--pin-preflight-offline", "pin_preflight_offline"),
    ("--pin-preflight-allow-private-hosts", "pin_preflight_allow_private_hosts"),
    ("--pin-preflight-strict", "pin_preflight_strict"),
)


def _no_pin_runs(config: pytest.Config) -> bool:
    """Whether the command line leaves no pin to run.

    It names Python files only (or tests in them), or deselects the pins (``-m "not
    pin_preflight"``). Then an environment the network checks cannot work in must not stop the
    project's own tests: a developer with a SOCKS proxy set runs ``pytest tests/test_models.py``.
    """
    if config.getoption("markexpr", "").strip() == f"not {_MARKER}":
        return True
    named = config.args if config.args_source is pytest.Config.ArgsSource.ARGS else []
    return bool(named) and all(arg.split("::", 1)[0].endswith(".py") for arg in named)


def _check_environment(settings: Settings) -> None:
    """A proxy or CA file of the environment that cannot be used stops pytest here, once.

    Met when the first pin runs, it stopped a plain run cleanly but broke xdist: a worker
    cannot stop the session (``pytest.exit`` there is an INTERNALERROR, the message lost).
    """
    from validator.errors import ConfigError
    from validator.httpclient import check_environment

    try:
        check_environment(trust_env=settings.trust_env)
    except ConfigError as exc:
        raise pytest.UsageError(f"pin-preflight: {exc}") from None


def _settings(config: pytest.Config) -> tuple[Settings, Path | None]:
    """``[tool.pin-preflight]`` found from the rootdir, with the command line's flags on top.

    The lookup is the CLI's (the nearest ``pyproject.toml`` with the table, at or above the
    rootdir), so that ``pytest --pin-preflight`` and ``pin-preflight check`` agree. A broken
    table stops the run before collection, as a bad option does.
    """
    from validator.errors import ConfigError
    from validator.settings import find_pyproject, load_settings

    flags = {
        "offline": config.getoption("pin_preflight_offline"),
        "allow_private_hosts": config.getoption("pin_preflight_allow_private_hosts"),
        "strict": config.getoption("pin_preflight_strict"),
    }
    overrides = {key: value for key, value in flags.items() if value is not None}
    try:
        source = find_pyproject(config.rootpath)
        return load_settings(source, overrides), source
    except ConfigError as exc:
        raise pytest.UsageError(f"pin-preflight: {exc}") from None


class _Checker:
    """The session-wide state: which files to collect, and the checked reports of each file.

    One event loop lives as long as the pytest session (an ``asyncio.Runner``), because the
    engine session's HTTP client belongs to the loop it was opened on: ``asyncio.run`` per file
    would need one client per file and probe a URL shared by two files twice. It runs in a
    thread of its own while an item waits for its report (``_run``), and is never the current
    loop of the thread that runs the tests: tests that start their own loops (``asyncio.run``,
    pytest-asyncio) are unaffected.
    """

    def __init__(
        self,
        config: pytest.Config,
        settings: Settings,
        patterns: tuple[str, ...],
        source: Path | None = None,
    ):
        self.config = config
        self.settings = settings
        self.patterns = patterns
        self.source = source
        """The ``pyproject.toml`` the settings were read from (``None``: the defaults)."""
        self._engine: Engine | None = None
        self._runner: asyncio.Runner | None = None
        self._session: Session | None = None
        self._thread: ThreadPoolExecutor | None = None
        """Where the loop runs (``_run``)."""
        self._reports: dict[Path, _FileCheck | tuple[BaseException, TracebackType | None]] = {}
        self.collected = 0
        """Calendar files collected in this process (``pytest_collectreport``)."""
        self._offered: set[str] = set()
        self.rerun: list[str] = []
        """Files whose last failures were recorded under names they no longer have (--lf)."""
        self._rerun_told = False
        self.stale: list[str] = []
        """Those names: under xdist, a worker's; the controller keeps the record and drops them."""

    # --- collection ---------------------------------------------------------------------------

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> CalendarFile | None:
        """A ``CalendarFile`` for each file matching the patterns or named on the command line."""
        if self._wanted(file_path, parent.session):
            calendar = CalendarFile.from_parent(parent, path=file_path)
            self._offered.add(calendar.nodeid)
            return calendar
        return None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Count a calendar that pytest collected: read, or skipped by ``--lf`` (no failures).

        Not one it was only offered: pytest offers the files of every folder from the rootdir
        down to ``testpaths``, and collects only those on the way to what it was asked for.
        """
        if report.nodeid in self._offered:
            self._offered.discard(report.nodeid)
            self.collected += 1

    def _wanted(self, path: Path, session: pytest.Session) -> bool:
        """Like ``python_files``: a pattern with ``/`` matches the path from the rootdir.

        ``./content/*.jsonl`` is ``content/*.jsonl``, and an absolute pattern matches the
        absolute path: either matched nothing before, and nothing said so. ``**/`` matches any
        folders, none included, as in git and pathlib (``*`` crosses ``/`` already: ``cal/**/x``
        skipped ``cal/x``).
        """
        if session.isinitpath(path) and path.suffix.lower() in _CALENDAR_SUFFIXES:
            return True
        relative = None
        for pattern in self.patterns:
            if "/" not in pattern:
                if fnmatch.fnmatch(path.name, pattern):
                    return True
                continue
            if pattern.startswith("/"):
                if _matches(path.as_posix(), pattern):
                    return True
                continue
            if relative is None:
                try:
                    relative = path.relative_to(self.config.rootpath).as_posix()
                except ValueError:
                    relative = path.as_posix()
            if _matches(relative, pattern.removeprefix("./")):
                return True
        return False

    @property
    def engine(self) -> Engine:
        """The session's engine: its settings and its one "now" also serve reading the files."""
        if self._engine is None:
            from validator.engine import Engine
            from validator.settings import environment_token

            # The token as ``pin-preflight check`` reads it: the same account checks run here.
            self._engine = Engine(self.settings, token=environment_token(self.settings))
        return self._engine

    # --- checking -----------------------------------------------------------------------------

    def report(self, file: CalendarFile, index: int) -> Report:
        """The report of ``file``'s pin at ``index``: the file is checked as its pins run.

        The file's pins are checked together (a verdict can depend on the others:
        ``calendar.duplicate_pin``), and their reports come in order, each as soon as its own
        probes are done: a pin waits for the pins before it, never for a slow URL after it.
        A configuration the run cannot work with (a proxy in the environment that cannot be
        used, say) stops pytest with its message, as it stops ``pin-preflight check`` (exit 2).
        An unexpected exception (a bug, not a bad pin) is kept: every later item of the file
        shows it, with the traceback it was raised with. A wait interrupted by what is no error
        (pytest-timeout's ``pytest.fail`` from a signal, a ``KeyboardInterrupt``) fails the item
        it ran for; the next item goes on waiting for the same report, its probes still running.
        """
        from validator.errors import ConfigError

        key = file.path
        found = self._reports.get(key)
        if found is None:
            session, inputs = self._open(), file.take_inputs()
            found = self._reports[key] = _FileCheck(session.check_all(inputs))
        if isinstance(found, tuple):
            # Each raise adds its frames to the exception's traceback: raised from the traceback
            # it was caught with, every item shows the same one (not 200 ever longer ones).
            error, traceback = found
            raise error.with_traceback(traceback)
        if index < len(found.reports):  # taken already, while an earlier pin waited
            return found.reports[index]
        failure: tuple[BaseException, TracebackType | None] | None = None
        try:
            if not self._run(found.fill(index)):
                missing = f"pin-preflight: pin {index} of {file.path} got no report"
                failure = (RuntimeError(missing), None)
        except ConfigError as exc:
            pytest.exit(f"pin-preflight: {exc}", returncode=pytest.ExitCode.USAGE_ERROR)
        except Exception as exc:  # raised for this item and the file's later ones
            failure = (exc, exc.__traceback__)
        if failure is not None:
            self._reports[key] = failure
            error, traceback = failure
            raise error.with_traceback(traceback)
        return found.reports[index]

    def _open(self) -> Session:
        """The engine session, opened for the first file checked."""
        if self._session is None:
            session = self.engine.session()
            self._run(session.__aenter__())
            self._session = session
        return self._session

    def _loop(self) -> asyncio.Runner:
        if self._runner is None:
            import asyncio  # not at the top: this module is imported by every pytest run, on or off

            # loop_factory: do not make this loop the thread's current one (see the class doc).
            self._runner = asyncio.Runner(loop_factory=asyncio.new_event_loop)
        return self._runner

    def _run(self, work: Coroutine[Any, Any, _T]) -> _T:
        """``work`` on the session's loop, which runs in a thread of its own; this one waits.

        Signals reach the main thread only: pytest-timeout's ``pytest.fail`` ends this wait and
        fails the item, while the check goes on. Raised inside the loop, it ended whatever task
        was running (a probe, the loop's own bookkeeping), and every later pin of the file
        failed with it. The next item's work waits behind what is still running: it goes on
        where the cut-short wait stopped. A thread also lets pytest run inside a running event
        loop (ipytest in a notebook, ``pytest.main`` awaited in async code), where no other
        loop can run.
        """
        runner = self._loop()
        if self._thread is None:
            from concurrent.futures import ThreadPoolExecutor

            self._thread = ThreadPoolExecutor(1, thread_name_prefix="pin-preflight")
        return self._thread.submit(_quietly, runner.run, work).result()

    def pytest_report_header(self) -> str:
        """The configuration the pins are checked with, in pytest's header.

        It is found from the rootdir, which may be above the project (a pytest.ini at a
        repository's root), where the command finds its own from the current folder.
        """
        if self.source is None:
            return (
                f"pin-preflight: default settings (no [tool.pin-preflight] in a pyproject.toml at "
                f"or above the rootdir, {self.config.rootpath})"
            )
        return f"pin-preflight: settings from {self.source}"

    def pytest_report_collectionfinish(self) -> list[str]:
        """Which files run whole under ``--lf``, and why: pytest's own line counts only pins.

        Under xdist the controller collects nothing: the workers' files are told at the end.
        """
        lines = [_rerun_line(nodeid) for nodeid in self.rerun]
        self._rerun_told = bool(lines)
        return lines

    def pytest_terminal_summary(self, terminalreporter: Any, exitstatus: int) -> None:
        """Say so when the plugin is on and no file matched: the run passed, having checked none.

        With ``testpaths = ["tests"]``, a pattern for ``content/`` matches nothing: pytest is never
        shown that folder. Not said when paths were named on the command line (one test file run
        on its own has no calendar in it), nor after an interrupt: under xdist, the count comes
        from workers that ended cleanly. A line, not a warning: under ``filterwarnings = error``
        a warning raised here would be an INTERNALERROR.
        """
        config = self.config
        if hasattr(config, "workerinput"):  # an xdist worker: the controller sums them up
            return
        if not self._rerun_told:  # what xdist's workers ran whole (else told after collection)
            for nodeid in self.rerun:
                terminalreporter.write_line(_rerun_line(nodeid))
        if self.collected or config.args_source is pytest.Config.ArgsSource.ARGS:
            return
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            return
        where = f"{_INI} = {list(self.patterns)}" if config.getini(_INI) else "--pin-preflight"
        terminalreporter.write_line(
            f"pin-preflight: no calendar file matched ({where}) under the paths pytest "
            "collected, so none was checked: see testpaths and norecursedirs, or name the "
            "calendars' folder on the command line",
            yellow=True,
        )

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """Under xdist, drop the stale names a worker found from the controller's record.

        The workers read the last failures and run the renamed files whole; the controller
        writes the record at the end, and kept the stale names in it for good: every later
        ``--lf`` ran those files whole again. (Also count the calendars the worker collected,
        for ``pytest_terminal_summary``.)
        """
        output = getattr(node, "workeroutput", {})
        self.collected += output.get(_COLLECTED_OUTPUT, 0)
        for nodeid in output.get(_RERUN_OUTPUT, ()):  # every worker collects every file
            if nodeid not in self.rerun:
                self.rerun.append(nodeid)
        stale = set(output.get(_STALE_OUTPUT, ()))
        recorded = _last_failed(self.config)
        if stale and recorded is not None:
            for key in [key for key in recorded if str(key) in stale]:
                del recorded[key]

    def pytest_sessionfinish(self) -> None:
        """Close the HTTP client, then the loop (in an xdist worker, report to the controller)."""
        output = getattr(self.config, "workeroutput", None)
        if isinstance(output, dict):
            output[_STALE_OUTPUT] = list(self.stale)
            output[_COLLECTED_OUTPUT] = self.collected
            output[_RERUN_OUTPUT] = list(self.rerun)
        runner, session, thread = self._runner, self._session, self._thread
        if runner is None or thread is None:
            return
        try:
            for found in self._reports.values():  # a wait cut short may have left one running
                if isinstance(found, _FileCheck) and found.filling is not None:
                    runner.get_loop().call_soon_threadsafe(found.filling.cancel)
            if session is not None:
                self._run(session.__aexit__(None, None, None))
        finally:
            self._runner = self._session = None
            try:
                thread.submit(runner.close).result()  # it runs the loop: to end async generators
            finally:
                self._thread = None
                thread.shutdown()


class _FileCheck:
    """A calendar file's check under way: its stream of reports, and those taken so far.

    The reports are taken by a task of the loop, as they come, whenever the loop runs: while a
    pin waits for its own, those of the pins after it that are ready are taken too, and their
    items find them without running the loop again (5,000 offline pins took 60 % longer when
    each item ran the loop for its own report). Kept on the loop's side: a wait cut short loses
    none of them.
    """

    def __init__(self, stream: AsyncIterator[Report]) -> None:
        import asyncio  # not at the top: this module is imported by every pytest run

        self.stream = stream
        self.reports: list[Report] = []
        self.filling: asyncio.Task[None] | None = None
        """The task that takes the reports: the session's end cancels it if it still runs."""
        self._more = asyncio.Event()  # bound to the loop that first waits on it

    async def fill(self, index: int) -> bool:
        """Wait until the report at ``index`` is taken; whether there is one."""
        import asyncio

        if self.filling is None:
            self.filling = asyncio.ensure_future(self._take())
        filling = self.filling
        while len(self.reports) <= index and not filling.done():
            self._more.clear()
            await self._more.wait()
        if len(self.reports) > index:
            return True
        filling.result()  # the check's own exception, if it ended on one
        return False

    async def _take(self) -> None:
        try:
            async for report in self.stream:
                self.reports.append(report)
                self._more.set()
        finally:
            self._more.set()  # the end, or an exception: a waiting ``fill`` looks again


class CalendarFile(pytest.File):
    """A calendar file: one item per pin, or one failing item when the file cannot be read."""

    _inputs: list[PinInput] | None = None

    def collect(self) -> Iterator[pytest.Item]:
        """Read the file once; the pins read are kept until the checks run (then let go)."""
        from validator import sources
        from validator.errors import SourceError
        from validator.sources.json_ import run_together

        engine = _checker(self.config).engine
        shown = _shown(self.path, self.config)
        inputs: list[PinInput] = []
        problem = None
        try:
            # A bulk-upload CSV is checked as it is read: against these settings and this "now".
            # The calendar is opened, and local video files are found beside it, by its absolute
            # path: a conftest or a test module collected before it may have changed the working
            # directory (the short name then named no file, or another). Messages keep the name.
            read = sources.load(
                str(self.path),
                settings=engine.settings,
                now=engine.now,
                shown=sources.display_name(shown),
            )
            for item in read:  # pins run together on a line: an item each, as a report each
                inputs.extend(run_together(item) or (item,))
        except SourceError as exc:  # the pins read before it are still checked
            problem = str(exc)
        self._inputs = inputs
        lines = Counter(item.location.line for item in inputs)
        items: list[pytest.Item] = []
        for index, item in enumerate(inputs):
            # Pins sharing a line (an array on one line) are told apart by their position:
            # pytest keys --lf, -k and reports on the name.
            shared = item.location.line is not None and lines[item.location.line] > 1
            name = _item_name(self.path, item, position=shared)
            pin = PinItem.from_parent(self, name=name, index=index, line=item.location.line)
            pin.add_marker(_MARKER)
            items.append(pin)
        if problem is not None:
            from validator.reporters import Unreadable

            line = Unreadable(shown, problem).line  # where the reading broke off
            unreadable = UnreadableItem.from_parent(
                self, name="unreadable", message=problem, line=line
            )
            unreadable.add_marker(_MARKER)  # -m pin_preflight shows broken calendars too
            items.append(unreadable)
        if _rerun_whole(self, items):
            _checker(self.config).rerun.append(self.nodeid)
        yield from items

    def take_inputs(self) -> list[PinInput]:
        """The pins read at collection, handed over once to be checked."""
        inputs, self._inputs = self._inputs or [], None
        return inputs


def _last_failed(config: pytest.Config) -> dict[Any, bool] | None:
    """The record pytest keeps of the last failures (node id to ``True``), if it keeps one.

    The ids are ``NodeId``s from pytest 9, strings before: compared by ``str``.
    """
    recorded = getattr(config.pluginmanager.get_plugin("lfplugin"), "lastfailed", None)
    return recorded if isinstance(recorded, dict) else None


def _rerun_line(nodeid: str) -> str:
    return (
        f"pin-preflight: {nodeid} was edited since its pins failed (they have new names): "
        "all its pins run again"
    )


def _rerun_whole(file: CalendarFile, items: list[pytest.Item]) -> bool:
    """Whether the file's last failures were recorded under names it no longer has (--lf).

    Then every pin of it counts as failed last time, and runs again. An item's name holds its
    pin's line: a fix that adds a line above a failing pin renames the pins below it, and
    ``--lf`` ran the old names it found (none of them) and passed, a pin still failing.
    Without pytest's record of them (``_last_failed``), nothing is changed.
    """
    config = file.config
    if not (config.getoption("lf", False) or config.getoption("failedfirst", False)):
        return False
    recorded = _last_failed(config)
    if recorded is None:
        return False
    prefix = f"{file.nodeid}::"
    current = {item.nodeid for item in items}
    stale = [key for key in recorded if str(key).startswith(prefix) and str(key) not in current]
    if not stale:
        return False
    for key in stale:
        del recorded[key]
    _checker(config).stale.extend(map(str, stale))
    for item in items:
        recorded[getattr(item, "id", item.nodeid)] = True
    return True


class PinItem(pytest.Item):
    """One pin: passes when the report is ok; warnings go to pytest's warnings summary."""

    def __init__(self, *, index: int, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.index = index
        self.line = line

    def runtest(self) -> None:
        """Look the pin's report up (the file's check goes on up to it) and judge it.

        Warnings are issued before the verdict so that a failing pin's warnings reach the
        summary too; a filter that turns them into errors fails the pin with its whole report.
        """
        file = self.parent
        assert isinstance(file, CalendarFile)  # noqa: S101 - only CalendarFile makes PinItems
        report = _checker(self.config).report(file, self.index)
        # Located as "<calendar.jsonl>:3", not as the file itself (pytest's own ``self.warn``):
        # the warnings summary prints the source line under a warning whose file it can read,
        # and a calendar's line is the pin as written, signed URLs, tokens, escape codes and
        # all, which the finding's message masks. Python's name for a source that is no file
        # to be read is in angle brackets; ``linecache`` reads none.
        source = f"<{_shown(self.path, self.config)}>"
        try:
            for finding in report.warnings:
                where = f" ({finding.field})" if finding.field else ""
                warning = PinPreflightWarning(
                    f"{finding.code}{where}: {finding.message}. "
                    f"{finding.action.label}: {finding.hint}"
                )
                warnings.warn_explicit(warning, None, source, self.line or 1)
        except PinPreflightWarning:
            raise PinPreflightFailure(report) from None
        if not report.ok:
            raise PinPreflightFailure(report)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        """The pin's findings with their remedies, as ``pin-preflight check`` prints them.

        No traceback: the plugin's own frames say nothing about the pin. Anything else than a
        failing pin is a bug and keeps pytest's usual report.
        """
        if isinstance(excinfo.value, PinPreflightFailure):
            return _located(_describe(excinfo.value.report), self.path, self.line, self.config)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The pin's line in the file (0-based, as pytest wants), and the failure's heading.

        The heading is not the bare name: ``-v`` would then show the name's dots as ``::``
        (pytest reads a node id that ends with its heading as a dotted Python path). It names
        the file by its path, as the node id does: two folders may each have a week1.pins.json.
        """
        file = self.parent
        assert file is not None  # noqa: S101 - an item always has its file
        return (
            self.path,
            (self.line or 1) - 1,
            f"pin {file.nodeid}{self.name.removeprefix(_node_safe(self.path.name))}",
        )


class UnreadableItem(pytest.Item):
    """Stands for a file that cannot be read: fails with the reader's message."""

    def __init__(self, *, message: str, line: int | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.message = message
        self.line = line
        """The line the message names (``--tb=line`` points there), if it names one."""

    def runtest(self) -> None:
        """Fail: the file's pins (after those read, if any) are not checked."""
        raise UnreadableCalendar(self.message)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | TerminalRepr:
        """The reader's message alone (it names the file, and the line and column if known)."""
        if isinstance(excinfo.value, UnreadableCalendar):
            message = f"cannot read the calendar: {excinfo.value}"
            return _located(message, self.path, self.line, self.config)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """The file, at the line where reading it broke off if the message names one."""
        file = self.parent
        assert file is not None  # noqa: S101 - an item always has its file
        return self.path, (self.line or 1) - 1, f"{file.nodeid}: unreadable"


def _located(text: str, path: Path, line: int | None, config: pytest.Config) -> ReprExceptionInfo:
    """A failure's text, and where it is: ``--tb=line`` prints ``path:line: first line``.

    Shaped as pytest's own failure (a crash location, and the text as a native traceback) so
    that xdist carries the location back from its workers; a plain string said nothing of the
    pin there, cut to 50 characters. With ``--tb=line`` the location line alone is written.
    JUnit's failure message stays the whole text.
    """
    lines = text.rstrip("\n").splitlines(keepends=True) or [""]  # written as they are: each
    lines[-1] += "\n"  # ends its line, the last one too
    if config.getoption("tbstyle", "auto") == "line":
        lines = []  # pytest writes the location line itself: one line a pin
    return ReprExceptionInfo(
        reprtraceback=ReprTracebackNative(lines),
        reprcrash=ReprFileLocation(_shown(path, config), line or 1, text),
    )


def _quietly(call: Callable[[Coroutine[Any, Any, _T]], _T], work: Coroutine[Any, Any, _T]) -> _T:
    """``call(work)`` with the library warnings of checking not raised (``_quiet``)."""
    with _quiet():
        return call(work)


@contextmanager
def _quiet() -> Iterator[None]:
    """Warnings raised while checking are not the test suite's to judge.

    A file is checked inside its items, the probes of later pins under an earlier item's
    warnings filters: with ``filterwarnings = error`` a library's warning (Pillow's about a
    phone photo's odd EXIF) became an exception that failed an image as broken, and without it
    the warning was shown under a pin it had nothing to do with. The pins' own findings are
    issued afterwards, as ``PinPreflightWarning``, where the suite's filters do apply. Items run
    one at a time in a process, so the process-wide filters are changed by one check at a time.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _checker(config: pytest.Config) -> _Checker:
    checker = config.pluginmanager.get_plugin(_CHECKER)
    assert isinstance(checker, _Checker)  # noqa: S101 - registered before any collection
    return checker


def _describe(report: Report) -> str:
    """The codes on the first line (pytest's short summary shows it), then every finding.

    The findings are ``pin-preflight check``'s lines without its header: the failure's own
    heading already names the pin.
    """
    from validator.messages import plural
    from validator.reporters.text import pin_lines

    errors = report.errors
    if errors:
        codes = ", ".join(dict.fromkeys(finding.code for finding in errors))
        first = f"{plural(len(errors), 'error')}: {codes}"
    else:  # only warnings, turned into errors by a warnings filter
        codes = ", ".join(dict.fromkeys(finding.code for finding in report.warnings))
        first = f"{plural(len(report.warnings), 'warning')}, failed by the warnings filter: {codes}"
    lines = [line.plain for line in pin_lines(report)][1:]  # a header, then the findings
    return "\n".join([first, *lines])


def _shown(path: Path, config: pytest.Config) -> str:
    """``path`` as the CLI would name it in messages: relative to where pytest was started.

    Not to the working directory when asked: a test that ran before may have changed it, and
    the name was then a path from ``/``.
    """
    try:
        return os.path.relpath(path, config.invocation_params.dir)
    except ValueError:  # another drive (Windows)
        return str(path)


def _item_name(path: Path, item: PinInput, *, position: bool = False) -> str:
    """``calendar.jsonl:3 "Peach galette"``: the file name, the pin's line, and its title.

    Pins that share a line are told apart by their column (``pins.json:1:57``), as reports
    locate them, or else (``position``) by their place in the file (``pins.json:1#2``). The
    name keeps clear of what pytest reads in a node id: ``::`` parts and a ``[`` parameter
    (``--lf``, ``-n``, ``--junitxml`` would not find the item again).
    """
    from validator.messages import quote

    location = item.location
    where = f"{path.name}:{location.line}" if location.line is not None else path.name
    if location.column is not None:
        where += f":{location.column}"
    elif position or location.line is None:
        where += f"#{location.position}"
    title = item.title if item.title is not None else _peek_title(item.payload)
    return _node_safe(f"{where} {quote(title, 50)}" if title else where)


def _node_safe(name: str) -> str:
    """``name`` with what pytest reads in a node id (``::``, ``[``) written otherwise."""
    return name.replace("::", ": :").replace("[", "(").replace("]", ")")


def _peek_title(payload: object) -> str | None:
    """The payload's title if it plainly has one; parsing proper waits for the checks.

    JSON Lines rows arrive as text: decoding one here costs a fraction of what the checks do,
    and the title is what makes an item findable in a list of results (and with ``-k``).
    """
    if isinstance(payload, str | bytes):
        try:
            payload = json.loads(payload)
        except (ValueError, RecursionError):  # a broken row fails as one when it runs
            return None
    if isinstance(payload, dict):
        title = payload.get("title")
        if isinstance(title, str) and title.strip():
            return title
    return None
