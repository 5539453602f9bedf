"""The hand-written SQL of ``osms.exports`` (each statement named, with what it does and why).

An export's rows are a queryset's; only the csv path wraps it in a statement of its own.
"""


def copy_csv_sql(query: str, delimiter: str) -> str:
    """``query`` (a queryset's SQL, its parameters unchanged) as csv on the connection.

    SQL because COPY streams the rows as csv straight from the server, with no Python
    object per row or cell (over 200 000 rows a second in ``docs/exports.md``);
    ``csv_copy`` checks the delimiter before it is put in here.
    """
    return f"COPY ({query}) TO STDOUT WITH (FORMAT csv, DELIMITER '{delimiter}')"
