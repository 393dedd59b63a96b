class GroupsError(Exception):
    """A peer-group action that cannot be done; the message is for the user."""
