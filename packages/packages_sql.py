"""The hand-written SQL of ``packages`` (each statement named, with what it does and why).

The tariff importer works through ``django-import-export`` and the ORM; only the ICD-10
load needs a statement of its own.
"""

def set_parents_sql(pairs: int, *, table: str) -> str:
    """Point each of ``pairs`` (code, parent code) rows at its parent's id, PostgreSQL or
    SQLite; ``table``: the quoted table name (the data migration passes its historical
    model's); parameters: the pairs flattened.

    SQL because the classification's thousands of codes know their parents only by code:
    one UPDATE per chunk joins a VALUES list to the table, instead of a query and a save
    per code.
    """
    values = ", ".join(["(%s, %s)"] * pairs)
    return (f"WITH v(code, parent_code) AS (VALUES {values}) "
            f"UPDATE {table} SET parent_id = (SELECT p.id FROM {table} AS p JOIN v "
            f"ON p.code = v.parent_code WHERE v.code = {table}.code) "
            f"WHERE code IN (SELECT code FROM v)")
