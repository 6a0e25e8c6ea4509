"""Typed rows of the database tables: one dataclass per table, declared once in schemas/tables.yaml.

The stages hand the load stage these records, never dict literals, so a
misspelt or undeclared column fails where the row is made:

    StandardRow(doc_id="003_…", unit_id="chp_3__art_9", concept="ration.retained", …)

Each class has the table's columns as fields, typed from the declaration
(VARCHAR → str, INTEGER → int, DOUBLE → float, DATE → date, VARCHAR[] →
list[str]), every one optional with a default (None, an empty list, or the
column's `default:`); whether a required column is filled is checked by
validation (pipeline/load), which names the row's file.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime
from functools import cache
from typing import Any, ClassVar

from pipeline import vocab

PY_TYPES: dict[str, Any] = {"VARCHAR": str, "INTEGER": int, "BIGINT": int, "DOUBLE": float, "BOOLEAN": bool,
                            "DATE": date, "TIMESTAMP": datetime, "VARCHAR[]": list[str]}


class Row:
    """Base of the generated row classes."""

    table: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.columns}


@cache
def row_class(table: str) -> type[Row]:
    """The dataclass of `table`'s rows, made from schemas/tables.yaml."""
    spec = vocab.load("tables")[table]
    fields = []
    for name, c in spec["columns"].items():
        py = PY_TYPES[c["type"]]
        if c["type"] == "VARCHAR[]":
            fields.append((name, py, dataclasses.field(default_factory=list)))
        else:
            fields.append((name, py | None, dataclasses.field(default=c.get("default"))))
    cls = dataclasses.make_dataclass(_class_name(table), fields, bases=(Row,), kw_only=True,
                                     namespace={"table": table, "columns": tuple(spec["columns"]),
                                                "__doc__": spec["description"]})
    cls.__module__ = __name__
    return cls


def _class_name(table: str) -> str:
    singular = table[:-1] if table.endswith("s") else table
    return "".join(part.capitalize() for part in singular.split("_")) + "Row"


DocumentRow = row_class("documents")
UnitRow = row_class("units")
CrossReferenceRow = row_class("cross_references")
StandardRow = row_class("standards")
ConversionRateRow = row_class("conversion_rates")
FactRow = row_class("facts")
NumberRow = row_class("numbers")
ScanLineRow = row_class("scan_lines")
PlaceRow = row_class("places")
