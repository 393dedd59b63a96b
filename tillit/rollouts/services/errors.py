class RolloutError(Exception):
    """A refused rollout action, in words for the person who tried it."""
