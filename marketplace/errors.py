"""Errors that services raise and views turn into polite messages.

``DomainError`` is something the user can correct (views re-render the form with it);
``Forbidden`` and ``NotFound`` are not, and reach the 403/404 pages.
"""

from __future__ import annotations


class AppError(Exception):
    """A refusal with a message that is already translated for the reader."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class DomainError(AppError):
    """A rule of the domain refused the input."""


class Conflict(DomainError):
    """The request clashes with the current state (already claimed, already exists)."""


class NotFound(AppError):
    """No such object, or none the asker may see (answered 404)."""


class Forbidden(AppError):
    """The asker may see the object but not do this to it (answered 403)."""
