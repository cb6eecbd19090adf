"""Querysets compiled to SQL once per process, then run with each call's values.

On the hot reads the ORM spends longer turning a queryset into SQL than
PostgreSQL spends answering it (the token with its user and participant: about
1 ms of SQL, 3-5 ms of compiling on the 2-core machine). A `CompiledQuery`
compiles its queryset once, with placeholder values, and runs the same SQL with
the real values; the rows come back as the ORM would give them (its converters
applied), as lists of column values in the queryset's select order. The query
goes through Django's cursor, so it is counted and logged like any other.
"""

import threading
from collections.abc import Callable

from django.db import connections
from django.db.models import QuerySet


class CompiledQuery:
    """`build(**placeholders)` is a queryset; each placeholder value must be unique
    among the query's parameters (an unlikely value of the right type)."""

    def __init__(self, build: Callable[..., QuerySet], **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def _compile(self, alias: str) -> tuple:
        queryset = self.build(**self.placeholders)
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        slots = []
        for name, value in self.placeholders.items():
            found = [i for i, p in enumerate(params) if p == value]
            if not found:
                raise ValueError(f"placeholder {name} is not a query parameter")
            slots += [(i, name) for i in found]
        columns = [s[0] for s in compiler.select[: compiler.col_count]]
        converters = list(compiler.get_converters(columns).items())
        return sql, tuple(params), slots, columns, converters

    def compiled(self, alias: str = "default") -> tuple:
        if alias not in self._compiled:
            with self._lock:
                if alias not in self._compiled:
                    self._compiled[alias] = self._compile(alias)
        return self._compiled[alias]

    def columns(self, alias: str = "default") -> list:
        """The selected expressions, in row order (`.target` is the model field)."""
        return self.compiled(alias)[3]

    def rows(self, alias: str = "default", **values) -> list[list]:
        sql, constants, slots, _columns, converters = self.compiled(alias)
        params = list(constants)
        for i, name in slots:
            params[i] = values[name]
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for pos, (convs, expression) in converters:
                for converter in convs:
                    row[pos] = converter(row[pos], expression, connection)
        return rows
