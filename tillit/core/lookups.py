"""Lookups Django does not have on every database the project runs on."""

from django.db.models import JSONField, Lookup


@JSONField.register_lookup
class ListHas(Lookup):
    """`field__list_has="municipal"`: the JSON list holds that string.

    In SQL on both databases, so that a filter on lists (a target group's
    sectors) stays one query of a fixed size whatever the number of rows:
    PostgreSQL's `?` on jsonb (a top-level array element) and SQLite's
    `json_each`. Django's own `contains` does not run on SQLite."""

    lookup_name = "list_has"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return (
            f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = {rhs})",
            [*lhs_params, *rhs_params],
        )

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"({lhs} ? {rhs})", [*lhs_params, *rhs_params]
