"""Querysets compiled to SQL once per process, then run with each call's values.

On the hot reads the ORM spends longer turning a queryset into SQL than
PostgreSQL spends answering it (the token with its user and participant: about
1 ms of SQL, 3-5 ms of compiling on the 2-core machine). A `CompiledQuery`
compiles its queryset once, with placeholder values, and runs the same SQL with
the real values; the rows come back as the ORM would give them (its converters
applied), as lists of column values in the queryset's select order. The query
goes through Django's cursor, so it is counted and logged like any other.

On PostgreSQL the statement is also prepared on each connection (PREPARE once,
then EXECUTE): planning the token's three-table join took longer than running it
(0.6 ms against 0.1 ms). Prepared statements live as long as the connection
(CONN_MAX_AGE) and survive a rolled-back transaction; a new connection prepares
again.
"""

import itertools
import re
import threading
from collections.abc import Callable

from django.db import connections
from django.db.backends.signals import connection_created
from django.db.models import QuerySet

_names = itertools.count(1)


def _forget_prepared(sender, connection, **kwargs) -> None:
    connection.compiled_prepared = set()


connection_created.connect(_forget_prepared, dispatch_uid="compiled_query_prepared")


def _numbered(sql: str) -> str:
    """psycopg2's %s placeholders as PostgreSQL's $1, $2, ... (and %% as %)."""
    numbers = itertools.count(1)
    return re.sub(r"%[s%]", lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)


class CompiledQuery:
    """`build(**placeholders)` is a queryset; each placeholder value must be unique
    among the query's parameters (an unlikely value of the right type)."""

    def __init__(self, build: Callable[..., QuerySet], **placeholders):
        self.build = build
        self.placeholders = placeholders
        self._compiled: dict[str, tuple] = {}
        self._lock = threading.Lock()
        self.name = f"jmo_compiled_{next(_names)}"

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
            if connection.vendor == "postgresql":
                prepared = getattr(connection, "compiled_prepared", None)
                if prepared is None:
                    prepared = connection.compiled_prepared = set()
                if self.name not in prepared:
                    cursor.execute(f"PREPARE {self.name} AS {_numbered(sql)}")
                    prepared.add(self.name)
                marks = f"({', '.join(['%s'] * len(params))})" if params else ""
                cursor.execute(f"EXECUTE {self.name}{marks}", params)
            else:
                cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:
            for pos, (convs, expression) in converters:
                for converter in convs:
                    row[pos] = converter(row[pos], expression, connection)
        return rows


def row_instances(query: CompiledQuery, row: list, models: list, alias="default"):
    """The model instances of a select_related row: each model's concrete columns
    in turn (a model whose primary key is NULL, an unmatched LEFT JOIN, is None).

    The first call per query checks the columns are in that order."""
    if not getattr(query, "checked_models", None):
        expected = [f for model in models for f in model._meta.concrete_fields]
        if [c.target for c in query.columns(alias)] != expected:
            raise RuntimeError(f"{query.name}: columns not in the models' order")
        query.checked_models = True
    instances, start = [], 0
    for model in models:
        names = [f.attname for f in model._meta.concrete_fields]
        values = row[start : start + len(names)]
        start += len(names)
        pk_at = names.index(model._meta.pk.attname)
        if values[pk_at] is None:
            instances.append(None)
        else:
            instances.append(model.from_db(alias, names, values))
    return instances


def set_prefetched(instance, name: str, objects: list) -> None:
    """Leave `instance.<name>.all()` answering from `objects`, as
    prefetch_related would: the related manager's queryset with its results."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    cache_name = getattr(manager, "prefetch_cache_name", None)  # many-to-many
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[cache_name or manager.field.remote_field.cache_name] = queryset
