"""The command line's argument parsing: argparse, with "did you mean" and errors in its words.

``validator.cli`` lays out the commands and their flags on ``Parser``; the value types here
(``file_name``, ``output_path``, ``report_format``) refuse a bad value as argparse refuses one.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from validator.messages import did_you_mean, printable, without_tokens
from validator.report_file import write_stdout
from validator.reporters import ReportFormat

__all__ = ["Parser", "file_name", "output_path", "report_format"]


def output_path(text: str) -> str:
    """``--output``'s FILE, as written: the command line opens it once the run is set up.

    ``Path`` would forget a final "/" (a folder) and the "./" of ``./-`` (a file named "-",
    where ``-`` alone means standard output).
    """
    file_name(text)
    if text.endswith(("/", os.sep)):
        raise argparse.ArgumentTypeError(f"{text!r} ends with '/': name a file, not a folder")
    return text


def file_name(text: str, kind: str = "file") -> str:
    """A file's (or a ``kind``'s) name as given; an empty one is refused.

    ``Path("")`` is the working folder, which the errors then named as ".", or not at all.
    """
    if not text.strip():
        raise argparse.ArgumentTypeError(f"an empty name: name a {kind}")
    return text


def report_format(text: str) -> ReportFormat:
    """``--format``'s value, refused in argparse's words for a choice (not the enum's name)."""
    try:
        return ReportFormat(text)
    except ValueError:
        choices = ", ".join(repr(choice.value) for choice in ReportFormat)
        message = f"invalid choice: {text!r} (choose from {choices})"
        raise argparse.ArgumentTypeError(message) from None


class Parser(argparse.ArgumentParser):
    """argparse, with "did you mean" for a mistyped flag, command or choice (as for codes).

    An unknown flag is blamed on the command it was given to, with that command's usage, not
    on the top-level parser (argparse's own way).
    """

    commands: Mapping[str, argparse.ArgumentParser] | None = None
    _given: Sequence[str] = ()

    def parse_args(  # type: ignore[override]  # argparse's overloads; this one use suffices
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        given = list(sys.argv[1:] if args is None else args)
        self._given = given
        try:
            parsed, extras = self.parse_known_args(given)
        except _MissingArgument as missing:
            # argparse asks for a missing PATH (or command) before it looks at unknown flags:
            # "check --ofline" would hide its typo behind "PATH is required".
            command = _command_in(given, self.commands)
            at = given.index(command) if command is not None else len(given)
            stray = _stray_flags(self, given[:at])  # the top level's, before the command
            if missing.parser is not self:
                stray += _stray_flags(missing.parser, given[at + 1 :])
            if stray:
                self._refuse(given, command, stray)
            argparse.ArgumentParser.error(missing.parser, missing.message)
        if extras:
            self._refuse(given, getattr(parsed, "command", None), extras)
        return parsed

    def _refuse(self, given: list[str], command: str | None, extras: list[str]) -> NoReturn:
        """Unknown arguments, blamed on the parser they were given to, with what was meant."""
        unknown = next((extra for extra in extras if extra.startswith("-")), "")
        name = unknown.partition("=")[0]
        chosen = (self.commands or {}).get(command or "")
        if chosen is not None and unknown in given[: given.index(command or "")]:
            # Before the command: the top level's, unless the command has it ("--quiet check").
            if name in _flags(chosen):
                self.error(f"{unknown} goes after the command: pin-preflight {command} {unknown} …")
            meant = did_you_mean(name, _flags(chosen), cutoff=0.75)
            if meant:  # "--ofline check": a typo of the command's flag, in the wrong place too
                self.error(
                    f"unrecognized arguments: {unknown}{meant} A command's flags go after it: "
                    f"pin-preflight {command} FLAGS …"
                )
            chosen = None
        target = chosen if chosen is not None else self
        meant = did_you_mean(name, _flags(target), cutoff=0.75)
        target.error(f"unrecognized arguments: {' '.join(extras)}{meant}")

    def _print_message(self, message: str, file: Any = None) -> None:
        if file is sys.stdout and message:  # --help, --version: a full disk is an error too
            write_stdout(message)
        else:
            super()._print_message(message, file)

    def error(self, message: str) -> NoReturn:
        if message.startswith(_REQUIRED):
            raise _MissingArgument(self, message)  # parse_args first looks for a mistyped flag
        choice = _INVALID_CHOICE.search(message)
        if choice is not None and self.commands and message.startswith(_COMMAND_CHOICE):
            self._refuse_flag_before_command(choice["value"].strip("'\""))
        if choice is not None:  # the choices quoted ('a', 'b') or not (a, b): Python 3.12.7+
            options = [option.strip("'\"") for option in choice["choices"].split(", ")]
            message += did_you_mean(choice["value"].strip("'\""), options)
        # argparse quotes the arguments it refuses: a token given as a flag's value (a flag
        # mistyped, or put before the command) would land in the CI log, and a file name a glob
        # matched (`--x\n::error::…`) would write lines and colours of its own there.
        super().error(printable(without_tokens(message)))

    def _refuse_flag_before_command(self, value: str) -> None:
        """A command's flag put before the command, whose value argparse took for the command.

        ``--format json check``: argparse said "invalid choice: 'json'", naming no flag.
        """
        given = list(self._given)
        if value not in given:
            return
        at = given.index(value)
        flag = given[at - 1] if at > 0 else ""
        command = _command_in(given[at + 1 :], self.commands)
        chosen = (self.commands or {}).get(command or "")
        if chosen is None or flag not in _flags(chosen) or flag in _flags(self):
            return
        self.error(f"{flag} goes after the command: pin-preflight {command} {flag} {value} …")


class _MissingArgument(Exception):
    """argparse's "the following arguments are required", held until flags are looked at."""

    def __init__(self, parser: argparse.ArgumentParser, message: str) -> None:
        super().__init__(message)
        self.parser, self.message = parser, message


_REQUIRED = "the following arguments are required"
_COMMAND_CHOICE = "argument COMMAND: "


def _flags(parser: argparse.ArgumentParser) -> list[str]:
    return [flag for action in parser._actions for flag in action.option_strings]


def _command_in(given: Sequence[str], commands: Mapping[str, object] | None) -> str | None:
    """The first argument naming a command, as argparse finds it (flags take no values above)."""
    return next((argument for argument in given if argument in (commands or {})), None)


def _stray_flags(parser: argparse.ArgumentParser, arguments: Sequence[str]) -> list[str]:
    """The arguments that look like flags ``parser`` does not have, nor abbreviates, nor bundles.

    Only asked once argparse has refused the arguments anyway, so a value that merely starts
    with a dash ("-" for standard input, a negative number) is not mistaken for a flag.
    """
    flags = _flags(parser)
    stray = []
    for argument in arguments:
        if argument == "--":
            break
        name = argument.partition("=")[0]
        if argument == "-" or not argument.startswith("-") or _NUMBER.fullmatch(argument):
            continue
        if name in flags or (name[:2] in flags and not name.startswith("--")):  # -q, -qv
            continue
        if name.startswith("--") and any(flag.startswith(name) for flag in flags):
            continue  # an abbreviation argparse accepts (or calls ambiguous itself)
        stray.append(argument)
    return stray


_NUMBER = re.compile(r"-\d+(\.\d*)?")


_INVALID_CHOICE = re.compile(r"invalid choice: (?P<value>.*?) \(choose from (?P<choices>.*)\)")
