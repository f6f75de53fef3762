"""The request every handler gets: Litestar's htmx request, typed with who is asking."""

from __future__ import annotations

from litestar.exceptions import NotAuthorizedException
from litestar.plugins.htmx import HTMXRequest

from marketplace.i18n import _
from marketplace.principal import Principal


class AppRequest(HTMXRequest):
    """``request.htmx`` (truthy for an htmx request) and the Principal of the session.

    The auth middleware puts the Principal (or None) in the scope before any handler runs.
    """

    @property
    def user(self) -> Principal | None:  # type: ignore[override]
        # Unknown URLs are answered before the middleware runs: nobody is signed in there.
        return self.scope.get("user")  # type: ignore[return-value]

    @property
    def principal(self) -> Principal:
        """The signed-in person, in a handler whose guard already required one."""
        user = self.user
        if user is None:
            raise NotAuthorizedException(_("Please sign in to continue."))
        return user

    @property
    def wants_partial(self) -> bool:
        """An htmx swap asks for the partial; history restoration asks for the full page."""
        return bool(self.htmx) and not self.htmx.history_restore_request
