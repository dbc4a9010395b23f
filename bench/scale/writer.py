"""Bulk inserts: explicit ids counted on from ``max(id)``, rows buffered per table and
flushed in foreign-key order (parents first), with the driver's ``executemany`` on SQLite
and ``COPY`` on PostgreSQL. Afterwards PostgreSQL's id sequences are moved past the new
rows, so the app keeps inserting as usual.

Nothing is written until ``checkpoint`` (or ``flush``) is called between whole units of
work. Rows are tuples in the order of the columns a sink was opened with, holding Python values
(dates, datetimes, Decimals, dicts for JSON); they are converted the way SQLAlchemy would
store them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Connection, Date, DateTime, Numeric, Table, func, select

from app.extensions import db

DEFAULT_CHUNK_ROWS = 50_000


def _sqlite_datetime(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")  # as SQLAlchemy stores it, only faster


def _sqlite_date(value: date) -> str:
    return value.isoformat()


def _json(value: Any) -> str:
    return json.dumps(value)


def _converter(column_type: Any, dialect: str) -> Callable[[Any], Any] | None:
    if isinstance(column_type, JSON):
        return _json
    if dialect != "sqlite":
        return None  # psycopg adapts dates, datetimes, Decimals and booleans itself
    if isinstance(column_type, DateTime):
        return _sqlite_datetime
    if isinstance(column_type, Date):
        return _sqlite_date
    if isinstance(column_type, Numeric):
        return float
    if isinstance(column_type, Boolean):
        return int
    return None


class Sink:
    """The buffered rows of one table, all with the same columns."""

    def __init__(self, writer: BulkWriter, table: Table, columns: Sequence[str]) -> None:
        missing = [
            column.name
            for column in table.columns
            if not column.nullable and column.name not in columns and column.server_default is None
        ]
        if missing:
            raise ValueError(f"{table.name}: NOT NULL columns without a value: {missing}")
        self.writer = writer
        self.table = table
        self.columns = tuple(columns)
        self.rows: list[Sequence[Any]] = []
        self._conversions = [
            (index, convert)
            for index, name in enumerate(self.columns)
            if (convert := _converter(table.columns[name].type, writer.dialect)) is not None
        ]

    def add(self, *values: Any) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.table.name}: {len(values)} values for {len(self.columns)}")
        self.rows.append(values)
        self.writer.pending += 1

    def converted(self) -> list[Sequence[Any]]:
        if not self._conversions:
            return self.rows
        out = []
        for row in self.rows:
            values = list(row)
            for index, convert in self._conversions:
                if values[index] is not None:
                    values[index] = convert(values[index])
            out.append(values)
        return out


class BulkWriter:
    def __init__(self, connection: Connection, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> None:
        self.connection = connection
        self.dialect = connection.dialect.name
        self.chunk_rows = chunk_rows
        self.pending = 0
        self.inserted: Counter[str] = Counter()
        self._sinks: dict[str, Sink] = {}
        self._next_ids: dict[str, int] = {}
        self._order = {table.name: i for i, table in enumerate(db.metadata.sorted_tables)}

    def sink(self, table_name: str, columns: Sequence[str]) -> Sink:
        """The sink for ``table_name``; every caller must use the same columns."""
        found = self._sinks.get(table_name)
        if found is None:
            found = Sink(self, db.metadata.tables[table_name], columns)
            self._sinks[table_name] = found
        elif found.columns != tuple(columns):
            raise ValueError(f"{table_name} already opened with other columns")
        return found

    def next_id(self, table_name: str) -> int:
        """A fresh primary key: one past the table's largest id, then counting on."""
        if table_name not in self._next_ids:
            table = db.metadata.tables[table_name]
            largest = self.connection.scalar(select(func.max(table.c.id)))
            self._next_ids[table_name] = (largest or 0) + 1
        value = self._next_ids[table_name]
        self._next_ids[table_name] = value + 1
        return value

    def checkpoint(self) -> None:
        """Flush once enough rows are buffered. Called between whole units of work (a
        lease with its bills, an application with its history), so a child row never
        reaches the database before the parent row it refers to was buffered."""
        if self.pending >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        """Insert every buffered row, parent tables before the tables that refer to them."""
        for sink in sorted(self._sinks.values(), key=lambda s: self._order[s.table.name]):
            if sink.rows:
                self._insert(sink)
                self.inserted[sink.table.name] += len(sink.rows)
                sink.rows = []
        self.pending = 0

    def _insert(self, sink: Sink) -> None:
        raw = self.connection.connection.driver_connection
        names = ", ".join(f'"{name}"' for name in sink.columns)
        if self.dialect == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{sink.table.name}" ({names}) FROM STDIN') as copy,
            ):
                for row in sink.converted():
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in sink.columns)
        cursor = raw.cursor()
        try:
            cursor.executemany(
                # Table and column names come from our own metadata, never from input.
                f'INSERT INTO "{sink.table.name}" ({names}) VALUES ({marks})',  # noqa: S608
                sink.converted(),
            )
        finally:
            cursor.close()

    def tables_written(self) -> list[str]:
        return sorted(name for name, count in self.inserted.items() if count)


def reset_sequences(connection: Connection, table_names: Sequence[str]) -> None:
    """PostgreSQL: let each table's id sequence continue after the largest id."""
    if connection.dialect.name != "postgresql":
        return
    for name in table_names:
        # Table names come from our own metadata, never from input.
        sequence = f"pg_get_serial_sequence('\"{name}\"', 'id')"
        largest = f'(SELECT MAX(id) FROM "{name}")'  # noqa: S608
        connection.exec_driver_sql(f"SELECT setval({sequence}, COALESCE({largest}, 0) + 1, false)")


def analyze(table_names: Sequence[str]) -> None:
    """Fresh planner statistics: ANALYZE on SQLite, VACUUM ANALYZE on PostgreSQL."""
    engine = db.engine
    if engine.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in table_names)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql(f"VACUUM ANALYZE {names}")
        return
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
