"""The API's pagination (settings.REST_FRAMEWORK DEFAULT_PAGINATION_CLASS): its own module,
as DRF imports it while the viewsets' modules load."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """`?limit=&offset=` with a ceiling: a larger limit is read as `max_limit` (a 22-digit
    limit overflowed the database's integers, a server error: issue 10). An offset past the
    end gives an empty page (DRF's own check, before any query slices)."""

    max_limit = 1000
