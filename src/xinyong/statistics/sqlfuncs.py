"""Three SQL functions the figures need, compiled for each database.

Timestamps are stored in UTC (SQLite keeps the text of the UTC instant); deadlines are counted in
China's calendar, so an instant is compared by its Beijing date.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Date, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class beijing_date(FunctionElement[Any]):
    """The Beijing (UTC+8) date of a stored UTC instant."""

    type = Date()
    inherit_cache = True
    name = "beijing_date"


@compiles(beijing_date, "postgresql")
def _bd_pg(element: beijing_date, compiler: Any, **kw: Any) -> str:
    # a fixed +08:00 (China keeps no daylight saving time): no time-zone rule looked up per row
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE INTERVAL '+08:00') AS DATE)"


@compiles(beijing_date, "sqlite")
def _bd_sqlite(element: beijing_date, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


class days_between(FunctionElement[Any]):
    """Calendar days from the first date to the second (``later - earlier``)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


@compiles(days_between, "postgresql")
def _db_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"(CAST({compiler.process(b, **kw)} AS DATE) - CAST({compiler.process(a, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _db_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    a, b = list(element.clauses)
    return f"CAST(julianday({compiler.process(b, **kw)}) - julianday({compiler.process(a, **kw)}) AS INTEGER)"


class month_of(FunctionElement[Any]):
    """``YYYY-MM`` of a date."""

    type = String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "postgresql")
def _m_pg(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"CAST(date_trunc('month', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(month_of, "sqlite")
def _m_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-01', {compiler.process(element.clauses, **kw)})"


