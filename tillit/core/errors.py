"""The root of the errors a person may read (STYLE.md, "One way for each thing").

Every service error class derives from DomainError (directly, or through its
app's root such as RegistrationError). A service raises a subclass that names
the case; a case that is not a plain refusal also derives from one of the kinds
below. The HTTP status is chosen at the edge, by http_status(), in the views and
the API alike, never on the domain class.
"""


class DomainError(Exception):
    """A refusal in the person's language, with a stable code for programs."""

    code = "domain_error"

    def __init__(self, message="", code=None):
        super().__init__(message)
        if code:
            self.code = code

    @property
    def message(self):
        """The words for the person, in the language active when read."""
        return str(self.args[0]) if self.args else ""

    def __str__(self):
        return self.message


class Conflict(DomainError):
    """The request is fine but the state does not allow it now (closed, full,
    already done)."""


class Forbidden(DomainError):
    """This person may not do this (not allowed, outside the target group)."""


class Unavailable(DomainError):
    """Busy for a moment (a lock not granted in time): try again."""


# The one mapping from the kinds of domain error to HTTP statuses, the first
# kind that matches wins; any other DomainError is the person's input (400).
HTTP_STATUSES = (
    (Unavailable, 503),
    (Forbidden, 403),
    (Conflict, 409),
)


def http_status(error: DomainError) -> int:
    """The HTTP status that answers this domain error."""
    for kind, status in HTTP_STATUSES:
        if isinstance(error, kind):
            return status
    return 400
