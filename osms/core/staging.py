"""A temporary staging table for an import: rows go in by COPY, leave by one set-based merge.

``Staging(name, columns)`` creates a ``TEMP`` table of the connection (it lives as long as
the session: a killed worker leaves nothing behind), ``write(rows)`` appends a batch
(``COPY … FROM STDIN`` on PostgreSQL, ``executemany`` on SQLite), ``drop()`` removes it.
The importer then runs its own named SQL over the table inside one transaction.
"""

from django.db import connection, transaction


class Staging:
    def __init__(self, name, columns, *, indexes=()):
        """``columns``: [(name, SQL type)]; ``indexes``: column names to index after loading."""
        self.name = name
        self.columns = [c for c, _type in columns]
        self.indexes = indexes
        self.postgres = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {name}")
            spec = ", ".join(f"{c} {t}" for c, t in columns)
            cursor.execute(f"CREATE TEMP TABLE {name} ({spec})")
        self.rows = 0

    def write(self, rows):
        """Append ``rows`` (tuples in column order)."""
        if not rows:
            return
        names = ", ".join(self.columns)
        with transaction.atomic(), connection.cursor() as cursor:
            if self.postgres:
                with cursor.cursor.copy(f"COPY {self.name} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.name} ({names}) VALUES ({marks})", rows)
        self.rows += len(rows)

    def loaded(self):
        """Index the table and give the planner statistics, once every row is in."""
        with connection.cursor() as cursor:
            for column in self.indexes:
                cursor.execute(f"CREATE INDEX {self.name}_{column} ON {self.name} ({column})")
            if self.postgres:
                cursor.execute(f"ANALYZE {self.name}")

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.name}")
