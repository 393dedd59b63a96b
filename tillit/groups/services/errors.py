from tillit.core.errors import DomainError


class GroupsError(DomainError):
    """A peer-group action that cannot be done; the message is for the user."""
