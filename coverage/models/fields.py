"""Column types of the job's own tables that Django has no field for (PostgreSQL first)."""

from django.db import models


class BitStringField(models.Field):
    """A PostgreSQL ``varbit`` (a string of 0 and 1 in Python); text elsewhere."""

    description = "bit string"

    def db_type(self, connection):
        return "varbit" if connection.vendor == "postgresql" else "text"


class IdArrayField(models.Field):
    """A PostgreSQL ``bigint[]`` (a list of ints in Python); unused text elsewhere.

    Only the PostgreSQL job reads and writes it (``coverage.recompute``).
    """

    description = "array of ids"

    def db_type(self, connection):
        return "bigint[]" if connection.vendor == "postgresql" else "text"
