"""The machinery of the access matrix: walking the URL conf, filling a URL's
kwargs from the world, asking as a role and reading the answer as R, W or -.
The table itself and its tests are in tests/test_access_matrix.py."""

import dataclasses
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from tests.access_world import ROLES

# An answer that refuses: not signed in (401), forbidden (403), not found (404),
# not this method (405), or a redirect to a login page.
REFUSED = {401, 403, 404, 405}
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
# What a refused request may still write: the signed-in session itself, when
# an API key was last used, the shared cache's counters (the throttle), and the
# security log's record of the refusal.
MAY_WRITE = (
    "django_session",
    "core_securityevent",
    'UPDATE "accounts_apitoken" SET "last_used_at"',
    "tillit_cache",
)


@dataclasses.dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # the pattern as written, for messages
    params: tuple  # kwarg names


def _params(pattern):
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters)
    return tuple(pattern.regex.groupindex)


def walk(patterns=None, prefix="", namespace="", params=()):
    """Every URL pattern of the URL conf, through includes and namespaces."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                inner,
                params + _params(pattern.pattern),
            )
        elif isinstance(pattern, URLPattern):
            route = prefix + str(pattern.pattern)
            # An unnamed pattern is named by its route, "~" first.
            name = pattern.name or f"~{route}"
            yield Route(f"{namespace}{name}", route, params + _params(pattern.pattern))


def routes():
    return {route.name: route for route in walk()}


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a table: the URL name, the object that fills its kwargs
    and, per role, "R" (may read: GET answers), "W" (may write: POST is not
    refused), "RW" both, "-" neither."""

    name: str
    objects: str
    cells: dict

    def may(self, role):
        return self.cells[role]


def parse(table):
    """Rows from a text table: "[namespace]" lines start a section ("[-]" for
    URLs without one, "[~accounts/]" for unnamed patterns under accounts/, named
    by the rest of their route), `#` starts a comment, blank lines are ignored."""
    rows, namespace = {}, ""
    for number, line in enumerate(table.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            section = line.strip("[]")
            # "[-]": no namespace; "[~prefix/]": unnamed patterns by route.
            namespace = {"-": ""}.get(section, section + ":")
            if section.endswith("/"):
                namespace = section
            continue
        short, objects, *cells = line.split()
        name = namespace + short
        if len(cells) != len(ROLES):
            raise ValueError(
                f"table line {number}: {len(cells)} cells for {len(ROLES)} roles"
            )
        if any(cell not in {"R", "W", "RW", "-"} for cell in cells):
            raise ValueError(f"table line {number}: cells are R, W, RW or -")
        if name in rows:
            raise ValueError(f"table line {number}: {name} twice")
        rows[name] = Row(name, objects, dict(zip(ROLES, cells, strict=True)))
    return rows


def _value(param, obj):
    if param == "fmt":
        return "csv"
    if isinstance(obj, str):  # a signed link's token, a feed's secret
        return obj
    if param == "slug":
        return obj.slug if hasattr(obj, "slug") else obj.network.slug
    if param == "code":
        return obj.code
    return obj.pk


def kwargs_for(route, objects, world):
    """The URL's kwargs. `objects` is "-" (none), a world key that fills every
    kwarg (pk; slug: the object's or its network's; code; token), or "a/b":
    the first kwarg from a, the second from b."""
    if objects == "-":
        return {}
    keys = objects.split("/")
    if len(keys) == 1:
        return {param: _value(param, world[keys[0]]) for param in route.params}
    return {
        param: _value(param, world[key])
        for param, key in zip(route.params, keys, strict=True)
    }


def url_for(route, objects, world):
    kwargs = kwargs_for(route, objects, world)
    if "~" not in route.name:
        return reverse(route.name, kwargs=kwargs)
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)
    return "/" + path


def client_for(role, world, *, api=False):
    if api:
        from rest_framework.test import APIClient

        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        if role != "anon":
            client.credentials(HTTP_AUTHORIZATION=f"Token {world[f'token:{role}']}")
        return client
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world[f"session:{role}"]
    return client


def is_login_redirect(response):
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    path = urlsplit(response["Location"]).path
    return path in (reverse("login"), reverse("admin:login"))


def refused(response):
    return response.status_code in REFUSED or is_login_redirect(response)


@dataclasses.dataclass
class Answer:
    status: int
    refused: bool
    location: str
    body: bytes
    writes: list


def ask(client, method, url, data=None):
    """The answer to GET or POST (an empty form unless `data`), with the SQL
    that wrote."""
    options = (
        {"format": "json"}
        if method == "post" and hasattr(client, "credentials")
        else {}
    )
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {}, **options)
    # The test client closes the response itself; closing it again would send
    # request_finished, whose handler closes a database connection that is
    # inside a transaction (on PostgreSQL, the world's).
    if response.streaming:
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if response.status_code != 200:
        body = b""
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if WRITES.match(q["sql"]) and not any(t in q["sql"] for t in MAY_WRITE)
    ]
    return Answer(
        response.status_code,
        refused(response),
        response.get("Location", ""),
        body,
        writes,
    )
