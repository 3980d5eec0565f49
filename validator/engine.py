"""The engine: the one pipeline behind the Python API, the CLI and the pytest plugin.

``sources`` cut the input into ``PinInput``s; ``check`` parses each one, runs the offline rules
and stamps the run's severity policy; the result is one ``Report`` per pin, in input order.
Without ``offline``, a ``Session`` then probes the media URLs (each unique URL once per session)
and adds what the files really are; given an access token, it also asks Pinterest about the
account (``validator.pinterest.account``: token, board, section, uploaded video), concurrently
with the probes and each question once per session. Nothing here raises for a bad pin or a bad
server: exceptions are left for programming errors.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import enum
import functools
import os
import re
import weakref
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import NamedTuple, overload

from pydantic import BaseModel, SecretStr

from validator import clean
from validator.codes.calendar import CALENDAR_ERROR_CELL, CALENDAR_ROW_MALFORMED, duplicate_pin
from validator.codes.media import MEDIA_URL_EXPIRES, MEDIA_URL_INVALID
from validator.codes.pin import PIN_MALFORMED
from validator.codes.selection import ALWAYS_REPORTED, dropped_codes
from validator.codes.video import (
    VIDEO_COVER_IMAGE_CONTENT_TYPE_MISSING,
    VIDEO_COVER_IMAGE_URL_MISSING,
)
from validator.errors import SourceError
from validator.findings import Finding, Location, Severity
from validator.messages import json_type, quote
from validator.model import ImagesURLSource, ImageURLSource, PinCreate, VideoSource
from validator.parse import Parsed, parse
from validator.pinterest.account import (
    MEDIA_ID_FIELD,
    AccountChecker,
    AccountTarget,
    optional_secret,
)
from validator.probes.fetch import Fetcher, Guard
from validator.probes.local import local_path
from validator.probes.media import Probe, Prober
from validator.report import Report
from validator.rules import rules_for
from validator.rules.common import check_media_url
from validator.rules.expiry import check_expiry
from validator.rules.media_facts import carousel_findings, probe_findings
from validator.rules.video import cover_type_missing, overruled_by_bytes
from validator.settings import Settings, revalidated
from validator.signed_urls import may_have_deadline
from validator.slots import Slot, may_be_signed, media_slots
from validator.sources import PinInput
from validator.sources.bulk_csv import BOARD as CSV_BOARD
from validator.sources.json_ import run_together
from validator.sources.mapped_csv import said_of_columns
from validator.urls import MediaKind

__all__ = ["MEDIA_SOURCE", "Engine", "Session"]

#: The ``source`` of media URLs checked on their own (``validate_media``).
MEDIA_SOURCE = "<media>"
# The field every media URL of a payload lives under (``media_slots``).
_MEDIA_FIELD = "media_source"

# Pins whose probes are in flight ahead of the one being reported: enough to keep every
# connection busy, few enough that a 100,000-row calendar is never held in flight at once.
_WINDOW = 512
# Pins reported without an await between them (offline) before the loop is let in: a timeout or
# a cancel around an offline run of 100,000 pins (the async API's callers) takes effect at once.
_YIELD_EVERY = 256
# While the window fills, the loop gets a turn every this many pins: the probes started so far
# send their first requests, instead of waiting for 512 pins to be parsed (50 ms at the start
# of a run, with every connection idle: benchmarks/online.py).
_START_EVERY = 16
_DIGITS = re.compile(r"\d+", re.ASCII)


class _Checked(NamedTuple):
    """A pin after the offline stage: its findings so far, and the slots still to probe.

    A named tuple: one is made for every pin, and a frozen dataclass costs several times more.
    """

    item: PinInput
    findings: list[Finding]
    title: str | None
    slots: list[Slot]
    same_pin: tuple[str, str, str | None] | None = None
    """Board, media and link: two pins of one calendar with the same key are duplicates."""
    account: AccountTarget | None = None
    """What to ask Pinterest about this pin (with a token); ``None``: not even the token."""


class _Slow(enum.Enum):
    """Said by a session's stream before a pin slow to check: the next step may go to a thread."""

    NEXT = "next"


