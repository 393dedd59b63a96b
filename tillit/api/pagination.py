"""How the API's lists page: `?limit=&offset=`, with `count`, `next` and
`previous` in every answer."""

from rest_framework.pagination import LimitOffsetPagination


class ListPagination(LimitOffsetPagination):
    """25 rows a page unless `?limit=` asks for more, and never more than 100:
    an answer costs the same on an installation of 50,000 people as on the
    demo, and no client can ask for a whole table at once."""

    default_limit = 25
    max_limit = 100
