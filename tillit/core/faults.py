"""Database faults a person should meet as "try again", not as an error page.

A write that waits too long for a lock (PostgreSQL's lock_timeout, set on every
connection from DB_LOCK_TIMEOUT_MS; SQLite's "database is locked"), a deadlock,
or a database that restarts under a request all raise OperationalError (or
InterfaceError for a connection already closed). Every service runs in one
transaction, so the write in hand rolled back when the error left it: nothing
was written half, and the same request may simply be sent again.
"""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError

logger = logging.getLogger(__name__)

#: PostgreSQL SQLSTATEs that mean "not now": lock_not_available,
#: query_canceled (statement_timeout), serialization_failure, deadlock_detected,
#: admin_shutdown, crash_shutdown, cannot_connect_now.
RETRYABLE_SQLSTATES = {"55P03", "57014", "40001", "40P01", "57P01", "57P02", "57P03"}
SQLITE_BUSY = ("database is locked", "database table is locked")
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 5


def is_retryable(error):
    """Whether a database error means "busy or restarting, try again"."""
    if isinstance(error, InterfaceError):
        return True  # the connection was already closed: the server went away
    if not isinstance(error, OperationalError):
        return False
    text = str(error)
    if any(busy in text for busy in SQLITE_BUSY):
        return True
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if sqlstate in RETRYABLE_SQLSTATES or (sqlstate or "").startswith("08"):
        return True
    # psycopg raises OperationalError without a SQLSTATE when the connection
    # breaks or cannot be made (a restarting server).
    return sqlstate is None and _is_postgresql(error)


def _is_postgresql(error):
    module = type(error.__cause__).__module__ if error.__cause__ else ""
    return module.startswith("psycopg")


def set_lock_timeout(sender, connection, **kwargs):
    """connection_created receiver: on PostgreSQL, wait at most
    DB_LOCK_TIMEOUT_MS for any lock (a service may lower it with SET LOCAL)."""
    timeout = int(getattr(settings, "DB_LOCK_TIMEOUT_MS", 0) or 0)
    if connection.vendor != "postgresql" or timeout <= 0:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = {timeout}")
