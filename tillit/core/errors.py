"""The root of the errors a person may read (STYLE.md, "One way for each thing").

Services raise a subclass that names the case; the HTTP status is chosen at the
edge (views and the API), never on the domain class.
"""


class DomainError(Exception):
    """A refusal in the person's language, with a stable code for programs."""

    code = "domain_error"

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code

    def __str__(self):
        return self.message
