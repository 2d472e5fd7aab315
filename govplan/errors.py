"""Exceptions that become one-line errors and documented exit codes in the CLI."""

from __future__ import annotations


class GovplanError(Exception):
    """Base class: ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(GovplanError):
    """The input cannot be read: missing, a directory, unreadable, too large, bad encoding name."""

    exit_code = 3


class NotTextError(InputError):
    """The input is binary (PDF, Word, image…), not text."""

    exit_code = 4


class OutputError(GovplanError):
    """The output cannot be written, or would overwrite an input."""

    exit_code = 5


class RulesError(GovplanError):
    """A rule pack given with --rules is invalid."""

    exit_code = 6