_SLOW = _Slow.NEXT

# A pin of a session's window: the slots it probes, their probes and its account check, started.
# A plain tuple: offline, one is made and taken apart for every pin of a calendar.
_InFlight = tuple[
    _Checked, list[Slot], list[asyncio.Task[Probe]], asyncio.Task[list[Finding]] | None
]


class Engine:
    """Checks pins against one set of settings."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        guard: Guard | None = None,
        token: str | SecretStr | None = None,
        now: datetime | None = None,
    ) -> None:
        self.settings = revalidated(settings) if settings is not None else Settings()
        self.guard = guard
        self._token = optional_secret(token)
        """Pinterest access token; kept apart from ``settings`` (which are shown) and masked."""
        if now is not None and not isinstance(now, datetime):  # "2026-06-01": no .utcoffset()
            raise TypeError(f"now must be a datetime, not {type(now).__name__}")
        if now is not None and now.utcoffset() is None:
            raise ValueError("now must be timezone-aware (datetime.now(UTC), say)")
        self.now = now if now is not None else datetime.now(UTC)
        """The run's "now", for signed URLs' deadlines: one clock reading for every pin (given,
        a test's verdicts do not change as the calendar's dates pass)."""
        self._dropped = dropped_codes(self.settings.select, self.settings.ignore) - ALWAYS_REPORTED
        self._clean_applies = clean.applies(self.settings)
        """Whether a pin ``CleanPin`` accepts may skip the rules (``validator.clean``)."""

    @property
    def token(self) -> SecretStr | None:
        """The access token for account checks (masked in reprs and logs), if one was given."""
        return self._token

    @property
    def account_checks(self) -> bool:
        """Whether sessions ask Pinterest about the account: a token, online, not turned off.

        ``offline`` means no network at all, so it wins over a token.
        """
        settings = self.settings
        return self._token is not None and settings.account_checks and not settings.offline

    def check(self, item: PinInput) -> Report:
        """The offline verdict on one pin."""
        checked = self.offline_stage(item, for_session=False, keyed=False)
        findings = self.apply_policy(checked.findings, item.columns)
        return Report(item.location, findings, checked.title)

    def check_all(self, items: Iterable[PinInput]) -> Iterator[Report]:
        """``check`` over a stream of pins, lazily, in order (offline only).

        A pin repeated in the stream gets ``calendar.duplicate_pin``, as in a session: the
        verdict on a list of pins does not depend on whether the network is used.
        """
        policy = self.apply_policy
        for checked in _offline_stage_marking_duplicates(self, items, for_session=False):
            item = checked.item
            yield Report(item.location, policy(checked.findings, item.columns), checked.title)

    def session(self) -> Session:
        """A run that shares one HTTP client and one probe per URL over many sources."""
        return Session(self)

    def offline_stage(self, item: PinInput, *, for_session: bool, keyed: bool = True) -> _Checked:
        """Parse and run the offline rules.

        ``for_session``: a session carries on with the pin, so also list its URLs left to probe
        and what to ask Pinterest about it. ``keyed``: one of many pins, so also give its key
        for ``calendar.duplicate_pin``.
        """
        if item.problem is not None:  # the rest of the entry is still checked: its video file
            broken = [item.problem, *item.extra]
            left = self._check_deadlines(list(item.slots), item, broken)
            return _Checked(item, broken, None, left if for_session else [])
        if item.prechecked:
            checked = list(item.extra)
            probe = self._check_deadlines(list(item.slots), item, checked)
            account = None
            if for_session and self.account_checks:
                named = item.board_name if not _reported(checked, CSV_BOARD) else None
                account = AccountTarget(board_name=named, board_field=CSV_BOARD)
            return _Checked(item, checked, item.title, probe if for_session else [], None, account)
        malformed = CALENDAR_ROW_MALFORMED if item.row else PIN_MALFORMED
        parsed = parse(item.payload, malformed=malformed, clean=self._clean_applies)
        if parsed.clean and parsed.pin is not None:
            return self._clean_stage(item, parsed.pin, parsed, for_session=for_session, keyed=keyed)
        findings = list(parsed.findings)
        erred: set[str | None] = set()
        if item.extra:
            # A spreadsheet's cell holding "#REF!" is reported as that alone, not also as a
            # board name where an id belongs: neither parsing nor a rule speaks of its field.
            erred = {finding.field for finding in item.extra if finding.code == _ERROR_CELL}
            if erred:
                findings = [finding for finding in findings if finding.field not in erred]
            findings.extend(item.extra)
        slots: list[Slot] = []
        same_pin = None
        account = None
        if parsed.pin is not None:
            pin = parsed.pin
            self._run_rules(pin, parsed, findings, erred)
            slots = _unreported_slots(pin, findings)
            if keyed and erred.isdisjoint(_PIN_KEY_FIELDS):  # lookups that failed alike
                same_pin = _same_pin_key(pin)  # are not one pin twice
            if item.slots:
                slots.extend(item.slots)
            slots = self._check_deadlines(slots, item, findings)
            if for_session and self.account_checks:
                account = _account_target(pin, findings)
        return _Checked(
            item, findings, parsed.title, slots if for_session else [], same_pin, account
        )

    def _clean_stage(
        self,
        item: PinInput,
        pin: PinCreate,
        parsed: Parsed,
        *,
        for_session: bool,
        keyed: bool,
    ) -> _Checked:
        """``offline_stage`` for a clean pin: the rules would find nothing in it.

        ``parsed`` may hold findings: values parsing removed, leaving a clean rest. Signed-URL
        deadlines are not the rules' to check but the engine's: a media URL whose query may be a
        signature (``may_be_signed``), and a calendar entry's own ``slots`` (a video file), are
        checked here as on the full path. Offline, only local files are probed, so the payload's
        URLs are listed only for that check.
        """
        findings = [*parsed.findings, *item.extra]
        online = for_session and not self.settings.offline
        signed = may_be_signed(pin)
        slots = [*media_slots(pin), *item.slots] if online or signed else list(item.slots)
        if slots:
            slots = self._check_deadlines(slots, item, findings)
            if not online and signed:  # listed for their deadlines only: nothing to probe
                slots = [slot for slot in slots if not slot.field.startswith(_MEDIA_FIELD)]
        account = None
        if online and self.account_checks:
            account = _account_target(pin, findings)
        if not for_session:
            return _Checked(item, findings, parsed.title, [], _same_pin_key(pin) if keyed else None)
        return _Checked(item, findings, parsed.title, slots, _same_pin_key(pin), account)

    def media_stage(
        self, url: str | os.PathLike[str], position: int, kind: MediaKind, *, for_session: bool
    ) -> _Checked:
        """``offline_stage`` for a media URL on its own (``validate_media``).

        A path object (``pathlib.Path``) names a local file, read from disk as a calendar's
        local ``video_url`` is: a video before its upload usually is one. Only a path object:
        a string stays a URL, so that a service checking URLs its users sent never reads its
        own files.
        """
        item = PinInput(Location(MEDIA_SOURCE, position), url)
        if isinstance(url, os.PathLike):
            slot = Slot("url", os.fsdecode(url), kind, local=True)  # str, even from a bytes path
            return _Checked(item, [], None, [slot] if for_session else [])
        if not isinstance(url, str):  # a Python caller's list may hold anything
            message = f"the URL is {json_type(url)}, not a URL string"
            return _Checked(item, [MEDIA_URL_INVALID.finding("url", message)], None, [])
        found = check_media_url(url, "url", kind)
        if found is not None:
            path = _as_path_call(url) if found.code == MEDIA_URL_INVALID.id else None
            if path is not None:
                hint = (
                    "Pinterest fetches media by its public https:// address. To check a file on "
                    "this machine before it is hosted, pass it as a path object: "
                    f'validate_media([{path}], "{kind}").'
                )
                found = dataclasses.replace(found, hint=hint)
            return _Checked(item, [found], None, [])
        findings: list[Finding] = []
        slots = self._check_deadlines([Slot("url", url, kind)], item, findings)
        return _Checked(item, findings, None, slots if for_session else [])

    def _check_deadlines(
        self, slots: list[Slot], item: PinInput, findings: list[Finding]
    ) -> list[Slot]:
        """Append the signed-URL findings of ``slots``; return the slots still worth probing.

        A local file (a calendar's ``video_url`` before upload) has no signature, whatever its
        name holds.
        """
        if not any(may_have_deadline(slot.url) and not slot.local for slot in slots):
            return slots  # a cache buster, no query, or files on this machine
        found, expired = check_expiry(
            [slot for slot in slots if not slot.local],
            now=self.now,
            publish_at=item.publish_at,
            whole_day=item.publish_day,
            margin_hours=self.settings.expiry_margin_hours,
        )
        if not found:
            return slots
        findings.extend(found)
        # A URL expired already would answer only a refusal: it is not fetched, unless its
        # finding is not reported (--ignore media.url_expires), and then what it answers is.
        if not expired or MEDIA_URL_EXPIRES.id in self._dropped:
            return slots
        return [slot for slot in slots if slot.field not in expired]

    def _run_rules(
        self,
        pin: PinCreate,
        parsed: Parsed,
        findings: list[Finding],
        erred: set[str | None],
    ) -> None:
        """Append the rules' findings, except on fields already reported.

        Those parsing reported, and ``erred``: fields whose spreadsheet cell holds an error value
        (``calendar.error_cell``).

        A cover parsing reported and took out (data with a line break, a URL of the wrong JSON
        type) was given all the same: it is not missing, but its type is still wanted in the
        same run, unless parsing reported that too (invalid).
        """
        settings = self.settings
        cover_taken_out = isinstance(pin.media_source, VideoSource) and (
            parsed.covers(_COVER_DATA) or parsed.covers(_COVER_URL)
        )
        for rule in rules_for(pin):  # one dict lookup: the rules of this pin's kind of media
            found = rule(pin, settings)
            if found:
                for finding in found:
                    if parsed.covers(finding.field) or finding.field in erred:
                        continue
                    if finding.code == _COVER_MISSING and (
                        cover_taken_out
                        or (settings.accept_key_frame_cover and parsed.covers(_KEY_FRAME))
                    ):
                        continue  # given (reported), or a key frame mistyped but accepted
                    findings.append(finding)
        if cover_taken_out and not any(f.code == _COVER_TYPE_MISSING for f in findings):
            findings.extend(f for f in cover_type_missing(pin) if not parsed.covers(f.field))

    def apply_policy(
        self, findings: list[Finding], columns: tuple[tuple[str, str], ...] = ()
    ) -> tuple[Finding, ...]:
        """Apply ``select`` / ``ignore``, then ``strict`` (every warning becomes an error).

        These are the run's choices, not the codes': the catalogue's severities stay as they are.
        ``columns``: a row of a sheet of the user's own (``PinInput.columns``), whose findings
        are also said of the columns their fields were read from.
        """
        if not findings:
            return ()
        if columns:
            findings = said_of_columns(findings, columns)
        if self._dropped:
            findings = [f for f in findings if f.code not in self._dropped]
        if self.settings.strict:
            return tuple(
                dataclasses.replace(f, severity=Severity.ERROR)
                if f.severity is Severity.WARNING
                else f
                for f in findings
            )
        return tuple(findings)


class Session:
    """One run of the engine: offline checks, then (unless offline) the media probes.

    Use as ``async with engine.session() as session``; ``check_all`` may be called once per
    source, and a URL probed for one source is not probed again for the next.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._fetcher: Fetcher | None = None
        self._prober: Prober | None = None
        self._account: AccountChecker | None = None

    async def __aenter__(self) -> Session:
        settings = self.engine.settings
        if not settings.offline:
            guard = self.engine.guard
            self._fetcher = Fetcher(settings) if guard is None else Fetcher(settings, guard=guard)
        # Offline, the prober still reads local files (media not hosted yet): no network there.
        self._prober = Prober(settings, self._fetcher)
        token = self.engine.token
        if self.engine.account_checks and token is not None:
            self._account = AccountChecker(settings, token)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Each is closed even if closing another is interrupted: a cancel scope (anyio's
        # move_on_after, a server's task group) cancels again at every await of the cleanup.
        closing = contextlib.AsyncExitStack()
        for part in (self._account, self._fetcher, self._prober):  # closed in reverse
            if part is not None:
                closing.push_async_callback(part.aclose)
        # Given the run's own exception, a failure while closing keeps it as its context.
        await closing.__aexit__(exc_type, exc, traceback)

    @property
    def requests(self) -> int:
        """HTTP requests sent so far."""
        return self._fetcher.requests if self._fetcher is not None else 0

    @property
    def account_requests(self) -> int:
        """HTTP requests sent to Pinterest's API so far (account checks; not in ``requests``)."""
        return self._account.requests if self._account is not None else 0

    @property
    def bytes_read(self) -> int:
        """Body bytes received so far."""
        return self._fetcher.bytes_read if self._fetcher is not None else 0

    @property
    def unique_urls(self) -> int:
        """Distinct URLs probed so far."""
        return self._prober.unique_urls if self._prober is not None else 0

    def probes(self) -> dict[str, Probe]:
        """The finished probes of this session by URL (requests and bytes each, for reports)."""
        return self._prober.finished() if self._prober is not None else {}

    def check_all(self, items: Iterable[PinInput]) -> AsyncIterator[Report]:
        """One report per pin, in input order; probes of a window of pins run concurrently.

        A ``SourceError`` (a file that stops being readable halfway) is raised only after the
        pins read before it are reported: nothing that was readable is lost.
        """
        limit = 0 if self.engine.settings.deep else _INLINE_ON_LOOP
        slow = functools.partial(_slow_to_check, limit=limit)
        stream = _offline_stage_marking_duplicates(self.engine, items, slow=slow)
        return self._windowed(stream)

    def check_media(
        self, urls: Iterable[str | os.PathLike[str]], kind: MediaKind
    ) -> AsyncIterator[Report]:
        """One report per media URL, checked as the file for a slot of ``kind``.

        For files on their way to Pinterest by another road than a pin payload: a video before
        ``POST /v5/media``, a calendar's media column.
        """
        stage = self.engine.media_stage
        return self._windowed(stage(url, i, kind, for_session=True) for i, url in enumerate(urls))

    async def _windowed(self, stream: Iterator[_Checked | _Slow]) -> AsyncIterator[Report]:
        """Reports in input order, with the probes of up to ``_WINDOW`` pins in flight.

        A pin the stream says is slow to check (``_SLOW``: megabytes of inline image) is checked
        in a worker thread, so that the probes in flight, and an async caller's other tasks, go
        on meanwhile.

        The window slides: when three quarters of it are reported it is filled again, so the
        connections never idle while the last probes of a batch finish. It is filled in runs
        rather than pin by pin, which kept offline runs as fast as before (pin by pin looked
        slower, within this machine's noise).
        """
        prober = self._prober
        if prober is None:
            raise RuntimeError("use the session inside 'async with engine.session()'")
        account = self._account
        ahead: deque[_InFlight] = deque()
        asking: asyncio.Future[list[Finding]] | None = None  # the pin being reported's question
        at_once = 0
        more = True
        broken: SourceError | None = None
        try:
            while True:
                refill = more and len(ahead) <= _WINDOW // 4
                while refill and len(ahead) < _WINDOW:
                    try:
                        checked = next(stream)
                        if checked is _SLOW:  # the stream's next step checks that pin
                            checked = await _checked_off_loop(stream)
                    except StopIteration:
                        more = False
                        break
                    except SourceError as exc:  # reported once the pins read before it are
                        more, broken = False, exc
                        break
                    slots = prober.reachable(checked.slots) if checked.slots else checked.slots
                    ask = None
                    if account is not None and checked.account is not None:
                        ask = asyncio.ensure_future(account.findings(checked.account))
                    if not slots and ask is None and not ahead:
                        # Nothing before it in flight, nothing to wait for (offline, every pin):
                        # reported at once, while its objects are still in the CPU's caches.
                        # Queued 512 at a time, 100,000 offline pins took about 10 % longer.
                        yield self._report(checked, slots, [], [])
                        at_once += 1
                        if at_once % _YIELD_EVERY == 0:  # let a timeout or a cancel in
                            await asyncio.sleep(0)
                        continue
                    tasks = [prober.probe(slot) for slot in slots] if slots else []
                    ahead.append((checked, slots, tasks, ask))
                    if len(ahead) % _START_EVERY == 0:  # the first requests go out meanwhile
                        await asyncio.sleep(0)
                if not ahead:
                    break
                checked, slots, tasks, asking = ahead.popleft()
                # Shielded: a probe is shared by every pin of the session with its URL, so this
                # caller's cancel (a timeout) leaves it running for the session's next source.
                probes: list[Probe] = (
                    list(await asyncio.gather(*map(asyncio.shield, tasks))) if tasks else []
                )
                found = await asking if asking is not None else []
                yield self._report(checked, slots, probes, found)
        finally:  # the caller stopped early: no account task is left behind, nor the one out
            for question in (asking, *(in_flight[3] for in_flight in ahead)):
                if question is not None and not question.done():
                    question.cancel()
        if broken is not None:
            raise broken

    def _report(
        self, checked: _Checked, slots: list[Slot], probes: list[Probe], account: list[Finding]
    ) -> Report:
        findings = checked.findings
        if probes:
            settings = self.engine.settings
            for slot, probe in zip(slots, probes, strict=True):
                overruled = overruled_by_bytes(slot, probe)
                if overruled is not None and overruled in findings:
                    findings.remove(overruled)
                findings.extend(probe_findings(slot, probe, settings))
            if len(slots) > 1:
                findings.extend(carousel_findings(slots, probes))
        if account:
            findings.extend(account)
        policy = self.engine.apply_policy(findings, checked.item.columns)
        return Report(checked.item.location, policy, checked.title)


_COVER_MISSING = VIDEO_COVER_IMAGE_URL_MISSING.id
_COVER_DATA = "media_source.cover_image_data"
_COVER_URL = "media_source.cover_image_url"
_COVER_TYPE_MISSING = VIDEO_COVER_IMAGE_CONTENT_TYPE_MISSING.id
_KEY_FRAME = "media_source.cover_image_key_frame_time"


@overload
def _offline_stage_marking_duplicates(
    engine: Engine, items: Iterable[PinInput], *, for_session: bool = ..., slow: None = ...
) -> Iterator[_Checked]: ...


@overload
def _offline_stage_marking_duplicates(
    engine: Engine,
    items: Iterable[PinInput],
    *,
    for_session: bool = ...,
    slow: Callable[[PinInput], bool],
) -> Iterator[_Checked | _Slow]: ...


def _offline_stage_marking_duplicates(
    engine: Engine,
    items: Iterable[PinInput],
    *,
    for_session: bool = True,
    slow: Callable[[PinInput], bool] | None = None,
) -> Iterator[_Checked | _Slow]:
    """The offline stage of each pin, and ``calendar.duplicate_pin`` on repeated pins.

    A repeat has the board, media and link of an earlier pin. Only the keys are kept (three
    short strings per pin), so a long calendar stays cheap. ``slow``: see
    ``_offline_stage_of_each``.
    """
    stage = engine.offline_stage
    first: dict[tuple[str, str, str | None], Location] = {}
    for checked in _offline_stage_of_each(stage, items, for_session, slow):
        if checked is _SLOW:
            yield checked
            continue
        key = checked.same_pin
        if key is not None:
            here = checked.item.location
            earlier = first.setdefault(key, here)  # one lookup: hashing the key hashes its URLs
            if earlier is not here:
                checked.findings.append(duplicate_pin(earlier))
        yield checked


def _offline_stage_of_each(
    stage: Callable[..., _Checked],
    items: Iterable[PinInput],
    for_session: bool,
    slow: Callable[[PinInput], bool] | None = None,
) -> Iterator[_Checked | _Slow]:
    """The offline stage of each pin; a row of JSON objects run together is a pin each.

    Told on the error path only (its text did not parse), so the rows that parse pay nothing.
    Before a pin ``slow`` says is slow to check, ``_SLOW`` is yielded: the step after it checks
    that pin (and only that), and so may be taken in a worker thread.
    """
    for item in items:
        if slow is not None and slow(item):
            yield _SLOW
        checked = stage(item, for_session=for_session)
        findings = checked.findings
        if findings and findings[0].code == _ROW_MALFORMED and (pins := run_together(item)):
            for pin in pins:
                if slow is not None and slow(pin):
                    yield _SLOW
                yield stage(pin, for_session=for_session)
            continue
        yield checked


async def _checked_off_loop(stream: Iterator[_Checked | _Slow]) -> _Checked:
    """The pin ``stream`` checks next, checked in a worker thread, one such pin at a time.

    One at a time on each event loop: the work holds the GIL (pydantic's parse, base64
    decoding), so more threads would only take turns, and each more took the loop's turns too
    (six calls at once held the loop 228 ms, against 29 ms one at a time, with 6.3 MB JPEGs).
    One default-executor thread at most, so host name lookups, which wait for one of those
    threads, never queue behind images. Threads that come and go with the loop's executor, not
    one of our own kept for the process: that one outlived every run (the command line waited
    for it), and a forked child inherited it without its thread, and waited for ever. Once the
    interpreter is shutting down, no thread can be started: the pin is checked here.
    """
    loop = asyncio.get_running_loop()
    turn = _TURNS.get(loop)
    if turn is None:
        turn = _TURNS[loop] = asyncio.Lock()
    async with turn:
        try:
            future = loop.run_in_executor(None, _next_checked, stream)
        except RuntimeError:  # "cannot schedule new futures after interpreter shutdown"
            return _next_checked(stream)
        return await future


# Each event loop's turn at checking a pin slow to check (``_checked_off_loop``).
_TURNS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]
_TURNS = weakref.WeakKeyDictionary()


def _next_checked(stream: Iterator[_Checked | _Slow]) -> _Checked:
    """The pin ``stream`` checks next, once it said ``_SLOW`` (in a worker thread).

    A row of slow pins run together says it again before its first pin: already in the thread.
    """
    checked = next(stream)
    while checked is _SLOW:
        checked = next(stream)
    return checked


def _slow_to_check(item: PinInput, limit: int = 0) -> bool:
    """Whether checking ``item`` would hold an event loop: a pin with inline images.

    More than ``limit`` characters of their base64 (``limit`` 0: any, for ``--deep``). Their
    base64 is decoded and read whole: 34 KiB of text took 0.4 ms here, 14 MB about 100 ms; with
    ``--deep`` an inline PNG of 112 KB held the loop 319 ms (25 million pixels). Told by length
    alone: a JSON text's (or, for ``--deep``, whether it names a data field), or that of a
    payload's base64 fields. A pin with a URL costs 0.1 to 0.5 µs here (every pin of a session
    is asked). A calendar entry's payload is its ``"pin"``: the sources unwrap it.
    """
    payload = item.payload
    if type(payload) is str:  # a row of JSON Lines: the usual pin of a calendar
        return len(payload) > limit if limit else ('data"' in payload)
    if type(payload) is dict:  # the usual pin of a JSON document or an API call: with a URL
        source = payload.get("media_source")
        if type(source) is dict and not _INLINE_KEYS.intersection(source):
            return False
    elif isinstance(payload, bytes | bytearray | memoryview):
        text = bytes(payload)
        return len(text) > limit if limit else (b'data"' in text)
    else:
        source = _member(payload, "media_source")
    held = _text_length(_member(source, "data"))
    held += _text_length(_member(source, "cover_image_data"))
    items = _member(source, "items")
    if isinstance(items, list | tuple):
        held += sum(_text_length(_member(entry, "data")) for entry in items)
    return held > limit


# Characters of inline base64 a pin may hold and still be checked on the event loop: about
# 0.2 ms of work here, three times what handing it to the thread costs (0.07 ms). 256 such pins
# pass between the loop's turns (_YIELD_EVERY): 50 ms at most.
_INLINE_ON_LOOP = 16 * 1024

# The keys of a media_source that may hold inline base64 (its own, or its carousel items').
_INLINE_KEYS = frozenset({"data", "cover_image_data", "items"})


def _member(holder: object, name: str) -> object:
    """``holder[name]`` of a mapping, ``holder.name`` of a model, or ``None``."""
    if isinstance(holder, Mapping):
        return holder.get(name)
    if isinstance(holder, BaseModel):
        return getattr(holder, name, None)
    return None


def _text_length(value: object) -> int:
    return len(value) if isinstance(value, str | bytes) else 0


_ROW_MALFORMED = CALENDAR_ROW_MALFORMED.id
# The fields ``_same_pin_key`` reads.
_PIN_KEY_FIELDS = frozenset({"board_id", "media_source.url", "media_source.media_id", "link"})
_ERROR_CELL = CALENDAR_ERROR_CELL.id


def _as_path_call(url: str) -> str | None:
    """How to pass the file a string given to ``validate_media`` names, if it names one here.

    Told by the string's form alone, never by looking on disk: a service checking its users'
    URLs must not tell them which of its own files exist. A ``file:`` URL is given as the path
    ``Path`` reads (``local_path``: ``%20`` decoded); one of another machine, or relative, is
    no file here. ``~`` is the user's folder to a shell only: ``Path`` is told to expand it.
    """
    if url[:5].lower() == "file:":
        named = local_path(url, "")  # a file: URL is judged by its form alone: no disk read
        return f"Path({quote(str(named))})" if named is not None and named.is_absolute() else None
    if url.startswith("~/"):
        return f"Path({quote(url)}).expanduser()"
    if url.startswith(("./", "../")) or (url.startswith("/") and not url.startswith("//")):
        return f"Path({quote(url)})"
    if url[1:3] in (":\\", ":/") and url[:1].isalpha():  # C:\clips\a.mp4
        return f"Path({quote(url)})"
    return None


def _same_pin_key(pin: PinCreate) -> tuple[str, str, str | None] | None:
    """Board, media and link of a pin, for ``calendar.duplicate_pin``; ``None`` if incomplete.

    The media is what the pin shows: its image URL(s), or its uploaded video's id (two videos
    may share a cover). Inline base64 images are not compared.
    """
    source = pin.media_source
    if isinstance(source, ImageURLSource):
        media = source.url
    elif isinstance(source, ImagesURLSource) and source.items:
        media = " ".join(item.url or "" for item in source.items)
    elif isinstance(source, VideoSource):
        media = source.media_id
    else:
        media = None
    if pin.board_id is None or not media:
        return None
    return pin.board_id, media, pin.link


def _account_target(pin: PinCreate, findings: list[Finding]) -> AccountTarget:
    """The ids of ``pin`` to look up with Pinterest: those the offline stage found well-formed.

    Only digits go into a URL path; an id already reported (``board.invalid_id``...) is not asked.
    """

    def usable(value: str | None, field: str) -> str | None:
        if value is None or not _DIGITS.fullmatch(value) or _reported(findings, field):
            return None
        return value

    source = pin.media_source
    media_id = source.media_id if isinstance(source, VideoSource) else None
    return AccountTarget(
        board_id=usable(pin.board_id, "board_id"),
        board_section_id=usable(pin.board_section_id, "board_section_id"),
        media_id=usable(media_id, MEDIA_ID_FIELD),
    )


def _reported(findings: list[Finding], field: str) -> bool:
    return any(finding.field == field for finding in findings)


def _unreported_slots(pin: PinCreate, findings: list[Finding]) -> list[Slot]:
    """The pin's media URLs, except those the offline stage already found wrong."""
    slots = media_slots(pin)
    if not findings or not slots:
        return slots
    reported = {finding.field for finding in findings}
    return [slot for slot in slots if slot.field not in reported]
