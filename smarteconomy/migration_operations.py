"""Migration operations shared by the apps."""

from django.db.migrations.operations.base import Operation

# Statistics of each indexed expression from a larger sample than the default (100): with the default, whether a
# search like "applicant 4711" (a word in most names, a number in a few) is estimated at 20 rows (the indexes, 2 ms)
# or 1,000 (the whole table in sort order, 85 ms) changed from one ANALYZE to the next.
STATISTICS_TARGET = 1000


class TrigramSearchIndexes(Operation):
    """GIN trigram indexes (pg_trgm) on ``UPPER(column)`` for the free-text search ``q`` of a large list page.

    SearchFilterSet searches with ``icontains``, which PostgreSQL runs as ``UPPER(column) LIKE UPPER('%word%')``:
    without these indexes every search reads the whole table (100,000 permit applications: 80 ms, 100,000 MSMEs:
    120 ms); with them, a bitmap of the matching rows (well under a millisecond). PostgreSQL only (pg_trgm is a
    trusted extension: the database's owner may create it); nothing on SQLite, whose tables stay small.
    The indexes are not part of the models' state: they only serve the search's query, never change results."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name, fields):
        self.model_name = model_name
        self.fields = list(fields)

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        pass

    def _indexes(self, app_label, state):
        model = state.apps.get_model(app_label, self.model_name)
        table = model._meta.db_table
        for name in self.fields:
            column = model._meta.get_field(name).column
            yield table, column, f"{table}_{column}_trgm"[:63]

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        tables = set()
        for table, column, index in self._indexes(app_label, to_state):
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {quote(index)} ON {quote(table)} "
                f"USING gin (UPPER({quote(column)}::text) gin_trgm_ops)"
            )
            schema_editor.execute(f"ALTER INDEX {quote(index)} ALTER COLUMN 1 SET STATISTICS {STATISTICS_TARGET}")
            tables.add(table)
        # The planner knows how selective a search is only from statistics of the indexed expressions, which the
        # next ANALYZE gathers; autovacuum may not analyze a table that does not change for days, and until then
        # a search reads the whole table in the sort order instead of using these indexes.
        for table in sorted(tables):
            schema_editor.execute(f"ANALYZE {quote(table)}")

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        for _table, _column, index in self._indexes(app_label, from_state):
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(index)}")

    def describe(self):
        return f"Trigram search indexes on {self.model_name} ({', '.join(self.fields)})"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name}_search_trgm"
