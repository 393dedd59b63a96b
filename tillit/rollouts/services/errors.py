from tillit.core.errors import DomainError


class RolloutError(DomainError):
    """A refused rollout action, in words for the person who tried it."""
